-- The VIO_ indicators of every cell with police events: one row per indicator × area (and the
-- city) × period (every type, both calendars) × sex (and T). A case and its persons count on the
-- detection date in the unit valid on it. Cases are one row each (counted, fines added up).
-- A person counts once in a cell (the city's persons are not the sum of its areas'): a person
-- with several rows is first reduced to one row per cell; a person with a single row (most of
-- them) already is one, and is counted without being grouped by pseudonym, which is where the
-- time would go. Cells without events get their zeros in int_indicator_values_computed.
with cases as (
    select * from {{ ref('fct_violation_cases') }}
),

persons as (
    select * from {{ ref('fct_violation_persons') }}
),

day_periods as (
    select * from {{ ref('int_day_periods') }}
),

case_cells as (
    select
        day_periods.period_id,
        {{ cell_area('cases.area_id') }} as cell_area_id,
        'T' as sex,
        count(*) as VIO_CASES,
        count(*) filter (where cases.is_criminal) as VIO_CASES_CRIMINAL,
        sum(cases.fines_vnd) as VIO_FINES_VND
    from cases
    inner join day_periods on day_periods.day = cases.detected_on
    group by {{ cell_grouping_sets(['day_periods.period_id'], 'cases.area_id') }}
),

repeated_persons as (
    {{ persons_with_several_rows('persons') }}
),

single_person_counts as (
    select
        day_periods.period_id,
        {{ cell_area('persons.area_id') }} as cell_area_id,
        {{ cell_sex('persons.person_sex') }} as sex,
        count(*) as VIO_PERSONS,
        count(*) filter (where persons.role_code = 'seller') as VIO_SELLERS,
        count(*) filter (where persons.role_code = 'buyer') as VIO_BUYERS,
        count(*) filter (where persons.role_code in ('brothel_keeper', 'broker', 'organiser')) as VIO_ORGANISERS,
        count(*) filter (where persons.role_code = 'trafficking_victim') as VIO_TRAFFICKING_VICTIMS
    from persons
    anti join repeated_persons using (person_pseudonym)
    inner join day_periods on day_periods.day = persons.detected_on
    group by {{ cell_grouping_sets(['day_periods.period_id'], 'persons.area_id', 'persons.person_sex') }}
),

repeated_person_cells as (
    select
        day_periods.period_id,
        {{ cell_area('persons.area_id') }} as cell_area_id,
        persons.person_pseudonym,
        any_value(persons.person_sex) as person_sex,
        bool_or(persons.role_code = 'seller') as is_seller,
        bool_or(persons.role_code = 'buyer') as is_buyer,
        bool_or(persons.role_code in ('brothel_keeper', 'broker', 'organiser')) as is_organiser,
        bool_or(persons.role_code = 'trafficking_victim') as is_trafficking_victim
    from persons
    semi join repeated_persons using (person_pseudonym)
    inner join day_periods on day_periods.day = persons.detected_on
    group by {{ cell_grouping_sets(['day_periods.period_id', 'persons.person_pseudonym'], 'persons.area_id') }}
),

repeated_person_counts as (
    select
        period_id,
        cell_area_id,
        {{ cell_sex('person_sex') }} as sex,
        count(*) as VIO_PERSONS,
        count(*) filter (where is_seller) as VIO_SELLERS,
        count(*) filter (where is_buyer) as VIO_BUYERS,
        count(*) filter (where is_organiser) as VIO_ORGANISERS,
        count(*) filter (where is_trafficking_victim) as VIO_TRAFFICKING_VICTIMS
    from repeated_person_cells
    group by {{ cell_grouping_sets(['period_id', 'cell_area_id'], sex_column='person_sex') }}
),

person_counts as (
    {{ counts_added(['single_person_counts', 'repeated_person_counts'], ['VIO_PERSONS', 'VIO_SELLERS', 'VIO_BUYERS', 'VIO_ORGANISERS', 'VIO_TRAFFICKING_VICTIMS']) }}
),

final as (
    {{ measures_to_rows('(select * rename (cell_area_id as area_id) from case_cells)', ['period_id', 'area_id', 'sex']) }}
    union all
    {{ measures_to_rows('(select * rename (cell_area_id as area_id) from person_counts)', ['period_id', 'area_id', 'sex']) }}
)

select * from final
