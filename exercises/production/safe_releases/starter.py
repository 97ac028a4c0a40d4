"""Exercise: answer from a fallback when the service has no model, and page on it.

From docs/production/safe-releases.md. Without a model, the churn service answers
``POST /predict`` with a 503. Answer from a ``RateTable`` instead, marked
``degraded: true`` and counted on ``/metrics``, and write an alert ``ChurnDegraded``
that pages when more than 5 % of answers are degraded for 10 minutes, with a
promtool unit test.

Edit this file, then run ``make exercise NAME=production/safe_releases``.
"""

from __future__ import annotations

from fastapi import FastAPI, HTTPException
from fastapi.routing import APIRoute

from churn.features import FEATURES
from churn.serve import Customer, Loader, create_app
from production.fallback import RateTable


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

    def predict(customer: Customer) -> dict[str, object]:
        # TODO: score through a production.fallback.FallbackPredictor: its primary
        # scores with the served model (and raises when there is none), its
        # fallback is `rates`, its default `rates.overall`, and its counter lives
        # in the app's registry, app.state.metrics.registry. Build it once, outside
        # this function: a registry refuses a second counter of the same name.
        loaded = holder.loaded
        if loaded is None:
            raise HTTPException(503, detail=holder.reason)
        (probability,) = loaded.scorer.churn_probability(
            [customer.model_dump(include=set(FEATURES))]
        )
        return {
            "customer_id": customer.customer_id,
            "churn_probability": float(probability),
            "model_version": loaded.version,
            "degraded": False,
        }

    # Routes are matched in order: this one, first, answers POST /predict instead
    # of the service's own, which answers 503 without a model.
    app.router.routes.insert(0, APIRoute("/predict", predict, methods=["POST"]))
    return app


# The alert: one rule, which the checks add to the churn-service group of
# deploy/prometheus/alerts.yml.
RULE = """\
alert: ChurnDegraded
# TODO: more than 5 % of scoring answers degraded, for 10 minutes.
expr: vector(1) < 0
labels:
  severity: page
annotations:
  # TODO: what happened, and what the person paged should do.
  summary: ""
  description: ""
"""

# A promtool unit test of the rule. The checks write it next to alerts.yml (with
# your rule in it) and run `promtool test rules`.
RULE_TEST = """\
rule_files:
  - alerts.yml

evaluation_interval: 1m

tests:
  # TODO: series of answers and of degraded answers; ChurnDegraded must fire when
  # degradation lasts, and stay quiet when it does not.
  []
"""
