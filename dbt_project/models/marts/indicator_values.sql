-- The published values: int_indicator_values_computed after disclosure control (marts.md,
-- "Disclosure control (version 2)"). The rules run in Python between the two parts of the
-- build (pipelines/disclosure: a fixed point and an audit by linear algebra, not set work);
-- they leave the rows to suppress in disclosure.suppressed_cells. A suppressed row shows no
-- value, numerator or denominator. One flag per row: suppressed > undefined > incomplete.
-- release_id is left NULL: publishing stamps it.
with computed as (
    select * from {{ ref('int_indicator_values_computed') }}
),

suppressed as (
    select * from {{ ref('stg_disclosure__suppressed_cells') }}
),

final as (
    select
        computed.indicator_code,
        computed.area_id,
        computed.period_id,
        computed.sex,
        case when suppressed.rule is null then computed.value end as value,
        case when suppressed.rule is null then computed.numerator end as numerator,
        case when suppressed.rule is null then computed.denominator end as denominator,
        case when suppressed.rule is not null then 'suppressed' else computed.flag end as flag,
        null::varchar as release_id
    from computed
    left join suppressed
        on suppressed.indicator_code = computed.indicator_code
        and suppressed.area_id = computed.area_id
        and suppressed.period_id = computed.period_id
        and suppressed.sex = computed.sex
)

select * from final
