"""One answer to the exercise of docs/production/monitoring.md.

The service wraps its loader: after each load that succeeds, a gauge labelled with
the model's version holds the time of the load. A failed load raises before the
gauge is touched, so the time stays that of the model still serving, and an
instance that never loaded a model has no series at all. The alert compares that
time with PromQL's ``time()``; its unit test sits in a file of its own, at an
evaluation an hour, as alerts-drift.test.yml does for the week-long rule. Read it
after your own attempt.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import FastAPI
from prometheus_client import Gauge

from churn.serve import LoadedModel, Loader, create_app

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

    def load_and_stamp() -> LoadedModel:
        loaded = loader()  # if this raises, the old model and its time stay
        loaded_at.clear()  # one series: the model serving now
        loaded_at.labels(loaded.version).set(clock())
        return loaded

    app = create_app(load_and_stamp)
    # create_app calls load_and_stamp only when the app starts, after this line.
    loaded_at = Gauge(
        METRIC,
        "When the served model was loaded, in seconds since 1970.",
        ["version"],
        registry=app.state.metrics.registry,
    )
    return app


RULE = """\
alert: ChurnModelStale
expr: time() - churn_model_loaded_timestamp_seconds{job="churn-service"} > 35 * 86400
labels:
  severity: ticket
annotations:
  summary: >-
    Churn model {{ $labels.version }} on {{ $labels.instance }} was loaded
    {{ $value | humanizeDuration }} ago
  description: >-
    The model serving is over 35 days old: retrain it, or record why the old
    one still serves.
"""

RULE_TEST = """\
rule_files:
  - alerts.yml

evaluation_interval: 1h

tests:
  # Version 3 loaded at time 0 and never replaced, one sample an hour for 37 days.
  - interval: 1h
    input_series:
      - series: 'churn_model_loaded_timestamp_seconds{job="churn-service",
          instance="a", version="3"}'
        values: "0x900"
    alert_rule_test:
      - eval_time: 34d
        alertname: ChurnModelStale
        exp_alerts: []
      - eval_time: 36d
        alertname: ChurnModelStale
        exp_alerts:
          - exp_labels:
              severity: ticket
              job: churn-service
              instance: a
              version: "3"
            exp_annotations:
              summary: "Churn model 3 on a was loaded 36d 0h 0m 0s ago"
              description: >-
                The model serving is over 35 days old: retrain it, or record
                why the old one still serves.
"""
