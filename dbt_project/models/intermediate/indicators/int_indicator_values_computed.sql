-- Every value the marts contract requires, before disclosure control: one row per indicator ×
-- area × period × sex of the dimension-complete grid. The grid is every indicator × each period
-- it covers (int_indicator_periods) × every published unit valid on at least one day of the
-- period (the city always) × each sex of the indicator; a cell without events is 0. A ratio is
-- its numerator's count over its denominator's count in the same cell, `undefined` when the
-- denominator is 0. `incomplete` marks a health period lacking some of its monthly reports.
with registry as (
    select * from {{ ref('indicator_registry') }}
),

indicator_periods as (
    select * from {{ ref('int_indicator_periods') }}
),

periods as (
    select * from {{ ref('dim_period') }}
),

areas as (
    select * from {{ ref('dim_area') }}
),

measures as (
    select * from {{ ref('int_indicator_measures') }}
),

indicator_sexes as (
    -- sex_breakdown 'T' or 'TFM': one sex a letter
    select indicator_code, unnest(string_split(sex_breakdown, '')) as sex
    from registry
),

grid as (
    select
        indicator_periods.indicator_code,
        areas.area_id,
        indicator_periods.period_id,
        indicator_sexes.sex,
        areas.level as area_level,
        indicator_periods.months_missing > 0 as is_incomplete
    from indicator_periods
    inner join periods on periods.period_id = indicator_periods.period_id
    inner join areas
        on areas.valid_from <= periods.end_date
        and coalesce(areas.valid_to, date '9999-12-31') >= periods.start_date
    inner join indicator_sexes on indicator_sexes.indicator_code = indicator_periods.indicator_code
),

cells as (
    select
        grid.*,
        registry.unit,
        registry.disclosure,
        registry.additive,
        registry.numerator_code,
        registry.denominator_code
    from grid
    inner join registry on registry.indicator_code = grid.indicator_code
),

counts as (
    select cells.*, coalesce(measures.value, 0) as count_value
    from cells
    left join measures
        on measures.indicator_code = cells.indicator_code
        and measures.area_id = cells.area_id
        and measures.period_id = cells.period_id
        and measures.sex = cells.sex
    where cells.unit <> 'ratio'
),

ratios as (
    select cells.*, numerators.count_value as numerator, denominators.count_value as denominator
    from cells
    left join counts as numerators
        on numerators.indicator_code = cells.numerator_code
        and numerators.area_id = cells.area_id
        and numerators.period_id = cells.period_id
        and numerators.sex = cells.sex
    left join counts as denominators
        on denominators.indicator_code = cells.denominator_code
        and denominators.area_id = cells.area_id
        and denominators.period_id = cells.period_id
        and denominators.sex = cells.sex
    where cells.unit = 'ratio'
),

final as (
    select
        indicator_code, area_id, period_id, sex,
        count_value::double as value,
        null::bigint as numerator,
        null::bigint as denominator,
        case when is_incomplete then 'incomplete' end as flag,
        unit, disclosure, additive, numerator_code, denominator_code, area_level
    from counts
    union all
    select
        indicator_code, area_id, period_id, sex,
        case when denominator <> 0 then numerator / denominator end as value,
        numerator,
        denominator,
        case when denominator = 0 then 'undefined' when is_incomplete then 'incomplete' end as flag,
        unit, disclosure, additive, numerator_code, denominator_code, area_level
    from ratios
)

select * from final
