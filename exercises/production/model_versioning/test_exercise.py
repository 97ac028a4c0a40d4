"""Checks for the exercise of docs/production/model-versioning.md: the environment."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType, SimpleNamespace

from churn.registry import ModelRef
from production.model_card import model_card

USE = "Rank customers for a retention call."
LIMITS = ["Not validated on business customers."]
PARAMS = {"seed": "7", "model.max_iter": "150"}
VERSIONS = {
    "python": "3.11.7",
    "scikit-learn": "1.9.1",
    "pandas": "3.1.1",
    "skops": "0.16.0",
}
# A run's tags, as Registry.log_run records them: facts, versions, MLflow's own.
TAGS = {
    "sha256": "a" * 64,
    "data_hash": "d" * 64,
    "model_file": "model/model.skops",
    "mlflow.user": "reader",
    **{f"env.{name}": value for name, value in VERSIONS.items()},
}
REF = ModelRef(
    name="churn",
    version=3,
    alias="champion",
    run_id="run-abc",
    sha256="a" * 64,
    data_hash="d" * 64,
    path=Path("model.skops"),
    metrics={"auc": 0.78, "auc.contract.one-year": 0.7123},
)


class Registry:
    """A stand-in for ``churn.registry.Registry`` with one version, the champion.

    The card reads the registry's facts, not a database: this one answers at once.
    """

    model_name = "churn"

    def __init__(self) -> None:
        run = SimpleNamespace(data=SimpleNamespace(params=PARAMS, tags=TAGS))
        self.client = SimpleNamespace(get_run=lambda run_id: run)

    def champion(self) -> ModelRef:
        """The champion: version 3."""
        return REF

    def get(self, version: int) -> ModelRef:
        """Version 3, whatever is asked."""
        return REF


def rows_under(card: str, heading: str) -> list[str]:
    """The table rows of a card's section, header and separator left out."""
    lines = card.splitlines()
    if heading not in lines:
        return []
    section = lines[lines.index(heading) + 1 :]
    ends = [n for n, line in enumerate(section) if line.startswith("## ")]
    rows = section[: min(ends, default=len(section))]
    return [row for row in rows if row.startswith("| ")][1:]


def test_a_card_without_versions_misses_them_all(exercise: ModuleType) -> None:
    """missing_versions names each package version a card does not show."""
    card = model_card(REF, PARAMS, USE, LIMITS)
    found = exercise.missing_versions(card, TAGS)
    assert found == sorted(VERSIONS), (
        f"for today's card, which shows no package version, missing_versions "
        f"returned {found}: want every env.* tag's package, {sorted(VERSIONS)}"
    )


def test_a_card_with_every_version_misses_none(exercise: ModuleType) -> None:
    """missing_versions finds nothing missing on a card that shows every version."""
    rows = [f"| {name} | {value} |" for name, value in sorted(VERSIONS.items())]
    card = model_card(REF, PARAMS, USE, LIMITS) + "\n".join(
        ["", "## Environment", "", "| Package | Version |", "|---|---|", *rows, ""]
    )
    found = exercise.missing_versions(card, TAGS)
    assert found == [], (
        f"for a card with the row | package | version | of each env.* tag, "
        f"missing_versions returned {found}: want []. Tags that are not env.* "
        "(sha256, mlflow.user, ...) are not package versions"
    )


def test_a_wrong_version_is_missing(exercise: ModuleType) -> None:
    """missing_versions counts a package shown with another version as missing."""
    rows = [
        f"| {name} | {'2.0.0' if name == 'pandas' else value} |"
        for name, value in sorted(VERSIONS.items())
    ]
    card = model_card(REF, PARAMS, USE, LIMITS) + "\n".join(
        ["", "## Environment", "", "| Package | Version |", "|---|---|", *rows, ""]
    )
    found = exercise.missing_versions(card, TAGS)
    assert found == ["pandas"], (
        f"for a card showing pandas 2.0.0 where the run recorded "
        f"{VERSIONS['pandas']}, missing_versions returned {found}: want ['pandas']"
    )


def test_the_card_shows_the_environment(exercise: ModuleType) -> None:
    """The card has an Environment section with one row per env.* tag, sorted."""
    card = exercise.registry_card(Registry(), USE, LIMITS)
    assert "## Environment" in card.splitlines(), (
        "the card has no line '## Environment': add the section"
    )
    found = rows_under(card, "## Environment")
    wanted = [f"| {name} | {value} |" for name, value in sorted(VERSIONS.items())]
    assert found == wanted, (
        f"under '## Environment' the table rows are {found}: want one row "
        f"| package | version | per env.* tag, sorted by package: {wanted}"
    )


def test_the_environment_comes_last(exercise: ModuleType) -> None:
    """The card keeps all it had, and the Environment section comes last."""
    card = exercise.registry_card(Registry(), USE, LIMITS)
    before = model_card(REF, PARAMS, USE, LIMITS)
    assert card.startswith(before), (
        "the card no longer starts with what production.model_card.registry_card "
        "writes: keep the card as it was, and add the section at its end"
    )
    rest = card.removeprefix(before).strip().splitlines()
    assert rest[:1] == ["## Environment"], (
        f"after the training settings the card goes on with {rest[:1] or 'nothing'}: "
        "want the '## Environment' heading"
    )
