-- One row per sanctioned detection of a person selling sex (a pair in force with role
-- `người bán dâm` handled `Xử phạt hành chính`), linked by pseudonym to the person's first labour
-- support record starting on or after the detection date. A support record exists 0–N days after
-- a detection exactly when this first one is at most N days after it, so this one link answers
-- the window question for any detection (ASOF join: no pairwise product of detections and records).
with detections as (
    select * from {{ ref('fct_violation_persons') }}
    where role_code = 'seller' and handling_code = 'administrative_sanction'
),

-- one candidate per person and start date (two records started the same day: the lowest id)
support_starts as (
    select person_pseudonym, support_started_on, min(record_id) as record_id
    from {{ ref('fct_support_records') }}
    group by person_pseudonym, support_started_on
),

first_detections as (
    select person_pseudonym, arg_min(case_id, (detected_on, case_id)) as case_id
    from detections
    group by person_pseudonym
),

linked as (
    select
        detections.*,
        support_starts.record_id as support_record_id,
        support_starts.support_started_on
    from detections
    asof left join support_starts
        on support_starts.person_pseudonym = detections.person_pseudonym
        and support_starts.support_started_on >= detections.detected_on
),

final as (
    select
        linked.case_id,
        linked.person_pseudonym,
        linked.detected_on,
        linked.area_id,
        linked.person_sex,
        first_detections.case_id is not null as is_first_detection,
        linked.support_record_id,
        linked.support_started_on,
        linked.support_started_on - linked.detected_on as days_to_support,
        coalesce(linked.support_started_on - linked.detected_on <= {{ var('support_link_days') }}, false)
            as is_supported_in_window,
        linked.source_file,
        linked.line_no,
        linked.file_sha256
    from linked
    left join first_detections
        on first_detections.person_pseudonym = linked.person_pseudonym
        and first_detections.case_id = linked.case_id
)

select * from final
