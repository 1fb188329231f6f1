-- The culture revision rule: an inspection resent in several exports is the good line from the
-- export with the latest date in its name (the same date: the later delivery), and within one
-- export the last line.
with checked as (
    select * from {{ ref('int_culture__inspections_checked') }}
    where rejection_reason is null
),

ranked as (
    select
        *,
        count(*) over (partition by inspection_id) as delivered_rows,
        row_number() over (
            partition by inspection_id
            order by file_date desc, file_seq desc, loaded_at desc, line_no desc
        ) as revision_rank
    from checked
),

final as (
    select * exclude (revision_rank, rejection_reason)
    from ranked
    where revision_rank = 1
)

select * from final
