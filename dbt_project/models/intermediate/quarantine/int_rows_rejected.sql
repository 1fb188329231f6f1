-- The raw rows dbt finds bad (an area that cannot be placed, a value in no vocabulary, a health
-- workbook whose stated dates are no month of either calendar), as ops.quarantine records them:
-- one row per source_file × line_no, with the reason and the row as loaded in raw.* as JSON
-- text, the pseudonym masked. pipelines/quarantine.py appends them to ops.quarantine.
{%- set agencies = [
    ('police', 'case_persons', 'int_police__case_persons_checked', true),
    ('health', 'monthly_reports', 'int_health__monthly_reports_checked', false),
    ('culture', 'inspections', 'int_culture__inspections_checked', false),
    ('labor', 'support_records', 'int_labor__support_records_checked', true),
] %}
{%- set lineage = ['source_file', 'line_no', 'file_sha256', 'file_date', 'file_seq', 'loaded_at'] %}
with
{%- for agency, table, checked, has_pseudonym in agencies %}
{{ agency }}_rejected as (
    select checked.source_file, checked.line_no, checked.rejection_reason
    from {{ ref(checked) }} as checked
    where checked.rejection_reason is not null
),

{{ agency }}_raw as (
    select
        rejected.source_file as file_name,
        rejected.line_no,
        rejected.rejection_reason as reason,
        to_json(raw_row)::varchar as raw
    from {{ source(agency, table) }} as raw_rows
    inner join {{ agency }}_rejected as rejected
        on rejected.source_file = raw_rows.source_file
        and rejected.line_no = raw_rows.line_no,
    lateral (
        select raw_rows.* exclude ({{ lineage | join(', ') }})
        {%- if has_pseudonym %} replace ('{{ var("mask") }}' as person_pseudonym){% endif %}
    ) as raw_row
),
{%- endfor %}

final as (
    {%- for agency, table, checked, has_pseudonym in agencies %}
    select file_name, line_no, reason, raw from {{ agency }}_raw
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from final
