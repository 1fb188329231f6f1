-- The labour revision rule: a record resent in several registers is the good line from the
-- register with the latest date in its name (the same date: the later delivery), and within one
-- register the last line; typically a resend fills in the follow-up.
with checked as (
    select * from {{ ref('int_labor__support_records_checked') }}
    where rejection_reason is null
),

ranked as (
    select
        *,
        count(*) over (partition by record_id) as delivered_rows,
        row_number() over (
            partition by record_id
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
