{#- Canonicalisation by lookup, done once per distinct value rather than once per row: a
    staging model builds these small tables from its own rows and joins them back. -#}

{#- One row per distinct value of `column` in `rows`: the value as delivered (`term`) and its
    code in the vocabulary seed, NULL when the vocabulary does not know it. -#}
{% macro vocabulary_codes(rows, column, vocabulary) -%}
    select terms.term, vocabulary.code
    from (select distinct {{ column }} as term from {{ rows }} where {{ column }} is not null) as terms
    left join {{ ref(vocabulary) }} as vocabulary
        on vocabulary.match_key = {{ match_key('terms.term') }}
{%- endmacro %}

{#- One row per distinct area name in `rows`, with the keys area resolution matches on:
    area_type_key (from the prefix, NULL without one), area_name_key (the bare name) and
    area_text_key (the whole text: a bare name may begin with a prefix word written without
    accents, 'quan hoa' being Phường Quan Hoa). All three are accent keys. -#}
{% macro area_name_keys(rows) -%}
    select
        area_name,
        {{ area_type_key('text_key') }} as area_type_key,
        {{ area_bare_name_key('text_key') }} as area_name_key,
        text_key as area_text_key
    from (
        select area_name, {{ accent_key('area_name') }} as text_key
        from (select distinct area_name from {{ rows }} where area_name is not null)
    )
{%- endmacro %}

{#- An area code as delivered, trimmed; empty means none. Codes are never padded or guessed:
    '01' is the city and '001' Ba Đình. -#}
{% macro delivered_area_code(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}
