-- The area of every raw row, as delivered, with the date it is resolved on: the event's date
-- (health: the last day of the reporting period, whose units the workbook lists), and when the
-- row was loaded.
with police as (
    select * from {{ ref('stg_police__case_persons') }}
),

health as (
    select * from {{ ref('stg_health__monthly_reports') }}
),

culture as (
    select * from {{ ref('stg_culture__inspections') }}
),

labor as (
    select * from {{ ref('stg_labor__support_records') }}
),

final as (
    select 'police' as agency, source_file, line_no, area_code, area_name,
        area_type_key, area_name_key, area_text_key, detected_on as event_date, loaded_at
    from police
    union all
    select 'health', source_file, line_no, null, area_name,
        area_type_key, area_name_key, area_text_key, period_end, loaded_at
    from health
    union all
    select 'culture', source_file, line_no, area_code, area_name,
        area_type_key, area_name_key, area_text_key, inspected_on, loaded_at
    from culture
    union all
    select 'labor', source_file, line_no, area_code, area_name,
        area_type_key, area_name_key, area_text_key, support_started_on, loaded_at
    from labor
)

select * from final
