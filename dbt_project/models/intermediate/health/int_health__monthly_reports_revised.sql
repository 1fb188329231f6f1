-- The health revision rule: the highest version of a month's workbook replaces the whole
-- month, whatever order the versions arrived in (the same version delivered twice: the later
-- delivery). Only that workbook's good rows count; a month with no workbook has no rows.
with checked as (
    select * from {{ ref('int_health__monthly_reports_checked') }}
),

workbooks as (
    select distinct report_year, report_month, version, source_file, file_sha256, loaded_at
    from checked
),

month_winners as (
    select
        *,
        count(*) over (partition by report_year, report_month) as delivered_workbooks
    from workbooks
    qualify row_number() over (
        partition by report_year, report_month
        order by version desc, loaded_at desc, source_file desc
    ) = 1
),

final as (
    select checked.* exclude (rejection_reason), month_winners.delivered_workbooks
    from checked
    inner join month_winners
        on month_winners.source_file = checked.source_file
        and month_winners.file_sha256 = checked.file_sha256
    where checked.rejection_reason is null
)

select * from final
