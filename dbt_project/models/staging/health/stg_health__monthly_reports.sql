with monthly_reports as (
    select * from {{ source('health', 'monthly_reports') }}
),

area_names as ({{ area_name_keys('monthly_reports') }}),

final as (
    select
        monthly_reports.source_file,
        monthly_reports.line_no,
        monthly_reports.file_sha256,
        monthly_reports.file_date,
        monthly_reports.file_seq,
        monthly_reports.loaded_at,

        monthly_reports.report_year,
        monthly_reports.report_month,
        monthly_reports.period_start,
        monthly_reports.period_end,
        monthly_reports.version,
        monthly_reports.row_number,

        monthly_reports.area_name,
        area_names.area_type_key,
        area_names.area_name_key,
        area_names.area_text_key,

        monthly_reports.reached_female,
        monthly_reports.reached_male,
        monthly_reports.hiv_tested,
        monthly_reports.hiv_positive,
        monthly_reports.art_initiated,
        monthly_reports.sti_examined,
        monthly_reports.methadone_enrolled,
        monthly_reports.condoms
    from monthly_reports
    left join area_names on area_names.area_name = monthly_reports.area_name
)

select * from final
