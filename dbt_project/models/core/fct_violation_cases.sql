-- One row per police case that still has a (case, person) pair in force. The case's own fields
-- (detection date, area, kind of place) are repeated on every row of an export; when the rows in
-- force disagree (overlapping exports), the most recently updated one speaks for the case, and
-- its line is the case's lineage.
with pairs as (
    select * from {{ ref('int_police__case_persons_revised') }}
),

latest_pairs as (
    select *
    from pairs
    qualify row_number() over (
        partition by case_id
        order by updated_at desc, file_date desc, file_seq desc, loaded_at desc, line_no desc, person_pseudonym
    ) = 1
),

case_totals as (
    select
        case_id,
        count(*) as persons,
        bool_or(handling_code = 'criminal_prosecution') as is_criminal,
        coalesce(sum(fine_vnd), 0)::bigint as fines_vnd
    from pairs
    group by case_id
),

final as (
    select
        latest_pairs.case_id,
        latest_pairs.detected_on,
        latest_pairs.area_id,
        latest_pairs.place_kind_code,
        case_totals.persons,
        case_totals.is_criminal,
        case_totals.fines_vnd,
        latest_pairs.updated_at as last_updated_at,
        latest_pairs.source_file,
        latest_pairs.line_no,
        latest_pairs.file_sha256
    from latest_pairs
    inner join case_totals on case_totals.case_id = latest_pairs.case_id
)

select * from final
