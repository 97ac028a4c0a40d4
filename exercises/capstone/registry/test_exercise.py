"""Checks for the exercise of docs/capstone/registry.md: ``churn train --dry-run``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from churn import cli
from churn.config import Config, GateConfig, ModelConfig
from churn.data import generate, save_csv
from churn.evaluate import gate
from churn.pipeline import compare, fit
from churn.train import train

# Fewer trees than the default run, so each training takes a fraction of a second.
CONFIG = Config(model=ModelConfig(max_iter=20))
# A floor no model reaches on these rows: the gate refuses every candidate.
STRICT = replace(CONFIG, gate=GateConfig(min_auc=0.99))
READS = {"champion", "challenger", "get", "load", "root", "database", "client"}


class Registry:
    """Stands in for ``churn.registry.Registry``: a champion, and a list of writes.

    Any method beyond the ones that read (``champion``, ``load``, ...) is taken for
    a write: it is recorded, and it answers as the real registry would.

    Args:
        champion: The champion's model, or None for a registry without one.
    """

    def __init__(self, champion=None) -> None:
        self.model = champion
        self.writes: list[str] = []

    def champion(self) -> str | None:
        """A reference to the champion, or None."""
        return None if self.model is None else "the champion"

    def challenger(self) -> None:
        """No challenger."""
        return None

    def load(self, ref: str):
        """The champion's model."""
        assert ref == "the champion", f"load() got {ref!r}, not the champion's ref"
        return self.model

    def __getattr__(self, name: str):
        """Any other method: a write, recorded."""
        if name.startswith("__") or name in READS:
            raise AttributeError(name)

        def write(*args, **kwargs) -> str | int:
            self.writes.append(name)
            return "run-1" if name == "log_run" else 1

        return write


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    """Small generated training rows."""
    return generate(1_500, seed=7)


@pytest.fixture(scope="module")
def champion(rows: pd.DataFrame):
    """A model trained on other rows, to stand as the champion."""
    return train(generate(1_500, seed=8), CONFIG)


@pytest.fixture(scope="module")
def trained(rows: pd.DataFrame):
    """The candidate ``churn.pipeline.fit`` trains on the rows (as for STRICT too)."""
    return fit(rows, CONFIG)


def expected(trained, config: Config, registry: Registry):
    """What ``churn.pipeline.run`` would decide, computed by the checks themselves."""
    scores = compare(trained, registry)
    return scores, gate(scores.candidate, scores.champion, config.gate)


def test_it_returns_the_gates_decision(exercise: ModuleType, rows, trained) -> None:
    """dry_run returns the candidate's scores and the gate's decision, as run would."""
    found = exercise.dry_run(rows, CONFIG, Registry())
    scores, decision = expected(trained, CONFIG, Registry())
    assert found.candidate == scores.candidate, (
        f"the candidate's AUC is {found.candidate.auc}: churn.pipeline.fit and "
        f"compare give {scores.candidate.auc} on the same rows and settings"
    )
    assert found.decision == decision, (
        f"the decision is {found.decision}: the gate decides {decision}"
    )


def test_it_gives_a_refusals_reasons(exercise: ModuleType, rows, trained) -> None:
    """A refused candidate comes back with the gate's reasons."""
    found = exercise.dry_run(rows, STRICT, Registry())
    _, decision = expected(trained, STRICT, Registry())
    assert not found.decision.promote, (
        "with a floor of 0.99 the gate refuses, but the dry run says it passes: "
        "apply churn.evaluate.gate with config.gate"
    )
    assert found.decision.reasons == decision.reasons, (
        f"the reasons are {found.decision.reasons}: want {decision.reasons}"
    )


def test_it_compares_with_the_champion(
    exercise: ModuleType, rows, trained, champion
) -> None:
    """dry_run scores the champion on the same held-out rows as the candidate."""
    found = exercise.dry_run(rows, CONFIG, Registry(champion))
    scores, _ = expected(trained, CONFIG, Registry(champion))
    assert found.champion is not None, (
        "the registry has a champion, and the dry run did not score it: the gate "
        "must compare the candidate with it"
    )
    assert found.champion == scores.champion, (
        f"the champion's AUC is {found.champion.auc}: on the candidate's held-out "
        f"rows it is {scores.champion.auc}"
    )


