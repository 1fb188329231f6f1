{#- Area names arrive with or without their type prefix, in full or abbreviated
    ('Quận Đống Đa', 'Q. Đống Đa', 'Q.Đống Đa', 'quan dong da', 'Đống Đa', 'TX Sơn Tây').
    These macros split an accent key (see text_keys.sql) into the type and the bare name. -#}

{#- Prefix forms (as accent keys) for each area_type of admin_units.csv: the full word with
    accents, the same without accents, the abbreviation. -#}
{% macro area_prefixes() %}
    {{ return({
        'thanh_pho': ['thành phố', 'thanh pho', 'tp'],
        'thi_xa': ['thị xã', 'thi xa', 'tx'],
        'thi_tran': ['thị trấn', 'thi tran', 'tt'],
        'quan': ['quận', 'quan', 'q'],
        'huyen': ['huyện', 'huyen', 'h'],
        'phuong': ['phường', 'phuong', 'p'],
        'xa': ['xã', 'xa', 'x'],
    }) }}
{% endmacro %}

{#- prefix, then a dot and/or spaces, then the bare name -#}
{% macro _area_prefix_pattern() -%}
    {%- set forms = [] -%}
    {%- for type_forms in area_prefixes().values() -%}
        {%- do forms.extend(type_forms) -%}
    {%- endfor -%}
    '^({{ forms | join("|") }})(\.\s*|\s+)(.+)$'
{%- endmacro %}

{#- The area_type named by the prefix of an accent key; NULL without a prefix. (A map lookup,
    not a CASE: DuckDB would copy the key expression into every WHEN.) -#}
{% macro area_type_key(key) -%}
    (map {
        {%- for area_type, forms in area_prefixes().items() %}
        {%- set outer = loop %}
        {%- for form in forms %}'{{ form }}': '{{ area_type }}'{{ ", " if not (outer.last and loop.last) }}{% endfor %}
        {%- endfor %}
    })[regexp_extract({{ key }}, {{ _area_prefix_pattern() }}, 1)]
{%- endmacro %}

{#- The bare name of an accent key: without its prefix when it has one. -#}
{% macro area_bare_name_key(key) -%}
    coalesce(nullif(regexp_extract({{ key }}, {{ _area_prefix_pattern() }}, 3), ''), {{ key }})
{%- endmacro %}

{#- A raw row's mention in int_areas_resolved (aliased `areas`): the same code, name and date
    that int_area_rows gives for the row (a health row has no code). -#}
{% macro matches_area_mention(area_code, area_name, event_date) -%}
areas.area_code is not distinct from {{ area_code }}
        and areas.area_name is not distinct from {{ area_name }}
        and areas.event_date is not distinct from {{ event_date }}
{%- endmacro %}
