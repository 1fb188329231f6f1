{#
  Incremental builds. Raw tables only grow, a file at a time, and every raw row carries the
  `loaded_at` of its ingestion; ingestion and dbt never run at once (one refresh at a time), so
  everything loaded after a model's last build has a later `loaded_at` than anything it has
  seen. Each incremental model keeps that watermark in its own rows (`last_loaded_at`) and
  takes from upstream only what is newer, so a failed build simply catches up next time.
  The project's fingerprint decides when a build must start again from scratch
  (pipelines.transform.needs_full_refresh).
#}

{# Rows loaded after this model last saw any (everything in a full build). The watermark is
   read when the model runs and written into the SQL as a constant: DuckDB then filters the raw
   table's scan itself (rows are appended in load order, so whole row groups are skipped),
   which a subquery would not let it do through the staging views. #}
{% macro loaded_since_last_build(column='loaded_at', watermark='last_loaded_at') -%}
    {%- if is_incremental() and execute -%}
        {%- set since = run_query(
            "select coalesce(max(" ~ watermark ~ "), '-infinity'::timestamptz)::varchar from " ~ this
        ).columns[0].values()[0] -%}
        {{ column }} > '{{ since }}'::timestamptz
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
