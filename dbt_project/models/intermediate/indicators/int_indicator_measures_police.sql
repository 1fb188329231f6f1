-- The VIO_ indicators of every cell with police events: one row per indicator × area (and the
-- city) × period (every type, both calendars) × sex (and T). A case and its persons count on the
-- detection date in the unit valid on it; persons are distinct pseudonyms within the cell, so
-- the city's persons are not the sum of its areas'. Cells without events get their zeros in
-- int_indicator_values_computed.
with persons as (
    select * from {{ ref('fct_violation_persons') }}
),

cases as (
    select * from {{ ref('fct_violation_cases') }}
),

day_periods as (
    select * from {{ ref('int_day_periods') }}
),

events as (
    select
        day_periods.period_id,
        persons.area_id,
        persons.person_sex,
        persons.case_id,
        persons.person_pseudonym,
        persons.role_code,
        persons.fine_vnd,
        cases.is_criminal
    from persons
    inner join cases on cases.case_id = persons.case_id
    inner join day_periods on day_periods.day = persons.detected_on
),

cells as (
    select
        period_id,
        {{ cell_area('area_id') }} as cell_area_id,
        {{ cell_sex('person_sex') }} as sex,
        count(distinct case_id) as VIO_CASES,
        count(distinct case_id) filter (where is_criminal) as VIO_CASES_CRIMINAL,
        count(distinct person_pseudonym) as VIO_PERSONS,
        count(distinct person_pseudonym) filter (where role_code = 'seller') as VIO_SELLERS,
        count(distinct person_pseudonym) filter (where role_code = 'buyer') as VIO_BUYERS,
        count(distinct person_pseudonym) filter (where role_code in ('brothel_keeper', 'broker', 'organiser'))
            as VIO_ORGANISERS,
        count(distinct person_pseudonym) filter (where role_code = 'trafficking_victim') as VIO_TRAFFICKING_VICTIMS,
        coalesce(sum(fine_vnd), 0) as VIO_FINES_VND
    from events
    group by {{ cell_grouping_sets(['period_id'], 'area_id', 'person_sex') }}
),

final as (
    {{ measures_to_rows('(select * rename (cell_area_id as area_id) from cells)', ['period_id', 'area_id', 'sex']) }}
)

select * from final
