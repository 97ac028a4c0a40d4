"""Exercise: catch a feature whose columns depend on the hash seed, then fix it.

From docs/production/reproducibility.md. ``interactions`` below multiplies each pair
of numeric features, and picks the pairs by iterating over a ``set`` of column names.
Python salts string hashes per process, so the order of that set, and of the columns,
changes with ``PYTHONHASHSEED``. A test that trains twice in one process cannot see
it. Write ``outputs_by_hash_seed``, which runs a program once per hash seed in a fresh
interpreter, and make the columns of ``interactions`` the same under every seed.

Edit this file, then run ``make exercise NAME=production/reproducibility``.
"""

from __future__ import annotations

import contextlib
import io
import itertools
from collections.abc import Sequence

import pandas as pd

from churn.features import NUMERIC_FEATURES


def interactions(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with a column ``a*b`` for each pair of numeric features.

    Args:
        frame: Rows with the columns of ``churn.features.NUMERIC_FEATURES``.

    Returns:
        The rows, with one more column per pair holding the product of the two.
    """
    out = frame.copy()
    # TODO: the pairs, and so the names and order of the new columns, follow the
    # order of this set, which changes with PYTHONHASHSEED. Make it not.
    for a, b in itertools.combinations(set(NUMERIC_FEATURES), 2):
        out[f"{a}*{b}"] = frame[a] * frame[b]
    return out


def outputs_by_hash_seed(program: str, seeds: Sequence[int]) -> dict[int, str]:
    """What ``program`` prints when run with each ``PYTHONHASHSEED`` in ``seeds``.

    Args:
        program: Python source code that prints something.
        seeds: The values of ``PYTHONHASHSEED`` to run it under.

    Returns:
        What the program printed (its standard output), by seed.
    """
    printed = {}
    for seed in seeds:
        # TODO: this runs the program in this process, as a test that trains twice
        # does: the hash seed was fixed when this interpreter started. Run it in a
        # fresh interpreter (sys.executable) whose environment sets PYTHONHASHSEED.
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(program, {})
        printed[seed] = output.getvalue()
    return printed
