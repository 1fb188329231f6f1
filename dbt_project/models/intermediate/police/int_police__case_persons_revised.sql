-- The police revision rule: for each (case, person) the good line with the latest
-- `Ngày cập nhật` wins, whatever the order the exports arrived in; ties go to the later export
-- (file date, then its _<n>, then load time) and, within it, the later line. A winning
-- cancellation (`Hủy`) removes the pair, so a case whose pairs are all cancelled is gone.
with checked as (
    select * from {{ ref('int_police__case_persons_checked') }}
    where rejection_reason is null
),

ranked as (
    select
        *,
        count(*) over (partition by case_id, person_pseudonym) as delivered_rows,
        row_number() over (
            partition by case_id, person_pseudonym
            order by updated_at desc, file_date desc, file_seq desc, loaded_at desc, line_no desc
        ) as revision_rank
    from checked
),

final as (
    select * exclude (revision_rank, rejection_reason)
    from ranked
    where revision_rank = 1 and record_status_code = 'in_force'
)

select * from final
