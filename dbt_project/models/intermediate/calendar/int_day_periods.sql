-- The period of each type in each calendar that every day belongs to: join an event's date
-- here to count it in all its periods.
with days as (
    select * from {{ ref('int_calendar_days') }}
),

final as (
    {%- for calendar in calendars() %}
    {%- for period_type in period_types() %}
    select
        day,
        '{{ calendar }}' as calendar,
        '{{ period_type }}' as period_type,
        {{ period_id('day', calendar, period_type) }} as period_id
    from days
    {{ "union all" if not loop.last }}
    {%- endfor %}
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from final
