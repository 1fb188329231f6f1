-- The indicators of the registry seed, with the columns of the marts contract.
with registry as (
    select * from {{ ref('indicator_registry') }}
),

final as (
    select
        indicator_code,
        name_vi,
        name_en,
        unit,
        agency,
        numerator_code,
        denominator_code,
        disclosure,
        additive,
        definition_en as definition
    from registry
)

select * from final
