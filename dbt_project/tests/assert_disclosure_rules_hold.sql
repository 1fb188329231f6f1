-- The published values are a fixed point of the disclosure rules (marts.md): no small-cell count
-- of 1–4 below the city is shown (rule 1), no area has exactly one of F and M suppressed
-- (rule 2), no indicator × period × sex has exactly one suppressed area while a non-zero area
-- is shown (rule 3), no ratio is shown while a part is suppressed (rule 5). Keys only: the
-- failing rows never show the small values themselves.
with cells as (
    select
        indicator_values.*,
        indicator_values.flag is not distinct from 'suppressed' as is_suppressed,
        dim_indicator.unit,
        dim_indicator.numerator_code,
        dim_indicator.denominator_code
    from {{ ref('indicator_values') }} as indicator_values
    inner join {{ ref('dim_indicator') }} as dim_indicator
        on dim_indicator.indicator_code = indicator_values.indicator_code
    inner join {{ ref('dim_area') }} as dim_area
        on dim_area.area_id = indicator_values.area_id
    where dim_indicator.disclosure = 'small_cell' and dim_area.level <> 'city'
),

counts as (
    select * from cells where unit = 'count'
),

primary_shown as (
    select 'rule 1' as rule, indicator_code, period_id, sex, area_id
    from counts
    where value between 1 and 4
),

lone_sex as (
    select 'rule 2' as rule, indicator_code, period_id, null as sex, area_id
    from counts
    where sex in ('F', 'M')
    group by indicator_code, period_id, area_id
    having count(*) filter (where is_suppressed) = 1
),

lone_area as (
    select 'rule 3' as rule, indicator_code, period_id, sex, null as area_id
    from counts
    group by indicator_code, period_id, sex
    having count(*) filter (where is_suppressed) = 1
        and count(*) filter (where not is_suppressed and value > 0) > 0
),

ratio_shown as (
    select 'rule 5' as rule, ratios.indicator_code, ratios.period_id, ratios.sex, ratios.area_id
    from cells as ratios
    inner join counts as parts
        on parts.indicator_code in (ratios.numerator_code, ratios.denominator_code)
        and parts.area_id = ratios.area_id
        and parts.period_id = ratios.period_id
        and parts.sex = ratios.sex
    where ratios.unit = 'ratio' and parts.is_suppressed and not ratios.is_suppressed
)

select * from primary_shown
union all select * from lone_sex
union all select * from lone_area
union all select * from ratio_shown
