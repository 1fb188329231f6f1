-- One row per labour support record after revisions (the line of the latest register).
-- `person_sex` is the sex labour recorded on the person's latest record, the same on all their
-- records, so that a person counts in exactly one of F and M.
with records as (
    select * from {{ ref('int_labor__support_records_revised') }}
),

final as (
    select
        record_id,
        person_pseudonym,
        sex_code as sex,
        arg_max(sex_code, (support_started_on, record_id)) over (partition by person_pseudonym) as person_sex,
        birth_year,
        area_id,
        support_kind_code,
        support_started_on,
        followup_outcome_code,
        followed_up_on,
        followup_outcome_code is not null as is_followed_up,
        source_file,
        line_no,
        file_sha256,
        file_date,
        delivered_rows
    from records
)

select * from final
