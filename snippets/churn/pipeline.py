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
def run(frame: pd.DataFrame, config: Config, registry: Registry) -> Outcome:
    """Train a candidate, compare it with the champion, and register it if it passes.

    Args:
        frame: All labelled rows; they are split into training and held-out rows.
        config: The run's settings, logged with the run.
        registry: Where runs are tracked and versions registered.

    Returns:
        The outcome. A refused candidate is tracked (its run shows why) but not
        registered, so it can never be promoted by mistake.

    Raises:
        DataContractError: If the rows break the data contract.
    """
    validate(frame, with_target=True)
    train_rows, held_out = split(frame, config)
    model = train(train_rows, config)
    slices = config.gate.slice_column
    candidate = evaluate(model, held_out, slices)
    current = registry.champion()
    champion = None
    if current is not None:  # judge both models on the same rows
        champion = evaluate(registry.load(current), held_out, slices)
    decision = gate(candidate, champion, config.gate)
    exported = export(model, held_out)  # the file the service runs, proven here
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.skops"
        onnx_path = None
        if exported.data is not None:
            onnx_path = Path(folder) / "model.onnx"
            onnx_path.write_bytes(exported.data)
        run_id = registry.log_run(
            path,
            save_model(model, path),
            params=config.to_params(),
            metrics=candidate.to_metrics(),
            data_hash=data_hash(frame),
            tags={"gate": "passed" if decision.promote else "refused"}
            | {f"gate.reason.{i}": r for i, r in enumerate(decision.reasons)}
            | exported.tags(),
            onnx_path=onnx_path,
        )
    version = None
    if decision.promote:
        version = registry.register(run_id)
        registry.set_challenger(version)
    return Outcome(run_id, candidate, champion, decision, version)


# --8<-- [end:run]
