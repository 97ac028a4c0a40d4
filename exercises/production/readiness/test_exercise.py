"""Checks for the exercise of docs/production/readiness.md: one band higher."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
import yaml
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import Pipeline

from churn.config import Config
from churn.data import generate
from churn.features import FEATURES
from production.readiness import (
    BANDS,
    SECTIONS,
    ChecklistError,
    Score,
    SectionScore,
    load_checklist,
    read_checklist,
    score,
)

ROOT = Path(__file__).resolve().parents[3]
CHECKLIST = ROOT / "snippets" / "production" / "churn_readiness.yaml"


def scored(points: dict[str, float]) -> Score:
    """A score whose sections have the given points, in automated and manual tests."""
    return Score(
        tuple(
            SectionScore(s, int(points[s]), int(points[s] % 1 * 2), 0) for s in SECTIONS
        )
    )


@cache
def data() -> tuple[Pipeline, pd.DataFrame, pd.DataFrame]:
    """A churn model, the rows it learned from, and held-out rows."""
    from churn.train import train

    training, held_out = generate(2_000, seed=1), generate(1_000, seed=11)
    return train(training, Config(n_rows=2_000)), training, held_out


def changed(exercise: ModuleType) -> Score:
    """The reference checklist, with the reader's CHANGES applied, scored."""
    document = yaml.safe_load(CHECKLIST.read_text(encoding="utf-8"))
    for test_id, answer in exercise.CHANGES.items():
        section = test_id.split("-")[0]
        assert section in document, (
            f"CHANGES names {test_id!r}, which is in no section of the checklist"
        )
        document[section][test_id] = answer
    try:
        return score(read_checklist(yaml.safe_dump(document)))
    except ChecklistError as error:
        pytest.fail(f"with CHANGES, the checklist is not valid: {error}", False)


def test_the_reference_system_lacks_a_model_point(exercise: ModuleType) -> None:
    """For the reference system, to_next_band says the model section lacks 1 point."""
    result = score(load_checklist(CHECKLIST))
    found = exercise.to_next_band(result)
    sections = ", ".join(f"{s.section} {s.points:g}" for s in result.sections)
    assert found == {"model": 1.0}, (
        f"to_next_band gives {found} for the reference system ({sections}): its "
        f"band ends at {result.band.upper:g} and points come in halves, so want "
        "{'model': 1.0}"
    )


@pytest.mark.parametrize(
    ("points", "want"),
    [
        ({"data": 0, "model": 0, "infra": 0, "monitor": 0}, 0.5),
        ({"data": 3, "model": 4, "infra": 3, "monitor": 6.5}, 3.5),
        ({"data": 5, "model": 5.5, "infra": 7, "monitor": 5}, 5.5),
    ],
    ids=["0 points", "a final score of 3", "a final score of 5"],
)
def test_each_band_needs_half_a_point_above_it(
    exercise: ModuleType, points: dict[str, float], want: float
) -> None:
    """to_next_band lifts every section to half a point above the band's top."""
    result = scored(points)
    found = exercise.to_next_band(result)
    expected = {s: want - p for s, p in points.items() if p < want}
    assert found == pytest.approx(expected), (
        f"sections at {points} give a final score of {result.final:g}, in the "
        f"band that ends at {result.band.upper:g}; the next starts at {want:g}, so "
        f"want {expected}, got {found}"
    )


def test_the_top_band_has_nothing_above(exercise: ModuleType) -> None:
    """In the top band, to_next_band is empty."""
    found = exercise.to_next_band(scored(dict.fromkeys(SECTIONS, 7.0)))
    assert found == {}, (
        f"with every test automated, to_next_band gives {found}: want {{}}, as no "
        "band lies above"
    )


def test_the_model_beats_the_baseline(exercise: ModuleType) -> None:
    """check_beats_baseline passes the churn model, which beats the rate table."""
    model, training, held_out = data()
    exercise.check_beats_baseline(model, training, held_out)


def test_a_model_no_better_than_the_baseline_fails(exercise: ModuleType) -> None:
    """check_beats_baseline fails a model that guesses, naming both AUCs."""
    _, training, held_out = data()
    guess = DummyClassifier(strategy="prior").fit(
        training[FEATURES], training["churned"]
    )
    try:
        exercise.check_beats_baseline(guess, training, held_out)
    except AssertionError as error:
        message = str(error)
    else:
        pytest.fail(
            "check_beats_baseline passed a model that only guesses (AUC 0.5): want "
            "an AssertionError",
            pytrace=False,
        )
    assert "0.5" in message, (
        f"the check says {message!r}: name both AUCs, the guess's 0.5 among them"
    )


def test_the_changes_raise_the_band(exercise: ModuleType) -> None:
    """With CHANGES, the reference checklist scores one band higher."""
    before = score(load_checklist(CHECKLIST))
    after = changed(exercise)
    wanted = BANDS[BANDS.index(before.band) + 1]
    assert after.band == wanted, (
        f"with CHANGES, the checklist scores {after.final:g} ({after.band.name}), "
        f"limited by {', '.join(after.weakest)}: want the band above "
        f"{before.final:g} ({before.band.name}), {wanted.name!r}"
    )


def test_the_changes_are_the_cheapest_and_have_evidence(exercise: ModuleType) -> None:
    """CHANGES is one upgrade, model-5 to automated, its note naming your check."""
    old = load_checklist(CHECKLIST)
    changes = copy.deepcopy(exercise.CHANGES)
    assert list(changes) == ["model-5"], (
        f"CHANGES changes {sorted(changes) or 'nothing'}: one answer is enough, "
        "model-5, the simpler baseline your check compares the model with"
    )
    answer = changes["model-5"]
    assert old["model-5"].status == "no", "the reference checklist changed"
    assert answer.get("status") == "automated", (
        f"model-5's status is {answer.get('status')!r}: one point is needed, and "
        "only an automated answer gives it"
    )
    assert "check_beats_baseline" in answer.get("note", ""), (
        f"model-5's note is {answer.get('note')!r}: name the evidence, your "
        "check_beats_baseline"
    )
