-- The LNK_ counts of every cell with sanctioned sellers: one row per indicator × area (and the
-- city) × period × sex (and T). The area is the police detection's; the sex the police's. A
-- person is supported in a cell when a labour support record starts 0–180 days after their
-- first sanctioned detection in that cell (area and period). The first support on or after a
-- detection can only move later for a later detection, so the first support after the cell's
-- first detection is the earliest of its detections' first supports.
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

person_cells as (
    select
        period_id,
        {{ cell_area('area_id') }} as cell_area_id,
        person_pseudonym,
        any_value(person_sex) as person_sex,
        coalesce(
            min(support_started_on) - min(detected_on) <= {{ var('support_link_days') }}, false
        ) as is_supported
    from events
    group by {{ cell_grouping_sets(['period_id', 'person_pseudonym'], 'area_id') }}
),

cells as (
    select
        period_id,
        cell_area_id,
        {{ cell_sex('person_sex') }} as sex,
        count(*) as LNK_SELLERS_SANCTIONED,
        count(*) filter (where is_supported) as LNK_SELLERS_SUPPORTED_180D
    from person_cells
    group by {{ cell_grouping_sets(['period_id', 'cell_area_id'], sex_column='person_sex') }}
),

final as (
    {{ measures_to_rows('(select * rename (cell_area_id as area_id) from cells)', ['period_id', 'area_id', 'sex']) }}
)

select * from final
