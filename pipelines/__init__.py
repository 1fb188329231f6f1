"""pcmd-warehouse: the statistics warehouse of Hanoi's programme against prostitution.

Flow of data: landing/ -> pipelines.ingest -> raw.* in warehouse.duckdb -> dbt_project
(staging -> intermediate -> marts) -> expectations/ gates -> published release.
"""
