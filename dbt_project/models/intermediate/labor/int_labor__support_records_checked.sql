-- Every delivered support-register line with its published area and, for a bad line, why.
with support_records as (
    select * from {{ ref('stg_labor__support_records') }}
),

areas as (
    select * from {{ ref('int_areas_resolved') }} where agency = 'labor'
),

final as (
    select
        support_records.*,
        areas.area_id,
        {{ rejection_reason([
            'areas.unplaceable_reason',
            unknown_value('gioi_tinh', 'support_records.sex', 'support_records.sex_code'),
            unknown_value('loai_ho_tro', 'support_records.support_kind', 'support_records.support_kind_code'),
            unknown_value('ket_qua_theo_doi', 'support_records.followup_outcome', 'support_records.followup_outcome_code'),
        ]) }} as rejection_reason
    from support_records
    inner join areas
        on areas.source_file = support_records.source_file
        and areas.line_no = support_records.line_no
)

select * from final
