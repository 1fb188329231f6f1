-- One row per report month × published area: the figures of the month's winning workbook (its
-- highest version), in the calendar its stated dates match. Rows of a workbook that land in the
-- same area (an old ward and its district, a repeated row) are added up, as the form's total does.
with report_rows as (
    select * from {{ ref('int_health__monthly_reports_revised') }}
),

months as (
    select * from {{ ref('int_day_periods') }} where period_type = 'month'
),

final as (
    select
        months.period_id,
        report_rows.calendar,
        report_rows.report_year,
        report_rows.report_month,
        report_rows.period_start,
        report_rows.period_end,
        report_rows.area_id,
        sum(report_rows.reached_female)::bigint as reached_female,
        sum(report_rows.reached_male)::bigint as reached_male,
        sum(report_rows.hiv_tested)::bigint as hiv_tested,
        sum(report_rows.hiv_positive)::bigint as hiv_positive,
        sum(report_rows.art_initiated)::bigint as art_initiated,
        sum(report_rows.sti_examined)::bigint as sti_examined,
        sum(report_rows.methadone_enrolled)::bigint as methadone_enrolled,
        sum(report_rows.condoms)::bigint as condoms,
        report_rows.version,
        report_rows.source_file,
        list(report_rows.line_no order by report_rows.line_no) as line_nos,
        report_rows.file_sha256,
        report_rows.delivered_workbooks
    from report_rows
    inner join months
        on months.day = report_rows.period_end
        and months.calendar = report_rows.calendar
    group by all
)

select * from final
