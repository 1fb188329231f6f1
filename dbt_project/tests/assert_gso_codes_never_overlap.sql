-- A code names one unit on any date: units that share a gso_code (019, the 5-digit codes
-- reused in 2025) have validity periods that do not overlap.
select unit.area_id, other.area_id as other_area_id, unit.gso_code
from {{ ref('admin_units') }} as unit
join {{ ref('admin_units') }} as other
    on other.gso_code = unit.gso_code
    and other.area_id > unit.area_id
    and other.valid_from <= coalesce(unit.valid_to, date '9999-12-31')
    and unit.valid_from <= coalesce(other.valid_to, date '9999-12-31')