def test_it_writes_nothing(exercise: ModuleType, rows, champion) -> None:
    """dry_run writes nothing to the registry: no run, no version, no alias."""
    registry = Registry(champion)
    exercise.dry_run(rows, CONFIG, registry)
    assert registry.writes == [], (
        f"the dry run called {registry.writes} on the registry: a dry run only "
        "reads the champion"
    )


def test_train_takes_dry_run(exercise: ModuleType) -> None:
    """The train command takes --dry-run; without it, dry_run is False."""
    base = ["train", "--data", "rows.csv", "--registry", "registry"]
    try:
        on = exercise.parser().parse_args([*base, "--dry-run"])
    except SystemExit:
        pytest.fail("churn train does not take --dry-run yet", pytrace=False)
    off = exercise.parser().parse_args(base)
    assert (on.dry_run, off.dry_run) == (True, False), (
        f"args.dry_run is {on.dry_run!r} with --dry-run and {off.dry_run!r} "
        "without: want True and False"
    )


@pytest.fixture
def command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, rows: pd.DataFrame):
    """Run the file's ``main`` on a CSV of the rows: its exit code, output, registry.

    ``churn.cli._registry`` is replaced by the stand-in, so no MLflow database is
    made; the settings are the checks' (fewer trees), from a TOML file.
    """
    registry = Registry()
    monkeypatch.setattr(cli, "_registry", lambda args: registry)
    data = save_csv(rows, tmp_path / "rows.csv")

    def run(exercise: ModuleType, *options: str, min_auc: float = 0.7):
        settings = tmp_path / "settings.toml"
        settings.write_text(f"[model]\nmax_iter = 20\n[gate]\nmin_auc = {min_auc}\n")
        argv = ["train", "--data", str(data), "--config", str(settings)]
        try:
            code = exercise.main([*argv, "--registry", str(tmp_path), *options])
        except SystemExit as stop:  # argparse refused the command line
            pytest.fail(
                f"churn train {' '.join(options)} stopped at its command line (exit "
                f"code {stop.code}): does the train command take these options?",
                pytrace=False,
            )
        return code, registry

    return run


def test_a_dry_run_prints_the_decision(
    exercise: ModuleType, command, trained, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dry run prints the AUC and the decision, and exits as churn train would."""
    code, registry = command(exercise, "--dry-run")
    said = capsys.readouterr().out
    auc = expected(trained, CONFIG, Registry())[0].candidate
    assert f"AUC {auc.auc:.4f}" in said, (
        f"the dry run printed {said!r}: want the candidate's AUC, {auc.auc:.4f}"
    )
    assert "dry run" in said.lower(), (
        f"the dry run printed {said!r}: say it is a dry run, so nobody looks for the "
        "version it did not register"
    )
    assert code == 0, f"a dry run the gate passes exits {code}: want 0"
    assert registry.writes == [], f"churn train --dry-run called {registry.writes}"
    code, _ = command(exercise, "--dry-run", min_auc=0.99)
    said = capsys.readouterr().out
    assert code == cli.GATE_REFUSED, (
        f"a dry run the gate refuses exits {code}: want {cli.GATE_REFUSED}, as "
        "churn train does"
    )
    reasons = expected(trained, STRICT, Registry())[1].reasons
    assert all(reason in said for reason in reasons), (
        f"the refused dry run printed {said!r}: want the gate's reasons, {reasons}"
    )


def test_without_dry_run_train_registers(exercise: ModuleType, command) -> None:
    """Without --dry-run, the train command logs the run and registers as before."""
    code, registry = command(exercise)
    assert code == 0, f"churn train exited {code}: want 0, the gate passing"
    assert registry.writes == ["log_run", "register", "set_challenger"], (
        f"churn train called {registry.writes} on the registry: want it to log the "
        "run, register the version and make it the challenger, as before"
    )
