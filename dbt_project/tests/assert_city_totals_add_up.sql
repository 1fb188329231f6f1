-- An event counts in exactly one area (the unit valid on its date; a health row in its unit),
-- so a public count or amount of the city (cases, inspections, records, condoms, money) is the
-- sum of its areas' - over a period spanning the 2025 reform, districts and communes together.
-- (Small-cell persons are distinct within the cell and need not add up.)
with computed as (
    select * from {{ ref('int_indicator_values_computed') }}
    where disclosure = 'public' and unit in ('count', 'vnd')
)

select
    indicator_code,
    period_id,
    sex,
    sum(value) filter (where area_level = 'city') as city_value,
    sum(value) filter (where area_level <> 'city') as area_sum
from computed
group by indicator_code, period_id, sex
having city_value is distinct from area_sum
