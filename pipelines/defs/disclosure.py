"""Disclosure control as an asset, between dbt's unsuppressed values and the published marts."""

import dagster as dg

from pipelines.defs.resources import PcmdResource
from pipelines.disclosure import step


@dg.asset(
    key=["disclosure", "suppressed_cells"],
    deps=[dg.AssetKey(["intermediate", "int_indicator_values_computed"]), dg.AssetKey(["marts", "dim_period"])],
    group_name="disclosure",
    kinds={"duckdb", "python"},
    description="disclosure.suppressed_cells: the rows disclosure control suppresses (marts.md rules 1–9), "
    "with the rule that suppressed each; dbt's indicator_values reads it.",
)
def suppressed_cells(context: dg.AssetExecutionContext, pcmd: PcmdResource) -> dg.MaterializeResult:
    outcome, seconds = step.run(pcmd.settings())
    counts = outcome.counts()
    context.log.info("disclosure control: " + ", ".join(f"{rule} {n}" for rule, n in counts.items())
                     + f" ({seconds:.1f} s)")
    return dg.MaterializeResult(metadata={
        **{f"suppressed_{rule}": n for rule, n in counts.items()},
        "suppressed": outcome.suppressed.height,
        "still_determined": len(outcome.undetermined_failures),
        "seconds": seconds,
    })


defs = dg.Definitions(assets=[suppressed_cells])
