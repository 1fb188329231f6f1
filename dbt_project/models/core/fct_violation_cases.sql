-- One row per police case that still has a (case, person) pair in force. The case's own fields
-- (detection date, area, kind of place) are repeated on every row of an export; when the rows in
-- force disagree (overlapping exports), the most recently updated one speaks for the case, and
-- its line is the case's lineage. Incremental: the cases whose pairs changed are made again; a
-- case left with no pair in force is written with no persons and removed by the post-hook.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='case_id',
    post_hook="delete from {{ this }} where persons = 0",
) }}

with revised as (
    select * from {{ ref('int_police__case_persons_revised') }}
),

{%- if is_incremental() %}
touched_cases as (
    select distinct case_id
    from revised
    where {{ loaded_since_last_build('last_loaded_at') }}
),

case_pairs as (
    select revised.*
    from revised
    semi join touched_cases using (case_id)
),
{%- else %}
case_pairs as (
    select * from revised
),
{%- endif %}

case_totals as (
    select
        case_id,
        count(*) filter (where record_status_code = 'in_force') as persons,
        bool_or(handling_code = 'criminal_prosecution') filter (where record_status_code = 'in_force')
            as is_criminal,
        coalesce(sum(fine_vnd) filter (where record_status_code = 'in_force'), 0)::bigint as fines_vnd,
        -- the case's fields from its latest pair in force (one line is one pair: no ties)
        arg_max(
            struct_pack(detected_on, area_id, place_kind_code, updated_at, source_file, line_no, file_sha256),
            (updated_at, file_date, file_seq, loaded_at, line_no, source_file)
        ) filter (where record_status_code = 'in_force') as latest,
        max(last_loaded_at) as last_loaded_at
    from case_pairs
    group by case_id
),

final as (
    select
        case_id,
        latest.detected_on,
        latest.area_id,
        latest.place_kind_code,
        persons,
        is_criminal,
        fines_vnd,
        latest.updated_at as last_updated_at,
        latest.source_file,
        latest.line_no,
        latest.file_sha256,
        last_loaded_at
    from case_totals
)

select * from final
