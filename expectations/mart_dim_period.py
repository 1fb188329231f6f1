"""marts.dim_period: the periods of both calendars (marts.md, `marts.dim_period`)."""

from pipelines.quality.rules import columns_as_contracted, in_set, no_identity_numbers, not_null, unique
from pipelines.quality.spec import Suite, violations

TABLE = "marts.dim_period"
COLUMNS = {
    "period_id": "VARCHAR", "calendar": "VARCHAR", "period_type": "VARCHAR",
    "start_date": "DATE", "end_date": "DATE", "label_vi": "VARCHAR",
}

SUITE = Suite(
    name="mart_dim_period",
    layer="marts",
    blocking=True,
    description="The period dimension: contract columns, ids and dates as the two calendars define them.",
    expectations=(
        columns_as_contracted(TABLE, COLUMNS),
        not_null(TABLE, list(COLUMNS)),
        unique(TABLE, ["period_id"], note="two rows share a period_id: every join on the period doubles its values"),
        in_set(TABLE, "calendar", ["calendar", "reporting"]),
        in_set(TABLE, "period_type", ["month", "quarter", "half", "year"]),
        violations(
            "dates_as_defined",
            "a period's id, calendar, type or dates disagree with the contract's definition (calendar "
            "months; reporting periods from the 15th to the 14th, Decree 09/2019): events would be "
            "counted in the wrong period",
            # An independent reading of the two calendars: the period is recomputed from its id.
            rf"""
            with parsed as (
                select *, regexp_extract(period_id, '^(R?)(\d{{4}})(?:-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$',
                                         ['prefix', 'year', 'part']) as id
                from {TABLE}
            ),
            spans as (
                select period_id,
                       if(id.prefix = 'R', 'reporting', 'calendar') as id_calendar,
                       case when id.part = '' then 'year' when id.part[1] = 'Q' then 'quarter'
                            when id.part[1] = 'H' then 'half' else 'month' end as id_type,
                       id.year::integer as year,
                       case when id.part = '' then 1 when id.part[1] = 'Q' then 3 * id.part[2:]::integer - 2
                            when id.part[1] = 'H' then 6 * id.part[2:]::integer - 5 else id.part::integer end as first_month,
                       case when id.part = '' then 12 when id.part[1] = 'Q' then 3 * id.part[2:]::integer
                            when id.part[1] = 'H' then 6 * id.part[2:]::integer else id.part::integer end as last_month
                from parsed
                where id.year <> ''
            ),
            defined as (
                select period_id, id_calendar, id_type,
                       if(id_calendar = 'calendar', make_date(year, first_month, 1),
                          (make_date(year, first_month, 15) - interval 1 month)::date) as defined_start,
                       if(id_calendar = 'calendar', last_day(make_date(year, last_month, 1)),
                          make_date(year, last_month, 14)) as defined_end
                from spans
            )
            select p.period_id, p.calendar, p.period_type, p.start_date, p.end_date, d.defined_start, d.defined_end
            from {TABLE} p left join defined d using (period_id)
            where d.period_id is null
               or p.calendar is distinct from d.id_calendar or p.period_type is distinct from d.id_type
               or p.start_date is distinct from d.defined_start or p.end_date is distinct from d.defined_end
            order by p.period_id
            """,
        ),
        violations(
            "periods_tile",
            "periods of one type in one calendar overlap or leave a gap: an event would belong to "
            "two periods of that type, or to none",
            f"""
            with ordered as (
                select period_id, calendar, period_type, start_date,
                       lag(end_date) over (partition by calendar, period_type order by start_date) as previous_end
                from {TABLE}
            )
            select period_id, calendar, period_type, start_date, previous_end
            from ordered
            where previous_end is not null and start_date <> previous_end + 1
            order by calendar, period_type, start_date
            """,
        ),
        no_identity_numbers(TABLE),
    ),
)
