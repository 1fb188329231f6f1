with support_records as (
    select * from {{ source('labor', 'support_records') }}
),

area_names as ({{ area_name_keys('support_records') }}),
sexes as ({{ vocabulary_codes('support_records', 'sex', 'vocab_sexes') }}),
support_kinds as ({{ vocabulary_codes('support_records', 'support_kind', 'vocab_labor_support_kinds') }}),
followup_outcomes as ({{ vocabulary_codes('support_records', 'followup_outcome', 'vocab_labor_followup_outcomes') }}),

final as (
    select
        support_records.source_file,
        support_records.line_no,
        support_records.file_sha256,
        support_records.file_date,
        support_records.file_seq,
        support_records.loaded_at,

        support_records.record_id,
        support_records.person_pseudonym,
        support_records.birth_year,
        support_records.sex,
        sexes.code as sex_code,

        {{ delivered_area_code('support_records.area_code') }} as area_code,
        support_records.area_name,
        area_names.area_type_key,
        area_names.area_name_key,
        area_names.area_text_key,

        support_records.support_kind,
        support_kinds.code as support_kind_code,
        support_records.support_started_on,
        support_records.followup_outcome,
        followup_outcomes.code as followup_outcome_code,
        support_records.followed_up_on
    from support_records
    left join area_names on area_names.area_name = support_records.area_name
    left join sexes on sexes.term = support_records.sex
    left join support_kinds on support_kinds.term = support_records.support_kind
    left join followup_outcomes on followup_outcomes.term = support_records.followup_outcome
)

select * from final
