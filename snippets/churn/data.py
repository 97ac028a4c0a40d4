"""Customer data: generated deterministically, checked against a contract, hashed.

The data is synthetic so that every reader gets the same rows from the same seed,
offline, and so that ``drift`` can shift it on purpose for monitoring to detect.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from churn.fields import (
    CONTRACTS,
    ID,
    ID_PATTERN,
    INTERNET_SERVICES,
    PAYMENT_METHODS,
    REGIONS,
    TARGET,
)


class DataContractError(ValueError):
    """Data broke its contract. The message names each column, rule and example value.

    Attributes:
        failures: One ``(column, rule, example value, rows failing)`` per problem;
            the example is None for a missing or unexpected column.
    """

    def __init__(self, failures: list[tuple[str, str, object, int]]) -> None:
        self.failures = failures
        lines = [
            f"column {column!r}: {rule}"
            if example is None
            else f"column {column!r} failed {rule}: {count} row(s), e.g. {example!r}"
            for column, rule, example, count in failures
        ]
        super().__init__("data broke its contract:\n  " + "\n  ".join(lines))

    def __reduce__(self) -> tuple[type, tuple[list[tuple[str, str, object, int]]]]:
        # Rebuild from the failures, not the message, so the error keeps its type
        # when pickled, e.g. from a Dask worker back to the client.
        return type(self), (self.failures,)


# --8<-- [start:contract]
FEATURE_COLUMNS = {
    "tenure_months": pa.Column(int, pa.Check.in_range(0, 120)),
    "monthly_charges": pa.Column(float, pa.Check.in_range(0.0, 500.0)),
    "support_calls": pa.Column(int, pa.Check.in_range(0, 100)),
    "senior": pa.Column(bool),
    "contract": pa.Column(str, pa.Check.isin(CONTRACTS)),
    "payment_method": pa.Column(str, pa.Check.isin(PAYMENT_METHODS)),
    "internet_service": pa.Column(str, pa.Check.isin(INTERNET_SERVICES)),
    "region": pa.Column(str, pa.Check.isin(REGIONS)),
}
ID_COLUMN = pa.Column(str, pa.Check.str_matches(ID_PATTERN), unique=True)
TARGET_COLUMN = pa.Column(int, pa.Check.isin([0, 1]))

TRAINING_SCHEMA = pa.DataFrameSchema(
    {ID: ID_COLUMN, **FEATURE_COLUMNS, TARGET: TARGET_COLUMN}, strict=True
)
SCORING_SCHEMA = pa.DataFrameSchema({ID: ID_COLUMN, **FEATURE_COLUMNS}, strict=True)


def validate(frame: pd.DataFrame, *, with_target: bool = True) -> pd.DataFrame:
    """Check a frame against the data contract, reporting every problem at once.

    Args:
        frame: Customer rows.
        with_target: Require the ``churned`` label (training) or forbid it (scoring).

    Returns:
        The validated frame (equal to the input) when it meets the contract.

    Raises:
        DataContractError: Naming each failing column, its rule and an example value.
    """
    schema = TRAINING_SCHEMA if with_target else SCORING_SCHEMA
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        failures = _describe(errors.failure_cases)
    # Raised outside the except block so no chained pandera error, which holds the
    # whole frame, travels with it into logs or from a Dask worker to the client.
    raise DataContractError(failures)


FRAME_CHECKS = {
    "column_in_schema": "unexpected column",
    "column_in_dataframe": "missing column",
}


def _describe(cases: pd.DataFrame) -> list[tuple[str, str, object, int]]:
    """Turn pandera's failure cases into (column, rule, example, count) tuples."""
    frame_level = cases["column"].isna()
    failures = [
        (str(row.failure_case), FRAME_CHECKS.get(row.check, row.check), None, 1)
        for row in cases[frame_level].itertuples()
    ]
    columns = cases[~frame_level]
    # A column of the wrong type fails its other checks too, with errors about
    # comparing types; its type is the one problem worth reporting.
    is_type = columns["check"].str.startswith("dtype(")
    mistyped = set(columns.loc[is_type, "column"])
    columns = columns[is_type | ~columns["column"].isin(mistyped)]
    grouped = columns.groupby(["column", "check"], sort=True)
    failures += [
        (str(column), str(check), group["failure_case"].iloc[0], len(group))
        for (column, check), group in grouped
    ]
    return failures


# --8<-- [end:contract]


