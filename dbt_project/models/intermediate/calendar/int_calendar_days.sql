-- Every day both calendars cover: from 1 January of the first year to 14 December of the last
-- (the days after it belong to a reporting year beyond the horizon).
with days as (
    select unnest(generate_series(
        make_date({{ calendar_first_year() }}, 1, 1),
        make_date({{ calendar_last_year() }}, 12, 14),
        interval 1 day
    ))::date as day
)

select * from days
