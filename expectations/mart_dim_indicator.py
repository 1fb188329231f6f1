"""marts.dim_indicator: the indicator registry as published (marts.md, `marts.dim_indicator`)."""

from pipelines.quality.rules import columns_as_contracted, in_set, no_identity_numbers, not_null, unique
from pipelines.quality.spec import Suite, violations

TABLE = "marts.dim_indicator"
COLUMNS = {
    "indicator_code": "VARCHAR", "name_vi": "VARCHAR", "name_en": "VARCHAR", "unit": "VARCHAR",
    "agency": "VARCHAR", "numerator_code": "VARCHAR", "denominator_code": "VARCHAR",
    "disclosure": "VARCHAR", "additive": "BOOLEAN", "definition": "VARCHAR",
}

SUITE = Suite(
    name="mart_dim_indicator",
    layer="marts",
    blocking=True,
    description="The indicator dimension: contract columns, one row per indicator, as in the registry.",
    expectations=(
        columns_as_contracted(TABLE, COLUMNS),
        not_null(TABLE, ["indicator_code", "name_vi", "name_en", "unit", "agency", "disclosure", "additive", "definition"]),
        unique(TABLE, ["indicator_code"], note="two rows share an indicator_code: every join on the indicator doubles its values"),
        in_set(TABLE, "unit", ["count", "vnd", "ratio"]),
        in_set(TABLE, "disclosure", ["public", "small_cell"],
               note="an unknown disclosure class: the disclosure checks would not apply to that indicator"),
        in_set(TABLE, "agency", ["police", "culture", "health", "labor", "police+labor"]),
        violations(
            "as_in_the_registry",
            "an indicator is not in the registry seed, or its unit, agency, parts, disclosure or "
            "additivity differ from it: the registry is the one home of indicator metadata (and of "
            "each indicator's sexes); a wrong `additive` would hide relations from disclosure's audit",
            f"""
            select d.indicator_code, r.indicator_code is null as unknown_to_registry
            from {TABLE} d left join registry r using (indicator_code)
            where r.indicator_code is null
               or d.unit is distinct from r.unit or d.agency is distinct from r.agency
               or d.numerator_code is distinct from r.numerator_code
               or d.denominator_code is distinct from r.denominator_code
               or d.disclosure is distinct from r.disclosure
               or d.additive is distinct from r.additive
            order by d.indicator_code
            """,
        ),
        violations(
            "ratio_parts_defined",
            "a ratio does not name both its parts (or a non-ratio names one), or a part is not a count "
            "of the same agency in dim_indicator: the ratio checks and rule 6 of disclosure cannot apply",
            f"""
            select r.indicator_code, r.unit, r.numerator_code, r.denominator_code
            from {TABLE} r
            left join {TABLE} n on n.indicator_code = r.numerator_code
            left join {TABLE} d on d.indicator_code = r.denominator_code
            where (r.unit = 'ratio') <> (r.numerator_code is not null and r.denominator_code is not null)
               or (r.unit <> 'ratio' and (r.numerator_code is not null or r.denominator_code is not null))
               or (r.unit = 'ratio' and (n.unit is distinct from 'count' or d.unit is distinct from 'count'
                                         or n.agency is distinct from r.agency or d.agency is distinct from r.agency))
            order by r.indicator_code
            """,
        ),
        no_identity_numbers(TABLE),
    ),
)
