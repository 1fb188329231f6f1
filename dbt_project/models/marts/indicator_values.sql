-- The published values: int_indicator_values_computed after disclosure control (marts.md).
-- Small-cell counts below the city: rule 1 (primary) suppresses 1–4; then rounds, each applying
-- rule 2 (sex complement) to every cell and then rule 3 (secondary) to every group, until a
-- round changes nothing. The rounds are a recursive CTE per indicator × period (the rules never
-- reach across them): a partition takes part in the next round only while its last round
-- changed something, so each partition stops at its own fixed point, its last round. Rule 5
-- then suppresses a ratio whose numerator or denominator is suppressed. One flag per row:
-- suppressed > undefined > incomplete. release_id is left NULL: publishing stamps it.
with computed as (
    select * from {{ ref('int_indicator_values_computed') }}
),

protected_counts as (
    select indicator_code, area_id, period_id, sex, value
    from computed
    where disclosure = 'small_cell' and unit = 'count' and area_level <> 'city'
),

-- (nested: dbt unit tests prepend their fixtures to the model's top-level WITH)
rounds as (
    with recursive protection_rounds as (
        -- round 0: rule 1
        select
            *,
            value between 1 and 4 as is_suppressed,
            0 as round_no,
            bool_or(value between 1 and 4) over (partition by indicator_code, period_id) as changed
        from protected_counts

        union all

        select
            indicator_code, area_id, period_id, sex, value,
            after_rule_3 as is_suppressed,
            round_no + 1 as round_no,
            bool_or(after_rule_3 <> is_suppressed) over (partition by indicator_code, period_id) as changed
        from (
            -- rule 3: a group (indicator × period × sex) with exactly one suppressed area loses its
            -- smallest remaining non-zero area too (ties: the lowest area_id)
            select
                *,
                after_rule_2 or (
                    is_candidate
                    and count(*) filter (where after_rule_2) over sex_group = 1
                    and row_number() over (partition by indicator_code, period_id, sex, is_candidate
                                           order by value, area_id) = 1
                ) as after_rule_3
            from (
                select *, not after_rule_2 and value > 0 as is_candidate
                from (
                    -- rule 2: when exactly one of F and M of a cell is suppressed, so is the other
                    select
                        *,
                        is_suppressed or (
                            sex in ('F', 'M')
                            and count(*) filter (where is_suppressed and sex in ('F', 'M'))
                                over (partition by indicator_code, period_id, area_id) = 1
                        ) as after_rule_2
                    from protection_rounds
                    where changed
                )
            )
            window sex_group as (partition by indicator_code, period_id, sex)
        )
    )

    select * from protection_rounds
),

suppressed_counts as (
    select indicator_code, area_id, period_id, sex
    from rounds
    where is_suppressed
    qualify round_no = max(round_no) over (partition by indicator_code, period_id)
),

-- rule 5: a ratio goes with its parts
suppressed_ratios as (
    select computed.indicator_code, computed.area_id, computed.period_id, computed.sex
    from computed
    left join suppressed_counts as numerators
        on numerators.indicator_code = computed.numerator_code
        and numerators.area_id = computed.area_id
        and numerators.period_id = computed.period_id
        and numerators.sex = computed.sex
    left join suppressed_counts as denominators
        on denominators.indicator_code = computed.denominator_code
        and denominators.area_id = computed.area_id
        and denominators.period_id = computed.period_id
        and denominators.sex = computed.sex
    where computed.unit = 'ratio'
        and (numerators.indicator_code is not null or denominators.indicator_code is not null)
),

suppressed as (
    select * from suppressed_counts
    union
    select * from suppressed_ratios
),

final as (
    select
        computed.indicator_code,
        computed.area_id,
        computed.period_id,
        computed.sex,
        case when suppressed.indicator_code is null then computed.value end as value,
        case when suppressed.indicator_code is null then computed.numerator end as numerator,
        case when suppressed.indicator_code is null then computed.denominator end as denominator,
        case when suppressed.indicator_code is not null then 'suppressed' else computed.flag end as flag,
        null::varchar as release_id
    from computed
    left join suppressed
        on suppressed.indicator_code = computed.indicator_code
        and suppressed.area_id = computed.area_id
        and suppressed.period_id = computed.period_id
        and suppressed.sex = computed.sex
)

select * from final
