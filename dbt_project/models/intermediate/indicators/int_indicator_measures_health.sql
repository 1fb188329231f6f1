-- The HLT_ counts of every cell with health figures: one row per indicator × area (and the
-- city) × period × sex. Only in the calendar whose months the workbooks match: a month's figures
-- count in that month and in the quarter, half and year of the same calendar containing it
-- (sums of the months reported; int_indicator_periods says which are missing).
with months as (
    select * from {{ ref('fct_health_monthly_reports') }}
),

day_periods as (
    select * from {{ ref('int_day_periods') }}
),

in_periods as (
    select day_periods.period_id, months.*
    from months
    inner join day_periods
        on day_periods.day = months.period_end
        and day_periods.calendar = months.calendar
),

-- outreach is reported by sex; everything else is a total
by_sex as (
    select
        period_id, area_id, 'T' as sex,
        reached_female + reached_male as HLT_REACHED,
        hiv_tested as HLT_HIV_TESTED,
        hiv_positive as HLT_HIV_POSITIVE,
        art_initiated as HLT_ART_INITIATED,
        sti_examined as HLT_STI_EXAMINED,
        methadone_enrolled as HLT_METHADONE_ENROLLED,
        condoms as HLT_CONDOMS
    from in_periods
    union all by name
    select period_id, area_id, 'F' as sex, reached_female as HLT_REACHED from in_periods
    union all by name
    select period_id, area_id, 'M' as sex, reached_male as HLT_REACHED from in_periods
),

cells as (
    select
        period_id,
        {{ cell_area('area_id') }} as cell_area_id,
        sex,
        sum(HLT_REACHED) as HLT_REACHED,
        sum(HLT_HIV_TESTED) as HLT_HIV_TESTED,
        sum(HLT_HIV_POSITIVE) as HLT_HIV_POSITIVE,
        sum(HLT_ART_INITIATED) as HLT_ART_INITIATED,
        sum(HLT_STI_EXAMINED) as HLT_STI_EXAMINED,
        sum(HLT_METHADONE_ENROLLED) as HLT_METHADONE_ENROLLED,
        sum(HLT_CONDOMS) as HLT_CONDOMS
    from by_sex
    group by {{ cell_grouping_sets(['period_id', 'sex'], 'area_id') }}
),

final as (
    {{ measures_to_rows('(select * rename (cell_area_id as area_id) from cells)', ['period_id', 'area_id', 'sex']) }}
)

select * from final
