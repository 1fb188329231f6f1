-- The SUP_ counts of every cell with support records: one row per indicator × area (and the
-- city) × period × sex (and T). A record counts on the date its support started, in the unit
-- valid on it. A person counts once in a cell, by the sex labour recorded: a person with several
-- records is first reduced to one row per cell; one with a single record (most of them) is
-- counted without being grouped by pseudonym (as in int_indicator_measures_police).
with records as (
    select * from {{ ref('fct_support_records') }}
),

day_periods as (
    select * from {{ ref('int_day_periods') }}
),

events as (
    select day_periods.period_id, records.*
    from records
    inner join day_periods on day_periods.day = records.support_started_on
),

record_cells as (
    select
        period_id,
        {{ cell_area('area_id') }} as cell_area_id,
        'T' as sex,
        count(*) as SUP_RECORDS,
        count(*) filter (where support_kind_code = 'hoc_nghe') as SUP_VOCATIONAL,
        count(*) filter (where support_kind_code = 'gioi_thieu_viec_lam') as SUP_JOB_PLACEMENT,
        count(*) filter (where is_followed_up) as SUP_FOLLOWED_UP,
        count(*) filter (where followup_outcome_code = 'viec_lam_on_dinh') as SUP_STABLE_WORK,
        count(*) filter (where followup_outcome_code = 'tai_pham') as SUP_REOFFENDED
    from events
    group by {{ cell_grouping_sets(['period_id'], 'area_id') }}
),

repeated_persons as (
    {{ persons_with_several_rows('records') }}
),

single_person_counts as (
    select
        period_id,
        {{ cell_area('area_id') }} as cell_area_id,
        {{ cell_sex('person_sex') }} as sex,
        count(*) as SUP_PERSONS
    from events
    anti join repeated_persons using (person_pseudonym)
    group by {{ cell_grouping_sets(['period_id'], 'area_id', 'person_sex') }}
),

repeated_person_cells as (
    select
        period_id,
        {{ cell_area('area_id') }} as cell_area_id,
        person_pseudonym,
        any_value(person_sex) as person_sex
    from events
    semi join repeated_persons using (person_pseudonym)
    group by {{ cell_grouping_sets(['period_id', 'person_pseudonym'], 'area_id') }}
),

repeated_person_counts as (
    select
        period_id,
        cell_area_id,
        {{ cell_sex('person_sex') }} as sex,
        count(*) as SUP_PERSONS
    from repeated_person_cells
    group by {{ cell_grouping_sets(['period_id', 'cell_area_id'], sex_column='person_sex') }}
),

person_counts as (
    {{ counts_added(['single_person_counts', 'repeated_person_counts'], ['SUP_PERSONS']) }}
),

final as (
    {{ measures_to_rows('(select * rename (cell_area_id as area_id) from record_cells)', ['period_id', 'area_id', 'sex']) }}
    union all
    {{ measures_to_rows('(select * rename (cell_area_id as area_id) from person_counts)', ['period_id', 'area_id', 'sex']) }}
)

select * from final
