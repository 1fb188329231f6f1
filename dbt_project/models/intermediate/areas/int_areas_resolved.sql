-- Places every distinct area mention (code, name, date) of the raw rows in a published area
-- (district-level before 2025-07-01, commune-level from then on) or says why it cannot be
-- placed, against the units valid on that date. Incremental: a mention is resolved once, when a
-- row first brings it (the reference is part of the project's fingerprint: when it changes,
-- everything is resolved again). The *_checked models join their rows to it.
{{ config(materialized='incremental', incremental_strategy='append') }}

with area_rows as (
    select * from {{ ref('int_area_rows') }}
    where {{ loaded_since_last_build() }}
),

admin_units as (
    select * from {{ ref('admin_units') }}
),

tu_liem_split as (
    select * from {{ ref('crosswalk_2013_tu_liem') }}
),

new_mentions as (
    -- the keys are a function of the name: one row per (code, name, date)
    select
        area_code, area_name, event_date,
        any_value(area_type_key) as area_type_key,
        any_value(area_name_key) as area_name_key,
        any_value(area_text_key) as area_text_key,
        max(loaded_at) as last_loaded_at
    from area_rows
    group by area_code, area_name, event_date
),

mentions as (
    -- numbered in a fixed order, so that every use of this CTE sees the same numbers
    select *, row_number() over (order by area_code, area_name, event_date) as mention_no
    from new_mentions
    {%- if is_incremental() %}
    where not exists (
        select 1 from {{ this }} as known
        where known.area_code is not distinct from new_mentions.area_code
            and known.area_name is not distinct from new_mentions.area_name
            and known.event_date = new_mentions.event_date
    )
    {%- endif %}
),

-- The reference lists wards as they stood in 2025; the communes of Huyện Từ Liêm before its
-- 2013 split come from the split's crosswalk, valid as long as their district was.
tu_liem_communes_before_split as (
    select distinct
        split.old_unit_code || '-' || year(district.valid_to) as area_id,
        split.old_unit_code as gso_code,
        split.old_unit_name as name,
        'ward_old' as level,
        district.area_id as parent_id,
        district.valid_from,
        district.valid_to
    from tu_liem_split as split
    inner join admin_units as district
        on district.gso_code = split.old_district_code
        and district.name = split.old_district_name
),

units as (
    select area_id, gso_code, name, level, parent_id, valid_from, valid_to
    from admin_units
    union all
    select area_id, gso_code, name, level, parent_id, valid_from, valid_to
    from tu_liem_communes_before_split
),

unit_keys as (
    select
        *,
        {{ area_type_key('name_text_key') }} as type_key,
        {{ area_bare_name_key('name_text_key') }} as name_key,
        {{ match_key(area_bare_name_key('name_text_key')) }} as name_match_key
    from (
        select
            area_id,
            gso_code,
            name,
            level,
            valid_from,
            coalesce(valid_to, date '9999-12-31') as valid_until,
            -- an old ward's events are published in its district
            case when level = 'ward_old' then parent_id else area_id end as published_area_id,
            {{ accent_key('name') }} as name_text_key
        from units
    )
),

-- A name is read as prefix + bare name, and also whole: a bare name may begin with a prefix
-- word written without accents ('quan hoa' is Phường Quan Hoa, not a Quận "Hoa").
readings as (
    select mention_no, event_date, type_key, name_key, {{ match_key('name_key') }} as name_match_key
    from (
        select mention_no, event_date, area_type_key as type_key, area_name_key as name_key
        from mentions
        where area_name_key is not null
        union
        select mention_no, event_date, null, area_text_key
        from mentions
        where area_text_key is not null
    )
),

name_matches as (
    select distinct
        readings.mention_no,
        unit_keys.area_id,
        format('{} ({})', unit_keys.name, unit_keys.gso_code) as candidate,
        unit_keys.level,
        unit_keys.published_area_id,
        unit_keys.name_key = readings.name_key as accents_agree
    from readings
    inner join unit_keys
        on unit_keys.name_match_key = readings.name_match_key
        and readings.event_date between unit_keys.valid_from and unit_keys.valid_until
        and (readings.type_key is null or readings.type_key = unit_keys.type_key)
),

-- A match without accents counts only when no match keeps them.
name_matches_best_spelling as (
    select *
    from name_matches
    qualify accents_agree or not bool_or(accents_agree) over (partition by mention_no)
),

-- A unit of the published level wins over an old ward of the same name: 'Thanh Trì' before
-- 2025 is Huyện Thanh Trì, not Phường Thanh Trì of Hoàng Mai.
name_matches_best_level as (
    select *
    from name_matches_best_spelling
    qualify (level = 'ward_old') = bool_and(level = 'ward_old') over (partition by mention_no)
),

name_results as (
    select
        mention_no,
        count(distinct published_area_id) as area_count,
        min(published_area_id) as area_id,
        bool_and(level = 'city') as names_city,
        string_agg(distinct candidate, ', ' order by candidate) as candidates
    from name_matches_best_level
    group by mention_no
),

-- Codes never overlap in validity (tests/assert_gso_codes_never_overlap.sql): at most one unit.
code_results as (
    select
        mentions.mention_no,
        unit_keys.published_area_id as area_id,
        unit_keys.level = 'city' as names_city
    from mentions
    inner join unit_keys
        on unit_keys.gso_code = mentions.area_code
        and mentions.event_date between unit_keys.valid_from and unit_keys.valid_until
),

-- Code and name agree when the name can mean the code's area at all (any level).
agreements as (
    select code_results.mention_no
    from code_results
    inner join name_matches_best_spelling
        on name_matches_best_spelling.mention_no = code_results.mention_no
        and name_matches_best_spelling.published_area_id = code_results.area_id
    group by code_results.mention_no
),

mention_results as (
    select
        mentions.*,
        case
            when mentions.area_code is null and mentions.area_name is null
                then 'no area given'
            when mentions.area_code is not null and code_results.mention_no is null
                then format('code {} matches no unit valid on {}', mentions.area_code, mentions.event_date)
            when mentions.area_name is not null and name_results.mention_no is null
                then format('name ''{}'' matches no unit valid on {}', mentions.area_name, mentions.event_date)
            when mentions.area_code is not null and mentions.area_name is not null and agreements.mention_no is null
                then format('code {} contradicts name ''{}''', mentions.area_code, mentions.area_name)
            when mentions.area_code is null and name_results.area_count > 1
                then format('name ''{}'' is ambiguous on {}: {}', mentions.area_name, mentions.event_date, name_results.candidates)
            when coalesce(code_results.names_city, name_results.names_city)
                then format('''{}'' names the whole city, not an area within it', coalesce(mentions.area_name, mentions.area_code))
        end as unplaceable_reason,
        coalesce(code_results.area_id, name_results.area_id) as candidate_area_id
    from mentions
    left join code_results on code_results.mention_no = mentions.mention_no
    left join name_results on name_results.mention_no = mentions.mention_no
    left join agreements on agreements.mention_no = mentions.mention_no
),

final as (
    select
        area_code,
        area_name,
        event_date,
        case when unplaceable_reason is null then candidate_area_id end as area_id,
        unplaceable_reason,
        last_loaded_at
    from mention_results
)

select * from final
