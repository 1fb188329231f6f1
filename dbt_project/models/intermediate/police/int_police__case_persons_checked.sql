-- Every delivered police line with its published area and, for a bad line, why it is bad.
with case_persons as (
    select * from {{ ref('stg_police__case_persons') }}
),

areas as (
    select * from {{ ref('int_areas_resolved') }} where agency = 'police'
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
        on areas.source_file = case_persons.source_file
        and areas.line_no = case_persons.line_no
)

select * from final
