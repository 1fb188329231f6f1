-- Every day the calendars cover lies in exactly one dim_period period of each type in each
-- calendar, and it is the period int_day_periods (the mapping events are counted by) gives it.
with day_periods as (
    select * from {{ ref('int_day_periods') }}
),

periods as (
    select * from {{ ref('dim_period') }}
),

containing as (
    select
        day_periods.day,
        day_periods.calendar,
        day_periods.period_type,
        day_periods.period_id as mapped_period_id,
        count(periods.period_id) as containing_periods,
        min(periods.period_id) as containing_period_id
    from day_periods
    left join periods
        on periods.calendar = day_periods.calendar
        and periods.period_type = day_periods.period_type
        and day_periods.day between periods.start_date and periods.end_date
    group by all
)

select *
from containing
where containing_periods <> 1 or containing_period_id <> mapped_period_id
