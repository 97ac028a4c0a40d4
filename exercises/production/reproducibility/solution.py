"""One answer to the exercise of docs/production/reproducibility.md.

The pairs follow the order of ``NUMERIC_FEATURES``, a list, so the new columns are the
same in every process; each program runs in a fresh interpreter whose environment sets
``PYTHONHASHSEED``, so a set's order can differ between runs as it does between
processes in production. Read it after your own attempt.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Sequence

import pandas as pd

from churn.features import NUMERIC_FEATURES


def interactions(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with a column ``a*b`` for each pair of numeric features.

    Args:
        frame: Rows with the columns of ``churn.features.NUMERIC_FEATURES``.

    Returns:
        The rows, with one more column per pair holding the product of the two, in
        the order of ``NUMERIC_FEATURES`` whatever the hash seed.
    """
    out = frame.copy()
    for a, b in itertools.combinations(NUMERIC_FEATURES, 2):
        out[f"{a}*{b}"] = frame[a] * frame[b]
    return out


def outputs_by_hash_seed(program: str, seeds: Sequence[int]) -> dict[int, str]:
    """What ``program`` prints when run with each ``PYTHONHASHSEED`` in ``seeds``.

    Args:
        program: Python source code that prints something.
        seeds: The values of ``PYTHONHASHSEED`` to run it under.

    Returns:
        What the program printed (its standard output), by seed.

    Raises:
        subprocess.CalledProcessError: If the program fails under a seed.
    """
    printed = {}
    for seed in seeds:
        done = subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        )
        printed[seed] = done.stdout
    return printed
