"""Exercise: a data-quality sensor that reports broken rows and asks for no run.

From docs/skills/orchestration.md. Write a sensor that reads the newest day in the
landing folder and checks it with ``churn.monitor.quality_failures``. When rows are
broken, it logs a warning with what broke and skips, naming each broken column.

Edit this file, then run ``make exercise NAME=skills/orchestration``.
"""

import dagster as dg

from churn.monitor import quality_failures  # noqa: F401  (you will need it)
from churn.orchestrate import Landing


@dg.sensor(minimum_interval_seconds=3600)
def data_quality(context: dg.SensorEvaluationContext, landing: Landing):
    """Check the newest day against the data contract, and say what broke.

    Args:
        context: What Dagster passes a sensor; ``context.log`` logs for the tick.
        landing: The folder new data lands in.

    Returns:
        A ``dg.SkipReason``, always.
    """
    days = landing.days()
    if not days:
        return dg.SkipReason("no day has landed yet")
    newest = days[-1]
    # TODO: read the newest day (landing.day) and run quality_failures on it. Each
    # failure is (column, rule, example value, rows failing).
    # TODO: if any, log a warning per broken column with its rule and how many rows
    # fail, and skip with a reason that names the day and every broken column.
    return dg.SkipReason(f"{newest} was not checked")
