-- Every area row of every health workbook with its published area, the calendar its stated
-- period belongs to and, for a bad row, why. A workbook belongs to the calendar whose month
-- (the month of its title) its stated dates match exactly; one that matches neither is bad as
-- a whole.
with monthly_reports as (
    select * from {{ ref('stg_health__monthly_reports') }}
),

areas as (
    select * from {{ ref('int_areas_resolved') }}
),

months as (
    select * from {{ ref('dim_period') }} where period_type = 'month'
),

final as (
    select
        monthly_reports.*,
        months.calendar,
        areas.area_id,
        {{ rejection_reason([
            "case when months.period_id is null then format('stated period {} to {} is not month {:02d}/{} of either calendar', monthly_reports.period_start, monthly_reports.period_end, monthly_reports.report_month, monthly_reports.report_year) end",
            'areas.unplaceable_reason',
        ]) }} as rejection_reason
    from monthly_reports
    inner join areas
        on {{ matches_area_mention('null', 'monthly_reports.area_name', 'monthly_reports.period_end') }}
    left join months
        on months.start_date = monthly_reports.period_start
        and months.end_date = monthly_reports.period_end
        and months.period_id in (
            format('{}-{:02d}', monthly_reports.report_year, monthly_reports.report_month),
            format('R{}-{:02d}', monthly_reports.report_year, monthly_reports.report_month)
        )
)

select * from final
