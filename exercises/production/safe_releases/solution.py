"""One answer to the exercise of docs/production/safe-releases.md.

One ``FallbackPredictor`` per app, its counter in the app's registry: its primary
scores with the model the request took from the holder, and raises when there is
none, so a missing model, an error or a NaN all end in the rate table's answer,
marked degraded and counted. The alert divides degraded answers by all answers to
``POST /predict``, and waits 10 minutes before paging. Read it after your own
attempt.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from fastapi import FastAPI
from fastapi.routing import APIRoute

from churn.features import FEATURES
from churn.serve import Customer, Loader, ModelLoadError, create_app
from production.fallback import FallbackPredictor, RateTable


def degradable_app(loader: Loader, rates: RateTable) -> FastAPI:
    """The churn service, whose ``POST /predict`` answers from ``rates`` if need be.

    Args:
        loader: Returns the model to serve, as for ``create_app``.
        rates: The fallback model, fitted on the training data.

    Returns:
        The app. ``POST /predict`` answers ``customer_id``, ``churn_probability``,
        ``model_version`` (None when degraded) and ``degraded``.
    """
    app = create_app(loader)
    holder = app.state.model_holder

    def served(frame: pd.DataFrame) -> Sequence[float]:
        loaded = frame.attrs["model"]  # the one model this request took
        if loaded is None:
            raise ModelLoadError(holder.reason)
        return loaded.scorer.churn_probability(frame.to_dict("records"))

    predictor = FallbackPredictor(
        served, rates, default=rates.overall, registry=app.state.metrics.registry
    )

    def predict(customer: Customer) -> dict[str, object]:
        frame = pd.DataFrame([customer.model_dump(include=set(FEATURES))])
        frame.attrs["model"] = loaded = holder.loaded
        answer = predictor.predict(frame)
        return {
            "customer_id": customer.customer_id,
            "churn_probability": answer.probabilities[0],
            "model_version": None if answer.degraded else loaded.version,
            "degraded": answer.degraded,
        }

    # Routes are matched in order: this one, first, answers POST /predict instead
    # of the service's own, which answers 503 without a model.
    app.router.routes.insert(0, APIRoute("/predict", predict, methods=["POST"]))
    return app


RULE = """\
alert: ChurnDegraded
expr: |
  sum(rate(churn_degraded_answers_total{job="churn-service"}[5m]))
  /
  sum(rate(http_requests_total{job="churn-service", route="/predict",
    status="200"}[5m]))
  > 0.05
for: 10m
labels:
  severity: page
annotations:
  summary: >-
    {{ $value | humanizePercentage }} of churn scores come from the fallback
  description: >-
    The service answers without its model: read the reason on /ready and in the
    log (event=model_load_failed), and restore the model.
"""

RULE_TEST = """\
rule_files:
  - alerts.yml

evaluation_interval: 1m

tests:
  # 600 answers a minute, 60 of them from the fallback (10 %), for an hour.
  - interval: 1m
    input_series:
      - series: 'http_requests_total{job="churn-service", instance="a",
          route="/predict", method="POST", status="200"}'
        values: "0+600x60"
      - series: 'churn_degraded_answers_total{job="churn-service", instance="a",
          source="fallback"}'
        values: "0+60x60"
    alert_rule_test:
      - eval_time: 8m
        alertname: ChurnDegraded
        exp_alerts: []
      - eval_time: 30m
        alertname: ChurnDegraded
        exp_alerts:
          - exp_labels:
              severity: page
            exp_annotations:
              summary: "10% of churn scores come from the fallback"
              description: >-
                The service answers without its model: read the reason on /ready
                and in the log (event=model_load_failed), and restore the model.

  # 6 of 600 (1 %): within what the alert accepts.
  - interval: 1m
    input_series:
      - series: 'http_requests_total{job="churn-service", instance="a",
          route="/predict", method="POST", status="200"}'
        values: "0+600x60"
      - series: 'churn_degraded_answers_total{job="churn-service", instance="a",
          source="fallback"}'
        values: "0+6x60"
    alert_rule_test:
      - eval_time: 60m
        alertname: ChurnDegraded
        exp_alerts: []
"""
