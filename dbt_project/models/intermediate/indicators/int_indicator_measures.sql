-- Every measured (not derived) indicator value of every cell with events, all agencies: one row
-- per indicator × area × period × sex. Ratios are derived from these in
-- int_indicator_values_computed.
{%- set agencies = ['police', 'culture', 'health', 'labor', 'links'] %}
with
{%- for agency in agencies %}
{{ agency }} as (
    select * from {{ ref('int_indicator_measures_' ~ agency) }}
),
{%- endfor %}

final as (
    {%- for agency in agencies %}
    select indicator_code, area_id, period_id, sex, value from {{ agency }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from final
