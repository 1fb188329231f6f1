-- The LNK_ counts of every cell with sanctioned sellers: one row per indicator × area (and the
-- city) × period × sex (and T). The area is the police detection's; the sex the police's. A
-- person is supported in a cell when a labour support record starts 0–180 days after their
-- first sanctioned detection in that cell (area and period). The first support on or after a
-- detection can only move later for a later detection, so the first support after the cell's
-- first detection is the earliest of its detections' first supports. A person with a single
-- sanctioned detection (most of them) is that cell's only row for them: counted without being
-- grouped by pseudonym, which is where the time would go.
with links as (
    select * from {{ ref('fct_seller_support_links') }}
),

day_periods as (
    select * from {{ ref('int_day_periods') }}
),

events as (
    select day_periods.period_id, links.*
    from links
    inner join day_periods on day_periods.day = links.detected_on
),

repeated_persons as (
    {{ persons_with_several_rows('links') }}
),

single_person_cells as (
    select
        events.period_id,
        {{ cell_area('events.area_id') }} as cell_area_id,
        {{ cell_sex('events.person_sex') }} as sex,
        count(*) as LNK_SELLERS_SANCTIONED,
        count(*) filter (where events.is_supported_in_window) as LNK_SELLERS_SUPPORTED_180D
    from events
    anti join repeated_persons using (person_pseudonym)
    group by {{ cell_grouping_sets(['events.period_id'], 'events.area_id', 'events.person_sex') }}
),

repeated_person_cells as (
    select
        period_id,
        {{ cell_area('area_id') }} as cell_area_id,
        person_pseudonym,
        any_value(person_sex) as person_sex,
        coalesce(
            min(support_started_on) - min(detected_on) <= {{ var('support_link_days') }}, false
        ) as is_supported
    from events
    semi join repeated_persons using (person_pseudonym)
    group by {{ cell_grouping_sets(['period_id', 'person_pseudonym'], 'area_id') }}
),

repeated_cells as (
    select
        period_id,
        cell_area_id,
        {{ cell_sex('person_sex') }} as sex,
        count(*) as LNK_SELLERS_SANCTIONED,
        count(*) filter (where is_supported) as LNK_SELLERS_SUPPORTED_180D
    from repeated_person_cells
    group by {{ cell_grouping_sets(['period_id', 'cell_area_id'], sex_column='person_sex') }}
),

cells as (
    {{ counts_added(['single_person_cells', 'repeated_cells'], ['LNK_SELLERS_SANCTIONED', 'LNK_SELLERS_SUPPORTED_180D']) }}
),

final as (
    {{ measures_to_rows('(select * rename (cell_area_id as area_id) from cells)', ['period_id', 'area_id', 'sex']) }}
)

select * from final
