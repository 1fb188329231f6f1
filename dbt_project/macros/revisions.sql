{#
  The revision rule of culture and labour: a record resent in several files is the good line
  from the file with the latest date in its name (the same date: the later delivery), and
  within one file the last line. `delivered_rows` says how many lines competed. Incremental
  (the calling model sets delete+insert on `key`): only records that new lines name are
  ranked again, over all their lines.
#}
{% macro latest_delivered_row(checked, key) %}
with checked as (
    select * from {{ checked }}
    where rejection_reason is null
),

{{ lines_of_touched(key) }},

winners as (
    select
        {{ key }},
        {{ latest_line('file_date, file_seq, loaded_at, line_no') }}
    from lines
    group by {{ key }}
),

final as (
    select lines.* exclude (rejection_reason), winners.delivered_rows, winners.last_loaded_at
    from lines
    inner join winners
        on winners.source_file = lines.source_file
        and winners.line_no = lines.line_no
)

select * from final
{% endmacro %}


{#- `lines`: the good lines of every record (or pair) that lines loaded since the last build
    name, all of them (every line, in a full build). -#}
{% macro lines_of_touched(key) -%}
{%- if is_incremental() -%}
touched as (
    select distinct {{ key }}
    from checked
    where {{ loaded_since_last_build() }}
),

lines as (
    select checked.*
    from checked
    semi join touched using ({{ key }})
)
{%- else -%}
lines as (
    select * from checked
)
{%- endif -%}
{%- endmacro %}


{#- The aggregates of a group of lines: the winning line, latest by `order` (then by file name,
    so that a tie is settled the same way every time), how many lines competed, and the latest
    load among them. An aggregate on a narrow key, joined back to the lines: far cheaper than
    ranking the wide lines in a window. -#}
{% macro latest_line(order) -%}
arg_max(source_file, ({{ order }}, source_file)) as source_file,
        arg_max(line_no, ({{ order }}, source_file)) as line_no,
        count(*) as delivered_rows,
        max(loaded_at) as last_loaded_at
{%- endmacro %}
