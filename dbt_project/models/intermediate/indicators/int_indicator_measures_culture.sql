-- The INS_ counts and amounts of every cell with inspections: one row per indicator × area (and
-- the city) × period, sex T. An inspection counts on its local date in the unit valid on it.
with inspections as (
    select * from {{ ref('fct_inspections') }}
),

day_periods as (
    select * from {{ ref('int_day_periods') }}
),

events as (
    select day_periods.period_id, inspections.*
    from inspections
    inner join day_periods on day_periods.day = inspections.inspected_on
),

cells as (
    select
        period_id,
        {{ cell_area('area_id') }} as cell_area_id,
        'T' as sex,
        count(*) as INS_INSPECTIONS,
        count(*) filter (where has_md_finding) as INS_WITH_MD_FINDING,
        count(*) filter (where is_licence_revoked) as INS_LICENCES_REVOKED,
        sum(penalty_vnd) as INS_PENALTIES_VND
    from events
    group by {{ cell_grouping_sets(['period_id'], 'area_id') }}
),

final as (
    {{ measures_to_rows('(select * rename (cell_area_id as area_id) from cells)', ['period_id', 'area_id', 'sex']) }}
)

select * from final
