{#- Unit tests read a seed given without rows from its CSV file, but keep its empty cells as
    '' (dbt 1.11), so `valid_to` of a unit still valid becomes cast('' as date) and fails.
    dbt's own CSV fixtures read empty cells as NULL; this does the same for every fixture row
    and leaves the rest to dbt's format_row. Drop once dbt nulls seed cells itself. -#}
{%- macro format_row(row, column_name_to_data_types) -%}
    {%- set nulled = {} -%}
    {%- for column_name, column_value in row.items() -%}
        {%- do nulled.update({column_name: none if column_value == '' else column_value}) -%}
    {%- endfor -%}
    {{ return(dbt.format_row(nulled, column_name_to_data_types)) }}
{%- endmacro -%}
