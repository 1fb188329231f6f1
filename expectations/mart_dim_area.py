"""marts.dim_area: the published areas, one row per unit version (marts.md, `marts.dim_area`)."""

from pipelines.quality.rules import columns_as_contracted, in_set, no_identity_numbers, not_null, unique
from pipelines.quality.spec import Suite, violations

TABLE = "marts.dim_area"
COLUMNS = {
    "area_id": "VARCHAR", "gso_code": "VARCHAR", "area_name": "VARCHAR", "area_type": "VARCHAR",
    "level": "VARCHAR", "parent_id": "VARCHAR", "valid_from": "DATE", "valid_to": "DATE",
}

SUITE = Suite(
    name="mart_dim_area",
    layer="marts",
    blocking=True,
    description="The area dimension: contract columns, one row per area, levels and validity as in the contract.",
    expectations=(
        columns_as_contracted(TABLE, COLUMNS),
        not_null(TABLE, ["area_id", "gso_code", "area_name", "area_type", "level", "valid_from"]),
        unique(TABLE, ["area_id"], note="two rows share an area_id: every join on the area doubles its values"),
        in_set(TABLE, "level", ["city", "district", "commune"],
               note="a level that is not published (an old ward leaked in) or is misspelt"),
        in_set(TABLE, "area_type", ["thanh_pho", "quan", "huyen", "thi_xa", "phuong", "xa"]),
        violations(
            "type_matches_level",
            "an area's type does not belong to its level (a quận at commune level, ...): the seed's columns are mixed up",
            f"""
            select area_id, level, area_type from {TABLE}
            where not (level = 'city' and area_type = 'thanh_pho'
                    or level = 'district' and area_type in ('quan', 'huyen', 'thi_xa')
                    or level = 'commune' and area_type in ('phuong', 'xa'))
            order by area_id
            """,
        ),
        violations(
            "one_city_the_province",
            "there is not exactly one city row, or it is not the configured province: the city "
            "totals would be missing or doubled",
            f"""
            select count(*) filter (where level = 'city') as city_rows,
                   count(*) filter (where level = 'city' and area_id = $province_code) as province_rows
            from {TABLE}
            having city_rows <> 1 or province_rows <> 1
            """,
        ),
        violations(
            "parent_known",
            "an area below the city has no parent in dim_area (or the city has one): the hierarchy BI tools drill through is broken",
            f"""
            select a.area_id, a.level, a.parent_id
            from {TABLE} a left join {TABLE} p on p.area_id = a.parent_id
            where (a.level = 'city') <> (a.parent_id is null)
               or (a.parent_id is not null and p.area_id is null)
            order by a.area_id
            """,
        ),
        violations(
            "validity_as_in_the_reform",
            "a validity is reversed, a district is valid after 30/06/2025 or a commune-level unit before "
            "01/07/2025: an event would be counted in both systems (or in neither)",
            f"""
            select area_id, level, valid_from, valid_to from {TABLE}
            where valid_to < valid_from
               or level = 'district' and (valid_to is null or valid_to > DATE '2025-06-30')
               or level = 'commune' and valid_from < DATE '2025-07-01'
            order by area_id
            """,
        ),
        violations(
            "gso_codes_never_overlap",
            "two areas with the same GSO code are valid on the same day: a code no longer names one unit",
            f"""
            select a.gso_code, a.area_id, b.area_id as other_area_id
            from {TABLE} a join {TABLE} b
              on a.gso_code = b.gso_code and a.area_id < b.area_id
             and a.valid_from <= coalesce(b.valid_to, DATE '9999-12-31')
             and b.valid_from <= coalesce(a.valid_to, DATE '9999-12-31')
            order by all
            """,
        ),
        no_identity_numbers(TABLE),
    ),
)
