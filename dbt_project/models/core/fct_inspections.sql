-- One row per culture inspection after revisions (the line of the latest export).
-- Incremental: the inspections that new lines name are made again.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='inspection_id') }}

with inspections as (
    select * from {{ ref('int_culture__inspections_revised') }}
    where {{ loaded_since_last_build('last_loaded_at') }}
),

final as (
    select
        inspection_id,
        inspected_on,
        inspected_at,
        area_id,
        team_code,
        license_no,
        establishment_type,
        finding_codes,
        has_md_finding,
        coalesce(penalty_vnd, 0) as penalty_vnd,
        license_action_code,
        coalesce(license_action_code = 'revoked', false) as is_licence_revoked,
        schema_version,
        source_file,
        line_no,
        file_sha256,
        file_date,
        delivered_rows,
        last_loaded_at
    from inspections
)

select * from final
