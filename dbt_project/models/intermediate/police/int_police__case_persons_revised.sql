-- The police revision rule: for each (case, person) the good line with the latest
-- `Ngày cập nhật` wins, whatever the order the exports arrived in; ties go to the later export
-- (file date, then its _<n>, then load time) and, within it, the later line. A winning
-- cancellation (`Hủy`) is kept here, so that an incremental build replaces the pair's earlier
-- winner; the facts leave cancelled pairs out (a case whose pairs are all cancelled is gone).
-- Incremental: only the pairs that new lines name are ranked again, over all their lines.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['case_id', 'person_pseudonym'],
) }}

with checked as (
    select * from {{ ref('int_police__case_persons_checked') }}
    where rejection_reason is null
),

{{ lines_of_touched('case_id, person_pseudonym') }},

winners as (
    select
        case_id,
        person_pseudonym,
        {{ latest_line('updated_at, file_date, file_seq, loaded_at, line_no') }}
    from lines
    group by case_id, person_pseudonym
),

final as (
    select lines.* exclude (rejection_reason), winners.delivered_rows, winners.last_loaded_at
    from lines
    inner join winners
        on winners.source_file = lines.source_file
        and winners.line_no = lines.line_no
)

select * from final
