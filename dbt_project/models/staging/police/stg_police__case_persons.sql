with case_persons as (
    select * from {{ source('police', 'case_persons') }}
),

area_names as ({{ area_name_keys('case_persons') }}),
place_kinds as ({{ vocabulary_codes('case_persons', 'place_kind', 'vocab_police_place_kinds') }}),
offences as ({{ vocabulary_codes('case_persons', 'offence', 'vocab_police_offences') }}),
handlings as ({{ vocabulary_codes('case_persons', 'handling', 'vocab_police_handlings') }}),
sexes as ({{ vocabulary_codes('case_persons', 'sex', 'vocab_sexes') }}),
roles as ({{ vocabulary_codes('case_persons', 'role', 'vocab_police_roles') }}),
record_statuses as ({{ vocabulary_codes('case_persons', 'record_status', 'vocab_police_record_statuses') }}),

final as (
    select
        case_persons.source_file,
        case_persons.line_no,
        case_persons.file_sha256,
        case_persons.file_date,
        case_persons.file_seq,
        case_persons.loaded_at,

        case_persons.case_id,
        case_persons.person_pseudonym,
        case_persons.detected_on,
        case_persons.updated_at,

        {{ delivered_area_code('case_persons.area_code') }} as area_code,
        case_persons.area_name,
        area_names.area_type_key,
        area_names.area_name_key,
        area_names.area_text_key,

        case_persons.place_kind,
        place_kinds.code as place_kind_code,
        case_persons.establishment_name,
        case_persons.offence,
        offences.code as offence_code,
        case_persons.handling,
        handlings.code as handling_code,
        case_persons.fine_vnd,
        case_persons.birth_year,
        case_persons.sex,
        sexes.code as sex_code,
        case_persons.role,
        roles.code as role_code,
        case_persons.record_status,
        record_statuses.code as record_status_code
    from case_persons
    left join area_names on area_names.area_name = case_persons.area_name
    left join place_kinds on place_kinds.term = case_persons.place_kind
    left join offences on offences.term = case_persons.offence
    left join handlings on handlings.term = case_persons.handling
    left join sexes on sexes.term = case_persons.sex
    left join roles on roles.term = case_persons.role
    left join record_statuses on record_statuses.term = case_persons.record_status
)

select * from final
