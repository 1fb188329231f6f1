{#- Why a row is bad, as a person reads it. Bad rows are kept out of the revisions and facts
    and reach ops.quarantine with their file, line and reason. -#}

{#- A categorical value that was given but is not in its vocabulary (the staging model kept the
    text and gave it no code); `label` is the contract's name of the column. -#}
{% macro unknown_value(label, text, code) -%}
    case when {{ text }} is not null and {{ code }} is null
        then format('{} ''{}'' is not a known value', '{{ label }}', {{ text }})
    end
{%- endmacro %}

{#- Every problem of a row, '; '-separated; NULL for a good row. -#}
{% macro rejection_reason(reasons) -%}
    nullif(concat_ws('; ', {{ reasons | join(', ') }}), '')
{%- endmacro %}
