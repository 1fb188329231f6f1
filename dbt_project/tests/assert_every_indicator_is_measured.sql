-- Every counted indicator of the registry has a measure: an indicator whose agency covers some
-- period but which no int_indicator_measures_* model computes (a registry row added without its
-- SQL) would otherwise be published as zeros everywhere.
with covered as (
    select distinct indicator_periods.indicator_code
    from {{ ref('int_indicator_periods') }} as indicator_periods
    inner join {{ ref('indicator_registry') }} as registry
        on registry.indicator_code = indicator_periods.indicator_code
    where registry.unit <> 'ratio'
),

measured as (
    select distinct indicator_code from {{ ref('int_indicator_measures') }}
)

select indicator_code from covered
where indicator_code not in (select indicator_code from measured)
