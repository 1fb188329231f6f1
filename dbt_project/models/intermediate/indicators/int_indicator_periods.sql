-- The periods each indicator has rows for: one row per indicator × period. An agency covers,
-- in each calendar, every period (of every type) overlapping the span from its earliest to its
-- latest event date. Health is covered month by month, in the calendar its workbooks' stated
-- dates match: a month with a workbook, and each longer period of that calendar containing at
-- least one such month (`months_missing` counts the months without). An indicator of several
-- agencies (`police+labor`) has the periods that all of them cover.
with registry as (
    select * from {{ ref('indicator_registry') }}
),

periods as (
    select * from {{ ref('dim_period') }}
),

months as (
    select * from periods where period_type = 'month'
),

event_spans as (
    select 'police' as agency, min(detected_on) as first_day, max(detected_on) as last_day
    from {{ ref('fct_violation_cases') }}
    union all
    select 'culture', min(inspected_on), max(inspected_on)
    from {{ ref('fct_inspections') }}
    union all
    select 'labor', min(support_started_on), max(support_started_on)
    from {{ ref('fct_support_records') }}
),

reported_months as (
    select distinct period_id from {{ ref('fct_health_monthly_reports') }}
),

-- the months of each period, in its own calendar
period_months as (
    select periods.period_id, months.period_id as month_id
    from periods
    inner join months
        on months.calendar = periods.calendar
        and months.start_date >= periods.start_date
        and months.end_date <= periods.end_date
),

agency_periods as (
    select event_spans.agency, periods.period_id, 0 as months_missing
    from event_spans
    inner join periods
        on periods.start_date <= event_spans.last_day
        and periods.end_date >= event_spans.first_day
    union all
    select 'health', period_months.period_id, count(*) - count(reported_months.period_id)
    from period_months
    left join reported_months on reported_months.period_id = period_months.month_id
    group by period_months.period_id
    having count(reported_months.period_id) > 0
),

indicator_agencies as (
    select
        indicator_code,
        unnest(string_split(agency, '+')) as agency,
        len(string_split(agency, '+')) as agency_count
    from registry
),

final as (
    select
        indicator_agencies.indicator_code,
        agency_periods.period_id,
        max(agency_periods.months_missing) as months_missing
    from indicator_agencies
    inner join agency_periods on agency_periods.agency = indicator_agencies.agency
    group by indicator_agencies.indicator_code, agency_periods.period_id, indicator_agencies.agency_count
    having count(*) = indicator_agencies.agency_count
)

select * from final
