-- One row per labour support record after revisions (the line of the latest register).
-- `person_sex` is the sex labour recorded on the person's latest record, the same on all their
-- records, so that a person counts in exactly one of F and M. Incremental: every record of a
-- person whose records changed is made again (a revised record may also have left a person).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='record_id') }}

with revised as (
    select * from {{ ref('int_labor__support_records_revised') }}
),

{%- if is_incremental() %}
changed_records as (
    select record_id, person_pseudonym
    from revised
    where {{ loaded_since_last_build('last_loaded_at') }}
),

touched_persons as (
    select person_pseudonym from changed_records
    union
    -- a revised record may have moved to another person
    select built.person_pseudonym
    from {{ this }} as built
    semi join changed_records using (record_id)
),

records as (
    select revised.*
    from revised
    semi join touched_persons using (person_pseudonym)
),
{%- else %}
records as (
    select * from revised
),
{%- endif %}

person_sexes as (
    select person_pseudonym, arg_max(sex_code, (support_started_on, record_id)) as person_sex
    from records
    group by person_pseudonym
),

final as (
    select
        records.record_id,
        records.person_pseudonym,
        records.sex_code as sex,
        person_sexes.person_sex,
        records.birth_year,
        records.area_id,
        records.support_kind_code,
        records.support_started_on,
        records.followup_outcome_code,
        records.followed_up_on,
        records.followup_outcome_code is not null as is_followed_up,
        records.source_file,
        records.line_no,
        records.file_sha256,
        records.file_date,
        records.delivered_rows,
        records.last_loaded_at
    from records
    inner join person_sexes on person_sexes.person_pseudonym = records.person_pseudonym
)

select * from final
