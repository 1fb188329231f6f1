-- depends_on: {{ ref('indicator_registry') }}
-- The periodic report of every area (báo cáo 6 tháng, 01 năm): one row per area × half-year or
-- year period of either calendar that indicator_values has, with one column per indicator of
-- the registry (its code in lower case, generated from the seed) holding the T value after
-- disclosure control: the same NULLs where indicator_values suppresses or cannot compute, and
-- NULL where the indicator's agency does not cover the period. The city has its row too.
-- Each column has the type its (generated) contract declares: whole numbers for counts and sums.
{%- set codes = indicator_codes() %}
with indicator_values as (
    select * from {{ ref('indicator_values') }}
    where sex = 'T'
),

periods as (
    select * from {{ ref('dim_period') }}
    where period_type in ('half', 'year')
),

areas as (
    select * from {{ ref('dim_area') }}
),

final as (
    select
        indicator_values.area_id,
        indicator_values.period_id,
        areas.area_name,
        periods.label_vi
        {%- for code in codes %},
        cast(
            max(indicator_values.value) filter (where indicator_values.indicator_code = '{{ code }}')
            as {{ model.columns[code | lower].data_type }}
        ) as {{ code | lower }}
        {%- endfor %}
    from indicator_values
    inner join periods on periods.period_id = indicator_values.period_id
    inner join areas on areas.area_id = indicator_values.area_id
    group by all
)

select * from final
