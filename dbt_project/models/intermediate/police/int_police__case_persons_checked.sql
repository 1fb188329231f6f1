-- Every delivered police line with its published area and, for a bad line, why it is bad.
{{ config(materialized='incremental', incremental_strategy='append') }}

with case_persons as (
    select * from {{ ref('stg_police__case_persons') }}
    -- lines loaded since the last build (a line, once checked, stays as it was checked)
    where {{ loaded_since_last_build(watermark='loaded_at') }}
),

areas as (
    select * from {{ ref('int_areas_resolved') }}
),

final as (
    select
        case_persons.*,
        areas.area_id,
        {{ rejection_reason([
            'areas.unplaceable_reason',
            unknown_value('Loại cơ sở', 'case_persons.place_kind', 'case_persons.place_kind_code'),
            unknown_value('Hành vi', 'case_persons.offence', 'case_persons.offence_code'),
            unknown_value('Hình thức xử lý', 'case_persons.handling', 'case_persons.handling_code'),
            unknown_value('Giới tính', 'case_persons.sex', 'case_persons.sex_code'),
            unknown_value('Vai trò', 'case_persons.role', 'case_persons.role_code'),
            unknown_value('Trạng thái', 'case_persons.record_status', 'case_persons.record_status_code'),
        ]) }} as rejection_reason
    from case_persons
    inner join areas
        on {{ matches_area_mention('case_persons.area_code', 'case_persons.area_name', 'case_persons.detected_on') }}
)

select * from final
