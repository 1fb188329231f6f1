-- Every delivered inspection line with its published area and, for a bad line, why.
{{ config(materialized='incremental', incremental_strategy='append') }}

with inspections as (
    select * from {{ ref('stg_culture__inspections') }}
    -- lines loaded since the last build (a line, once checked, stays as it was checked)
    where {{ loaded_since_last_build(watermark='loaded_at') }}
),

areas as (
    select * from {{ ref('int_areas_resolved') }}
),

final as (
    select
        inspections.*,
        areas.area_id,
        {{ rejection_reason([
            'areas.unplaceable_reason',
            unknown_value('team', 'inspections.team', 'inspections.team_code'),
            unknown_value('license_action', 'inspections.license_action', 'inspections.license_action_code'),
        ]) }} as rejection_reason
    from inspections
    inner join areas
        on {{ matches_area_mention('inspections.area_code', 'inspections.area_name', 'inspections.inspected_on') }}
)

select * from final
