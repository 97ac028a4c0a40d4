"""One answer to the exercise of docs/skills/orchestration.md.

The sensor reads the newest day, runs the data contract on it, and for each broken
column logs a warning with the rule and the rows that fail. It always skips: broken
data is a job for whoever owns the export, not a reason to train. Read it after your
own attempt.
"""

import dagster as dg

from churn.monitor import quality_failures
from churn.orchestrate import Landing


@dg.sensor(minimum_interval_seconds=3600)
def data_quality(context: dg.SensorEvaluationContext, landing: Landing):
    """Check the newest day against the data contract, and say what broke.

    Args:
        context: What Dagster passes a sensor; ``context.log`` logs for the tick.
        landing: The folder new data lands in.

    Returns:
        A ``dg.SkipReason``, always: naming the broken columns, or saying the day
        meets the contract.
    """
    days = landing.days()
    if not days:
        return dg.SkipReason("no day has landed yet")
    newest = days[-1]
    failures = quality_failures(landing.day(newest))
    if not failures:
        return dg.SkipReason(f"{newest} meets the data contract")
    for column, rule, example, rows in failures:
        context.log.warning(
            f"{newest}: {column} fails {rule} in {rows} rows (e.g. {example!r})"
        )
    columns = ", ".join(sorted({column for column, *_ in failures}))
    return dg.SkipReason(f"{newest} has broken rows in {columns}: no run asked for")
