{#- The two calendars of the marts contract. `calendar`: calendar months, quarters, halves and
    years. `reporting` (Decree 09/2019/NĐ-CP art. 12): a month runs from the 15th of the
    previous month to the 14th, and quarters, halves and years are made of such months. -#}

{#- First and last calendar year of dim_period (project vars). -#}
{% macro calendar_first_year() -%}
    {{ var('calendar_first_year') }}
{%- endmacro %}

{% macro calendar_last_year() -%}
    (year(current_date) + {{ var('calendar_years_ahead') }})
{%- endmacro %}

{#- The first day of the calendar month whose name the day's period carries: the month itself
    in `calendar`; in `reporting`, from the 15th on, the next month (15 Dec 2024 is in R2025-01). -#}
{% macro period_month(day, calendar) -%}
    {%- if calendar == 'calendar' -%}
        date_trunc('month', {{ day }})::date
    {%- elif calendar == 'reporting' -%}
        (date_trunc('month', {{ day }}) + case when day({{ day }}) >= 15 then interval 1 month else interval 0 month end)::date
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown calendar " ~ calendar) }}
    {%- endif -%}
{%- endmacro %}

{#- The id of the period of `period_type` in `calendar` that contains `day` (a DATE expression):
    2024-03, 2024-Q1, 2024-H1, 2024; R2024-03, R2024-Q1, R2024-H1, R2024. -#}
{% macro period_id(day, calendar, period_type) -%}
    {%- set month = period_month(day, calendar) -%}
    {%- set prefix = "'R' || " if calendar == 'reporting' else "" -%}
    {%- if period_type == 'month' -%}
        {{ prefix }}strftime({{ month }}, '%Y-%m')
    {%- elif period_type == 'quarter' -%}
        {{ prefix }}format('{}-Q{}', year({{ month }}), quarter({{ month }}))
    {%- elif period_type == 'half' -%}
        {{ prefix }}format('{}-H{}', year({{ month }}), case when month({{ month }}) <= 6 then 1 else 2 end)
    {%- elif period_type == 'year' -%}
        {{ prefix }}year({{ month }})::varchar
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown period type " ~ period_type) }}
    {%- endif -%}
{%- endmacro %}

{% macro calendars() %}{{ return(['calendar', 'reporting']) }}{% endmacro %}
{% macro period_types() %}{{ return(['month', 'quarter', 'half', 'year']) }}{% endmacro %}
