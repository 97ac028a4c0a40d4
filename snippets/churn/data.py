"""Customer data: generated deterministically, checked against a contract, hashed.

The data is synthetic so that every reader gets the same rows from the same seed,
offline, and so that ``drift`` can shift it on purpose for monitoring to detect.
"""

from __future__ import annotations

import datetime as dt
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
    OBSERVED,
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
# Training needs the day each row was observed, to split by time. Scoring does not
# use it, so a file to score may carry it as read, a date or a string.
OBSERVED_COLUMN = pa.Column(pa.DateTime)

TRAINING_SCHEMA = pa.DataFrameSchema(
    {
        ID: ID_COLUMN,
        OBSERVED: OBSERVED_COLUMN,
        **FEATURE_COLUMNS,
        TARGET: TARGET_COLUMN,
    },
    strict=True,
)
SCORING_SCHEMA = pa.DataFrameSchema(
    {
        ID: ID_COLUMN,
        OBSERVED: pa.Column(required=False),
        **FEATURE_COLUMNS,
    },
    strict=True,
)


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
CHANGE_STARTS = "2025-01-01"
"""The world the data comes from changes over the year from this day (see below)."""
CHANGE_DAYS = 365


def generate(
    n_rows: int = 20_000,
    seed: int = 7,
    drift: float = 0.0,
    first_id: int = 1,
    start: str = CHANGE_STARTS,
    days: int = 365,
) -> pd.DataFrame:
    """Generate customers and whether they churned, the same rows for the same seed.

    Each customer is observed on one day between ``start`` and ``days`` later, and
    IDs follow that order. Over the year from `CHANGE_STARTS`, what makes customers
    leave changes: a loyalty offer keeps month-to-month customers, fiber customers
    leave more, and more of the reasons are ones the data does not record. A model
    that is scored on rows from the months it learned from looks better than it is.

    Args:
        n_rows: How many customers.
        seed: Seed of the random generator; the only source of randomness.
        drift: 0 for the training population; up to 1 shifts it: more
            month-to-month contracts, shorter tenure, higher charges, more support
            calls. Monitoring should flag drift of 0.3 and above.
        first_id: The number of the first customer, so that batches generated
            one after another (a day at a time, say) never share an ID.
        start: The first day customers are observed, ``YYYY-MM-DD``.
        days: Over how many days from ``start`` they are observed.

    Returns:
        A frame that meets the training contract, in the order observed.

    Raises:
        ValueError: If n_rows or days is below 1, drift is outside [0, 1], start
            is not a date or the IDs would not fit in seven digits.

    Example:
        ```python
        from churn.data import generate

        rows = generate(n_rows=1_000, seed=7)
        shifted = generate(n_rows=1_000, seed=7, drift=0.5)
        print(rows.shape, round(rows["tenure_months"].mean()))
        #> (1000, 11) 26
        print(round(shifted["tenure_months"].mean()))
        #> 19
        print(rows["observed_on"].min().date(), rows["observed_on"].max().date())
        #> 2025-01-01 2025-12-31
        ```
    """
    if n_rows < 1:
        raise ValueError(f"n_rows must be at least 1, got {n_rows}")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    if not 0.0 <= drift <= 1.0:
        raise ValueError(f"drift must be in [0, 1], got {drift}")
    if not 1 <= first_id <= 10_000_000 - n_rows:
        raise ValueError(f"IDs from {first_id} do not fit C0000001..C9999999")
    first_day = pd.Timestamp(dt.date.fromisoformat(start))  # ValueError if not a date
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
    # A second stream for the time axis leaves every draw above as it was.
    timeline = np.random.default_rng((seed, 1))
    offsets = np.sort(timeline.integers(0, days, n_rows))
    frame = pd.DataFrame(
        {
            ID: [f"C{i:07d}" for i in range(first_id, first_id + n_rows)],
            OBSERVED: (first_day + pd.to_timedelta(offsets, "D")).astype(
                "datetime64[s]"
            ),
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
    unrecorded = timeline.normal(0.0, 1.0, n_rows)
    probability = _churn_probability(frame, unrecorded)
    frame[TARGET] = (rng.random(n_rows) < probability).astype(int)
    return frame


def _churn_probability(frame: pd.DataFrame, unrecorded: np.ndarray) -> np.ndarray:
    """The true (hidden) relation the model has to learn, as it stands on each day."""
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
    ).to_numpy(dtype=float)
    elapsed = (frame[OBSERVED] - pd.Timestamp(CHANGE_STARTS)).dt.days.to_numpy()
    change = np.clip(elapsed / CHANGE_DAYS, 0.0, 1.0)  # 0 before, 1 a year after
    logit = logit + change * (
        -0.8 * (frame["contract"] == "month-to-month").to_numpy()
        + 0.4 * (frame["internet_service"] == "fiber").to_numpy()
        + 0.5 * unrecorded
    )
    return 1 / (1 + np.exp(-logit))


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


def read_rows(path: str | Path) -> pd.DataFrame:
    """Read a CSV of customers with the contract's types, not yet checked against it.

    Raises:
        DataContractError: If a column cannot be read as its type, or a day is
            not ``YYYY-MM-DD``.
    """
    try:
        frame = pd.read_csv(path, dtype=DTYPES)
    except ValueError as error:  # a value pandas cannot read as its column's type
        raise _unreadable(path, error) from None
    if OBSERVED in frame.columns:
        frame[OBSERVED] = _read_days(frame[OBSERVED])
    return frame


def load_csv(path: str | Path, *, with_target: bool = True) -> pd.DataFrame:
    """Read a CSV of customers and check it against the contract.

    Raises:
        DataContractError: If the file's data breaks the contract.
    """
    return validate(read_rows(path), with_target=with_target)


def _read_days(column: pd.Series) -> pd.Series:
    """Read ``YYYY-MM-DD`` days, naming the first value that is not one."""
    days = pd.to_datetime(column, format="%Y-%m-%d", errors="coerce")
    bad = days.isna() & column.notna()
    if bad.any():
        example = column[bad].iloc[0]
        rule = "date_format(%Y-%m-%d)"
        raise DataContractError([(OBSERVED, rule, example, int(bad.sum()))])
    return days.astype("datetime64[s]")


def _unreadable(path: str | Path, error: ValueError) -> Exception:
    """Name the column pandas could not read; it gives only the column's position."""
    found = re.search(r"in column (\d+)", str(error))
    if found is None:
        return error
    name = str(pd.read_csv(path, nrows=0).columns[int(found[1])])
    expected = DTYPES.get(name, object).__name__
    return DataContractError([(name, f"cannot be read as {expected}", None, 1)])
