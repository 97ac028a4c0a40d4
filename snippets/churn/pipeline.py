"""The training pipeline as one function: validate, train, evaluate, gate, register.

This is what CI runs on every change and what a schedule or a drift alert triggers:
the same steps a data scientist does by hand in a notebook, in a fixed order, with
every result recorded and no model registered unless the gate passes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.pipeline import Pipeline

from churn.artifacts import save_model
from churn.config import Config
from churn.data import data_hash, validate
from churn.evaluate import Evaluation, GateDecision, evaluate, gate
from churn.export import export
from churn.registry import Registry
from churn.train import split, train


@dataclass(frozen=True)
class Outcome:
    """What one pipeline run produced.

    Attributes:
        run_id: The MLflow run, logged whether or not the gate passed.
        candidate: The new model's evaluation on the held-out rows.
        champion: The current champion's evaluation on the same rows, if any.
        decision: The gate's decision and its reasons.
        version: The registered version (now the challenger), or None if the
            gate refused the candidate.
    """

    run_id: str
    candidate: Evaluation
    champion: Evaluation | None
    decision: GateDecision
    version: int | None


# --8<-- [start:run]
def run(
    frame: pd.DataFrame,
    config: Config,
    registry: Registry,
    tags: dict[str, str] | None = None,
) -> Outcome:
    """Train a candidate, compare it with the champion, and register it if it passes.

    Args:
        frame: All labelled rows; they are split into training and held-out rows.
        config: The run's settings, logged with the run.
        registry: Where runs are tracked and versions registered.
        tags: Further tags for the run, such as the orchestrator's run and the
            window of data it trained on.

    Returns:
        The outcome. A refused candidate is tracked (its run shows why) but not
        registered, so it can never be promoted by mistake.

    Raises:
        DataContractError: If the rows break the data contract.
    """
    validate(frame, with_target=True)
    trained = fit(frame, config)
    scores = compare(trained, registry)
    decision = gate(scores.candidate, scores.champion, config.gate)
    return record(trained, scores, decision, registry, tags)


@dataclass(frozen=True)
class Trained:
    """A fitted candidate and the rows it was not trained on.

    Attributes:
        model: The fitted pipeline.
        held_out: The rows kept back to score it (and the champion) on.
        config: The settings it was trained with.
        data_hash: The hash of all the rows, before the split.
    """

    model: Pipeline
    held_out: pd.DataFrame
    config: Config
    data_hash: str


@dataclass(frozen=True)
class Comparison:
    """The candidate's and the champion's scores on the same held-out rows."""

    candidate: Evaluation
    champion: Evaluation | None


def fit(frame: pd.DataFrame, config: Config) -> Trained:
    """Split valid rows and train a candidate on the training part.

    Args:
        frame: Labelled rows that passed the data contract.
        config: The run's settings.

    Returns:
        The candidate and its held-out rows.
    """
    train_rows, held_out = split(frame, config)
    return Trained(train(train_rows, config), held_out, config, data_hash(frame))


def compare(trained: Trained, registry: Registry) -> Comparison:
    """Score the candidate and the current champion, if any, on the held-out rows.

    Args:
        trained: The candidate, from `fit`; its settings name the slice column.
        registry: Where the champion is found.

    Returns:
        Both evaluations, so that the gate compares like with like.
    """
    slices = trained.config.gate.slice_column
    candidate = evaluate(trained.model, trained.held_out, slices)
    current = registry.champion()
    champion = None
    if current is not None:  # score both models on the same rows
        champion = evaluate(registry.load(current), trained.held_out, slices)
    return Comparison(candidate, champion)


def record(
    trained: Trained,
    scores: Comparison,
    decision: GateDecision,
    registry: Registry,
    tags: dict[str, str] | None = None,
) -> Outcome:
    """Log the run whatever the decision; register the candidate only if it passed.

    Args:
        trained: The candidate, from `fit`.
        scores: Its evaluation and the champion's, from `compare`.
        decision: The gate's decision on them.
        registry: Where the run is logged and the version registered.
        tags: Further tags for the run.

    Returns:
        The outcome; its version is None if the gate refused the candidate.
    """
    exported = export(trained.model, trained.held_out)  # the file the service runs
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.skops"
        onnx_path = None
        if exported.data is not None:
            onnx_path = Path(folder) / "model.onnx"
            onnx_path.write_bytes(exported.data)
        run_id = registry.log_run(
            path,
            save_model(trained.model, path),
            params=trained.config.to_params(),
            metrics=scores.candidate.to_metrics(),
            data_hash=trained.data_hash,
            tags=(tags or {})
            | {"gate": "passed" if decision.promote else "refused"}
            | {f"gate.reason.{i}": r for i, r in enumerate(decision.reasons)}
            | exported.tags(),
            onnx_path=onnx_path,
        )
    version = None
    if decision.promote:
        version = registry.register(run_id)
        registry.set_challenger(version)
    return Outcome(run_id, scores.candidate, scores.champion, decision, version)


# --8<-- [end:run]