# --8<-- [start:generate]
def generate(
    n_rows: int = 20_000, seed: int = 7, drift: float = 0.0, first_id: int = 1
) -> pd.DataFrame:
    """Generate customers and whether they churned, the same rows for the same seed.

    Args:
        n_rows: How many customers.
        seed: Seed of the random generator; the only source of randomness.
        drift: 0 for the training population; up to 1 shifts it: more
            month-to-month contracts, shorter tenure, higher charges, more support
            calls. Monitoring should flag drift of 0.3 and above.
        first_id: The number of the first customer, so that batches generated
            one after another (a day at a time, say) never share an ID.

    Returns:
        A frame that meets the training contract.

    Raises:
        ValueError: If n_rows is below 1, drift is outside [0, 1] or the IDs
            would not fit in seven digits.

    Example:
        ```python
        from churn.data import generate

        rows = generate(n_rows=1_000, seed=7)
        shifted = generate(n_rows=1_000, seed=7, drift=0.5)
        print(rows.shape, round(rows["tenure_months"].mean()))
        #> (1000, 10) 26
        print(round(shifted["tenure_months"].mean()))
        #> 19
        ```
    """
    if n_rows < 1:
        raise ValueError(f"n_rows must be at least 1, got {n_rows}")
    if not 0.0 <= drift <= 1.0:
        raise ValueError(f"drift must be in [0, 1], got {drift}")
    if not 1 <= first_id <= 10_000_000 - n_rows:
        raise ValueError(f"IDs from {first_id} do not fit C0000001..C9999999")
    rng = np.random.default_rng(seed)
    to_monthly = 0.35 * drift  # share of long contracts that become month-to-month
    contract = rng.choice(
        CONTRACTS,
        n_rows,
        p=[0.5 + to_monthly, 0.27 - to_monthly / 2, 0.23 - to_monthly / 2],
    )
    long_contract = contract != "month-to-month"
    tenure = rng.gamma(2.0, 9.0 + 10.0 * long_contract) * (1 - 0.4 * drift)
    internet = rng.choice(INTERNET_SERVICES, n_rows, p=[0.35, 0.45, 0.20])
    base_charge = np.select(
        [internet == "dsl", internet == "fiber"], [50.0, 80.0], default=25.0
    )
    charges = base_charge + rng.normal(0, 10, n_rows) + 20.0 * drift
    frame = pd.DataFrame(
        {
            ID: [f"C{i:07d}" for i in range(first_id, first_id + n_rows)],
            "tenure_months": np.clip(tenure.round(), 0, 72).astype(int),
            "monthly_charges": np.clip(charges, 15.0, 150.0).round(2),
            "support_calls": rng.poisson(1.0 + 1.5 * drift, n_rows).astype(int),
            "senior": rng.random(n_rows) < 0.16,
            "contract": contract,
            "payment_method": rng.choice(PAYMENT_METHODS, n_rows),
            "internet_service": internet,
            "region": rng.choice(REGIONS, n_rows),
        }
    )
    frame[TARGET] = (rng.random(n_rows) < _churn_probability(frame)).astype(int)
    return frame


def _churn_probability(frame: pd.DataFrame) -> np.ndarray:
    """The true (hidden) relation the model has to learn."""
    logit = (
        -1.2
        + 1.3 * (frame["contract"] == "month-to-month")
        - 0.8 * (frame["contract"] == "two-year")
        - 0.04 * frame["tenure_months"]
        + 0.025 * (frame["monthly_charges"] - 65)
        + 0.35 * frame["support_calls"]
        + 0.5 * (frame["payment_method"] == "electronic-check")
        + 0.3 * frame["senior"]
        + 0.3 * (frame["internet_service"] == "fiber")
    )
    return 1 / (1 + np.exp(-logit.to_numpy(dtype=float)))


# --8<-- [end:generate]


def data_hash(frame: pd.DataFrame) -> str:
    """Return a SHA-256 of a frame's columns, types and values, in row order.

    Two frames with the same content have the same hash on any machine, so the hash
    names a data version: log it with every training run.
    """
    digest = hashlib.sha256()
    digest.update(repr([(c, str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


DTYPES = {ID: str, "contract": str, "payment_method": str, "internet_service": str}
DTYPES |= {"region": str, "senior": bool}


def save_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a frame as CSV, creating parent folders."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def load_csv(path: str | Path, *, with_target: bool = True) -> pd.DataFrame:
    """Read a CSV of customers and check it against the contract.

    Raises:
        DataContractError: If the file's data breaks the contract.
    """
    try:
        frame = pd.read_csv(path, dtype=DTYPES)
    except ValueError as error:  # a value pandas cannot read as its column's type
        raise _unreadable(path, error) from None
    return validate(frame, with_target=with_target)


def _unreadable(path: str | Path, error: ValueError) -> Exception:
    """Name the column pandas could not read; it gives only the column's position."""
    found = re.search(r"in column (\d+)", str(error))
    if found is None:
        return error
    name = str(pd.read_csv(path, nrows=0).columns[int(found[1])])
    expected = DTYPES.get(name, object).__name__
    return DataContractError([(name, f"cannot be read as {expected}", None, 1)])
