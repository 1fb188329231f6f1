-- Every delivered support-register line with its published area and, for a bad line, why.
{{ config(materialized='incremental', incremental_strategy='append') }}

with support_records as (
    select * from {{ ref('stg_labor__support_records') }}
    -- lines loaded since the last build (a line, once checked, stays as it was checked)
    where {{ loaded_since_last_build(watermark='loaded_at') }}
),

areas as (
    select * from {{ ref('int_areas_resolved') }}
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
        on {{ matches_area_mention('support_records.area_code', 'support_records.area_name', 'support_records.support_started_on') }}
)

select * from final
