"""Exercise: alert when the serving model grows stale.

From docs/production/monitoring.md. ``ChurnModelNotLoaded`` pages when an instance
has no model; nothing tells you when the model it has is months old. Export the time
the service loaded its model, write an alert ``ChurnModelStale`` that fires when
that was more than 35 days ago, and a promtool unit test that proves it.

Edit this file, then run ``make exercise NAME=production/monitoring``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import FastAPI

from churn.serve import Loader, create_app

METRIC = "churn_model_loaded_timestamp_seconds"


def create_app_with_load_time(
    loader: Loader, clock: Callable[[], float] = time.time
) -> FastAPI:
    """The churn service, also exporting when it loaded the model it serves.

    Args:
        loader: Returns the model to serve, as for ``create_app``.
        clock: Returns the time in seconds since 1970; the checks pass their own.

    Returns:
        The app; its ``GET /metrics`` reports ``churn_model_loaded_timestamp_seconds``.
    """
    # TODO: register a prometheus_client Gauge named METRIC in the app's registry,
    # app.state.metrics.registry, and set it to clock() each time a load succeeds.
    # create_app calls its loader only when the app starts and on each reload, so
    # you can give it a loader of your own that calls this one.
    return create_app(loader)


# The alert: one rule, which the checks add to the churn-service group of
# deploy/prometheus/alerts.yml.
RULE = """\
alert: ChurnModelStale
# TODO: fire when the model was loaded more than 35 days ago. PromQL's time() is
# the time of the evaluation, in seconds.
expr: vector(1) < 0
labels:
  severity: ticket
annotations:
  # TODO: what happened, naming the instance; and what the person who gets the
  # ticket should do.
  summary: ""
  description: ""
"""

# A promtool unit test of the rule, as alerts.test.yml tests the others. The checks
# write it next to alerts.yml (with your rule in it) and run `promtool test rules`.
RULE_TEST = """\
rule_files:
  - alerts.yml

evaluation_interval: 1h

tests:
  # TODO: a model loaded at time 0 (churn_model_loaded_timestamp_seconds stays 0,
  # one sample an hour); ChurnModelStale must not fire at 34d and must at 36d.
  []
"""
