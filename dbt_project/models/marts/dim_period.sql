-- The periods of both calendars, built from their definitions (month spans and cut-off days),
-- independently of the day-to-period mapping in int_day_periods: a data test checks that the
-- two agree on every day.
with years as (
    select unnest(generate_series({{ calendar_first_year() }}, {{ calendar_last_year() }})) as year
),

-- The calendar months each period spans.
spans as (
    select 'month' as period_type, n as number, n as first_month, n as last_month
    from range(1, 13) as months(n)
    union all
    select 'quarter', n, 3 * n - 2, 3 * n from range(1, 5) as quarters(n)
    union all
    select 'half', n, 6 * n - 5, 6 * n from range(1, 3) as halves(n)
    union all
    select 'year', 1, 1, 12
),

calendars as (
    select unnest(['calendar', 'reporting']) as calendar
),

periods as (
    select
        calendars.calendar,
        spans.period_type,
        years.year,
        spans.number,
        case calendars.calendar
            when 'calendar' then make_date(years.year, spans.first_month, 1)
            -- reporting: from the 15th of the month before the first month
            else (make_date(years.year, spans.first_month, 15) - interval 1 month)::date
        end as start_date,
        case calendars.calendar
            when 'calendar' then last_day(make_date(years.year, spans.last_month, 1))
            -- reporting: to the 14th of the last month
            else make_date(years.year, spans.last_month, 14)
        end as end_date
    from years
    cross join spans
    cross join calendars
),

labelled as (
    select
        *,
        case period_type
            when 'month' then format('{}-{:02d}', year, number)
            when 'quarter' then format('{}-Q{}', year, number)
            when 'half' then format('{}-H{}', year, number)
            else year::varchar
        end as calendar_period_id,
        case period_type
            when 'month' then format('tháng {:02d}/{}', number, year)
            when 'quarter' then format('quý {}/{}', ['I', 'II', 'III', 'IV'][number], year)
            when 'half' then format('6 tháng {} năm {}', case number when 1 then 'đầu' else 'cuối' end, year)
            else format('năm {}', year)
        end as label
    from periods
),

final as (
    select
        case calendar when 'reporting' then 'R' || calendar_period_id else calendar_period_id end as period_id,
        calendar,
        period_type,
        start_date,
        end_date,
        case calendar
            when 'reporting' then 'Kỳ báo cáo ' || label
            else upper(label[1]) || label[2:]
        end as label_vi
    from labelled
)

select * from final
