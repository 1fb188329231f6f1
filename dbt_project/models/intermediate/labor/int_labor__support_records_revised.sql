-- The labour revision rule: a record resent in several registers is the good line from the
-- register with the latest date in its name (the same date: the later delivery), and within one
-- register the last line; typically a resend fills in the follow-up.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='record_id') }}

{{ latest_delivered_row(ref('int_labor__support_records_checked'), 'record_id') }}
