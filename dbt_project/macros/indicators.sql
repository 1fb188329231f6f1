{#- Helpers of the indicator models. Indicator metadata (unit, agency, sexes, disclosure, ratio
    parts) lives only in the registry seed: models join it, and Jinja reads it at compile time
    through indicator_codes(). -#}

{#- The codes of the registry, in its order. Read from the seed when the model runs, so a model
    using it must declare `-- depends_on: {{ ref('indicator_registry') }}`. -#}
{% macro indicator_codes() %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set rows = run_query("select indicator_code from " ~ ref('indicator_registry') ~ " order by rowid") -%}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}

{#- The city's area_id (the one unit of level `city`). -#}
{% macro city_area_id() -%}
    (select area_id from {{ ref('dim_area') }} where level = 'city')
{%- endmacro %}

{#- Cells are counted with GROUP BY GROUPING SETS: the rows that group all areas together are
    the city's cell (so a person counts once in the city however many areas they appear in),
    the rows that group both sexes together are the total `T`. -#}
{% macro cell_area(area_column) -%}
    case when grouping({{ area_column }}) = 1 then {{ city_area_id() }} else {{ area_column }} end
{%- endmacro %}

{% macro cell_sex(sex_column) -%}
    case when grouping({{ sex_column }}) = 1 then 'T' else {{ sex_column }} end
{%- endmacro %}

{#- The grouping sets of the cells: `keys` in every set; with `area_column`, each area and the
    city (the sets without it); with `sex_column`, each sex and the total (the sets without it). -#}
{% macro cell_grouping_sets(keys, area_column=none, sex_column=none) -%}
    {%- set sets = [] -%}
    {%- for area in ([[area_column], []] if area_column else [[]]) -%}
        {%- for sex in ([[sex_column], []] if sex_column else [[]]) -%}
            {%- do sets.append("(" ~ (keys + area + sex) | join(", ") ~ ")") -%}
        {%- endfor -%}
    {%- endfor -%}
    grouping sets ({{ sets | join(", ") }})
{%- endmacro %}

{#- A wide table of measures (one column per indicator code, named as the code) to long rows
    (indicator_code, value); columns NULL in a row give no row. -#}
{% macro measures_to_rows(relation, keys) -%}
    select {{ keys | join(', ') }}, indicator_code, value::bigint as value
    from {{ relation }}
    unpivot (value for indicator_code in (columns(* exclude ({{ keys | join(', ') }}))))
{%- endmacro %}

{#- The persons with more than one row in `relation`. The others, a single row each (most of
    them), are one row per cell already: counted without grouping by pseudonym. -#}
{% macro persons_with_several_rows(relation) -%}
    select person_pseudonym
    from {{ relation }}
    group by person_pseudonym
    having count(*) > 1
{%- endmacro %}

{#- The cell counts of several relations of (period_id, cell_area_id, sex, measures...) added up
    cell by cell: the single persons' and the repeated persons' counts. -#}
{% macro counts_added(relations, measures) -%}
    select
        period_id,
        cell_area_id,
        sex,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}{{ "," if not loop.last }}
        {%- endfor %}
    from (
        {%- for relation in relations %}
        select * from {{ relation }}{{ " union all by name" if not loop.last }}
        {%- endfor %}
    )
    group by period_id, cell_area_id, sex
{%- endmacro %}
