-- Every delivered inspection line with its published area and, for a bad line, why.
with inspections as (
    select * from {{ ref('stg_culture__inspections') }}
),

areas as (
    select * from {{ ref('int_areas_resolved') }} where agency = 'culture'
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
        on areas.source_file = inspections.source_file
        and areas.line_no = inspections.line_no
)

select * from final
