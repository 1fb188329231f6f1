{#
  The revision rule of culture and labour: a record resent in several files is the good line
  from the file with the latest date in its name (the same date: the later delivery), and
  within one file the last line. `delivered_rows` says how many lines competed.
#}
{% macro latest_delivered_row(checked, key) %}
with checked as (
    select * from {{ checked }}
    where rejection_reason is null
),

ranked as (
    select
        *,
        count(*) over (partition by {{ key }}) as delivered_rows,
        row_number() over (
            partition by {{ key }}
            order by file_date desc, file_seq desc, loaded_at desc, line_no desc
        ) as revision_rank
    from checked
),

final as (
    select * exclude (revision_rank, rejection_reason)
    from ranked
    where revision_rank = 1
)

select * from final
{% endmacro %}
