-- The culture revision rule: an inspection resent in several exports is the good line from the
-- export with the latest date in its name (the same date: the later delivery), and within one
-- export the last line.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='inspection_id') }}

{{ latest_delivered_row(ref('int_culture__inspections_checked'), 'inspection_id') }}
