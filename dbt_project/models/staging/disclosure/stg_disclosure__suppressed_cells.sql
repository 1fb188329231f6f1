with suppressed_cells as (
    select * from {{ source('disclosure', 'suppressed_cells') }}
),

final as (
    select indicator_code, area_id, period_id, sex, rule
    from suppressed_cells
)

select * from final
