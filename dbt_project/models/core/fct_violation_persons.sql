-- One row per (case, person) in force after the police revisions. The case's fields (date, area,
-- place) come from fct_violation_cases, so a case and its persons always count in the same cell;
-- everything else, and the lineage, is the pair's winning line. `person_sex` is the sex the
-- police last recorded for the person, the same on all their rows, so that a person counts in
-- exactly one of F and M. Incremental: every pair of a person whose pairs or cases changed is
-- made again (the person's sex reaches all their rows); a pair cancelled since is removed by
-- the post-hook.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['case_id', 'person_pseudonym'],
    post_hook="delete from {{ this }} as persons using {{ ref('int_police__case_persons_revised') }} as revised
        where revised.case_id = persons.case_id and revised.person_pseudonym = persons.person_pseudonym
        and revised.record_status_code <> 'in_force'",
) }}

with revised as (
    select * from {{ ref('int_police__case_persons_revised') }}
),

cases as (
    select * from {{ ref('fct_violation_cases') }}
),

{%- if is_incremental() %}
changed_pairs as (
    select case_id, person_pseudonym
    from revised
    where {{ loaded_since_last_build('last_loaded_at') }}
),

touched_persons as (
    select person_pseudonym from changed_pairs
    union
    -- a changed case (date, area) reaches every person in it
    select revised.person_pseudonym
    from revised
    semi join changed_pairs using (case_id)
),

pairs as (
    select revised.*
    from revised
    semi join touched_persons using (person_pseudonym)
    where revised.record_status_code = 'in_force'
),
{%- else %}
pairs as (
    select * from revised where record_status_code = 'in_force'
),
{%- endif %}

person_sexes as (
    select
        person_pseudonym,
        arg_max(sex_code, (updated_at, file_date, file_seq, line_no)) as person_sex
    from pairs
    group by person_pseudonym
),

final as (
    select
        pairs.case_id,
        pairs.person_pseudonym,
        cases.detected_on,
        cases.area_id,
        cases.place_kind_code,
        pairs.role_code,
        pairs.offence_code,
        pairs.handling_code,
        pairs.fine_vnd,
        pairs.sex_code as sex,
        person_sexes.person_sex,
        pairs.birth_year,
        pairs.updated_at,
        pairs.source_file,
        pairs.line_no,
        pairs.file_sha256,
        pairs.file_date,
        pairs.delivered_rows,
        pairs.last_loaded_at
    from pairs
    inner join cases on cases.case_id = pairs.case_id
    inner join person_sexes on person_sexes.person_pseudonym = pairs.person_pseudonym
)

select * from final
