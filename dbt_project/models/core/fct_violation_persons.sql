-- One row per (case, person) in force after the police revisions. The case's fields (date, area,
-- place) come from fct_violation_cases, so a case and its persons always count in the same cell;
-- everything else, and the lineage, is the pair's winning line. `person_sex` is the sex the
-- police last recorded for the person, the same on all their rows, so that a person counts in
-- exactly one of F and M.
with pairs as (
    select * from {{ ref('int_police__case_persons_revised') }}
),

cases as (
    select * from {{ ref('fct_violation_cases') }}
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
        arg_max(pairs.sex_code, (pairs.updated_at, pairs.file_date, pairs.file_seq, pairs.line_no))
            over (partition by pairs.person_pseudonym) as person_sex,
        pairs.birth_year,
        pairs.updated_at,
        pairs.source_file,
        pairs.line_no,
        pairs.file_sha256,
        pairs.file_date,
        pairs.delivered_rows
    from pairs
    inner join cases on cases.case_id = pairs.case_id
)

select * from final
