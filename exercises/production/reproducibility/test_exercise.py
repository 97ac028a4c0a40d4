"""Checks for the exercise of docs/production/reproducibility.md: the hash seed."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import churn
from churn.data import generate
from churn.features import NUMERIC_FEATURES

SNIPPETS = Path(churn.__file__).resolve().parent.parent
# Under these hash seeds a set of the three numeric features comes out in more than
# one order, so columns that follow a set's order differ between them.
SEEDS = [0, 1, 2, 3]
WORDS = "{'tenure', 'contract', 'region', 'senior', 'charges'}"


def columns_in_a_fresh_process(path: Path, seed: int) -> list[str] | str:
    """The new columns ``interactions`` of ``path`` makes, in an interpreter of its own.

    Args:
        path: The file under check.
        seed: The ``PYTHONHASHSEED`` of that interpreter.

    Returns:
        The columns it adds, in order, or the last line of its error if it failed.
    """
    program = (
        "import importlib.util, json\n"
        "import pandas as pd\n"
        f"spec = importlib.util.spec_from_file_location('answer', {str(path)!r})\n"
        "answer = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(answer)\n"
        f"frame = pd.DataFrame({{name: [1, 2] for name in {NUMERIC_FEATURES!r}}})\n"
        "added = list(answer.interactions(frame).columns)[len(frame.columns) :]\n"
        "print(json.dumps(added))\n"
    )
    path_now = os.environ.get("PYTHONPATH")
    done = subprocess.run(
        [sys.executable, "-c", program],
        env={
            **os.environ,
            "PYTHONHASHSEED": str(seed),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SNIPPETS), path_now])),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["it failed"])[-1]
    return json.loads(done.stdout)


def test_each_pair_gets_its_product(exercise: ModuleType) -> None:
    """Each pair of numeric features gets one column holding their product."""
    frame = generate(200, seed=1)
    out = exercise.interactions(frame)
    added = [name for name in out.columns if name not in frame.columns]
    pairs = sorted(tuple(sorted(name.split("*"))) for name in added)
    wanted = sorted(itertools.combinations(sorted(NUMERIC_FEATURES), 2))
    assert pairs == wanted, (
        f"the new columns are {added}: want one named a*b for each of the "
        f"{len(wanted)} pairs of {NUMERIC_FEATURES}"
    )
    for name in added:
        a, b = name.split("*")
        assert out[name].equals(frame[a] * frame[b]), (
            f"column {name} is not {a} times {b}"
        )
    assert list(out.columns[: len(frame.columns)]) == list(frame.columns), (
        "the columns you were given changed: keep them, in their order, and add to them"
    )


def test_the_columns_do_not_depend_on_the_hash_seed(exercise_file: Path) -> None:
    """The new columns come out in the same order under every PYTHONHASHSEED."""
    found = {seed: columns_in_a_fresh_process(exercise_file, seed) for seed in SEEDS}
    failed = {seed: got for seed, got in found.items() if isinstance(got, str)}
    assert not failed, f"interactions failed in a fresh interpreter: {failed}"
    orders = {tuple(got) for got in found.values()}
    differ = next((s for s in SEEDS if found[s] != found[SEEDS[0]]), SEEDS[0])
    assert len(orders) == 1, (
        f"run in fresh interpreters with PYTHONHASHSEED {SEEDS}, interactions added "
        f"the columns in {len(orders)} different orders, e.g. {found[SEEDS[0]]} "
        f"under seed {SEEDS[0]} and {found[differ]} under seed {differ}: want one. "
        "Do not let a set's order pick the pairs or name the columns"
    )


def test_each_program_gets_its_hash_seed(exercise: ModuleType) -> None:
    """outputs_by_hash_seed runs each program with PYTHONHASHSEED set to its seed."""
    program = "import os; print(os.environ.get('PYTHONHASHSEED'))"
    printed = exercise.outputs_by_hash_seed(program, [3, 5])
    wanted = {3: "3\n", 5: "5\n"}
    assert printed == wanted, (
        f"a program printing its PYTHONHASHSEED printed {printed}: want {wanted}. "
        "Run it in a fresh interpreter whose environment sets PYTHONHASHSEED; the "
        "seed of a running interpreter cannot change"
    )


def test_a_sets_order_changes_with_the_seed(exercise: ModuleType) -> None:
    """outputs_by_hash_seed sees a set's order change from seed to seed."""
    seeds = list(range(1, 7))
    printed = exercise.outputs_by_hash_seed(f"print(list({WORDS}))", seeds)
    assert sorted(printed) == seeds, (
        f"the outputs are for seeds {sorted(printed)}: want one for each of {seeds}"
    )
    assert len(set(printed.values())) > 1, (
        f"a program printing a set of five strings printed the same under seeds "
        f"{seeds[0]} to {seeds[-1]}: {printed[seeds[0]]!r}. Each seed needs its own "
        "interpreter, or the runs share one order as two trainings in one test do"
    )


def test_a_sorted_order_does_not(exercise: ModuleType) -> None:
    """outputs_by_hash_seed gives one output for a program that sorts."""
    seeds = list(range(1, 7))
    printed = exercise.outputs_by_hash_seed(f"print(sorted({WORDS}))", seeds)
    assert len(set(printed.values())) == 1, (
        f"a program printing a sorted list printed {len(set(printed.values()))} "
        "different things: want one, whatever the seed"
    )
