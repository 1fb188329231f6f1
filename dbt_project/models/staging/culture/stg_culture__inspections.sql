with inspections as (
    select * from {{ source('culture', 'inspections') }}
),

area_names as ({{ area_name_keys('inspections') }}),
teams as ({{ vocabulary_codes('inspections', 'team', 'vocab_culture_teams') }}),
license_actions as ({{ vocabulary_codes('inspections', 'license_action', 'vocab_culture_license_actions') }}),

final as (
    select
        inspections.source_file,
        inspections.line_no,
        inspections.file_sha256,
        inspections.file_date,
        inspections.file_seq,
        inspections.loaded_at,

        inspections.inspection_id,
        inspections.schema_version,
        inspections.inspected_at,
        inspections.inspected_on,
        inspections.team,
        teams.code as team_code,

        inspections.license_no,
        inspections.establishment_name,
        inspections.establishment_type,
        {{ delivered_area_code('inspections.area_code') }} as area_code,
        inspections.area_name,
        area_names.area_type_key,
        area_names.area_name_key,
        area_names.area_text_key,

        inspections.finding_codes,
        -- MD findings are the prostitution-related ones
        len(list_filter(inspections.finding_codes, lambda code: starts_with(upper(trim(code)), 'MD'))) > 0
            as has_md_finding,
        inspections.penalty_vnd,
        inspections.license_action,
        license_actions.code as license_action_code
    from inspections
    left join area_names on area_names.area_name = inspections.area_name
    left join teams on teams.term = inspections.team
    left join license_actions on license_actions.term = inspections.license_action
)

select * from final
