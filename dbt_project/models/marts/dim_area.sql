-- The published areas: the city, the district-level units until 2025-06-30 and the
-- commune-level units from 2025-07-01. Old wards stay internal (their events count in
-- their district).
with admin_units as (
    select * from {{ ref('admin_units') }}
),

final as (
    select
        area_id,
        gso_code,
        nfc_normalize(name) as area_name,
        area_type,
        level,
        parent_id,
        valid_from,
        valid_to
    from admin_units
    where level in ('city', 'district', 'commune')
)

select * from final
