"""Compare a window of served traffic with the training data: drift and data quality.

Two numbers answer two questions. The Population Stability Index (PSI) says how
much a feature's distribution moved (an effect size); a statistical test says
whether the move is more than sampling noise. Each alone is a trap. PSI on small
windows: two samples from the same population differ by chance, and PSI counts that
chance as shift (`false_alarm_rates` measures how often). The test on large windows:
it calls a shift too small to matter significant. A drift verdict needs both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.pipeline import Pipeline

from churn.data import TARGET, DataContractError, validate
from churn.features import FEATURES, NUMERIC_FEATURES

# The smallest PSI a drift verdict acts on: the lower edge of the "moderate" band.
# Below it a shift is too small to matter, however sure a test on a big window is.
MIN_PSI = 0.1
# Floor for the share of an empty bin: ln(0) would make PSI infinite, so a category
# or bin that one sample lacks counts as 0.01 % of it. The floor is small enough
# that such a bin still adds a large term, so a new category shows up in PSI.
EPSILON = 1e-4
NUMERIC, CATEGORICAL = "numeric", "categorical"
PREDICTION = "churn_probability"


def _sample(values: Iterable[float], name: str) -> np.ndarray:
    """Numbers as a float array, refusing what PSI cannot bin: nothing, or NaN."""
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        raise ValueError(f"{name} is empty: PSI needs at least one value")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains NaN: drop missing values first")
    return array


# --8<-- [start:psi]
def _psi_from_counts(reference: np.ndarray, current: np.ndarray) -> float:
    """PSI = sum((current share - reference share) * ln(current / reference))."""
    expected = np.clip(reference / reference.sum(), EPSILON, None)
    actual = np.clip(current / current.sum(), EPSILON, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def psi(reference: Iterable[float], current: Iterable[float], bins: int = 10) -> float:
    """Population Stability Index of a numeric feature, on the reference's quantiles.

    Bin edges are quantiles of the reference, so each bin holds about the same share
    of training rows and no bin is nearly empty by construction. The outer bins are
    open, so current values beyond the training range still land in a bin. Repeated
    edges (integer features such as support calls) are merged, leaving fewer bins.

    Args:
        reference: The feature's values in the training data.
        current: Its values in the window being checked.
        bins: How many quantile bins, at least 2.

    Returns:
        PSI, 0 for identical distributions, growing with the shift.

    Raises:
        ValueError: If a sample is empty or holds NaN, or bins is below 2.
    """
    if bins < 2:
        raise ValueError(f"bins must be at least 2, got {bins}")
    ref, cur = _sample(reference, "reference"), _sample(current, "current")
    inner = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    count = len(inner) + 1  # right-closed bins: (-inf, e1], (e1, e2], ..., (ek, inf)
    return _psi_from_counts(
        np.bincount(np.searchsorted(inner, ref), minlength=count),
        np.bincount(np.searchsorted(inner, cur), minlength=count),
    )


# --8<-- [end:psi]


def _category_counts(
    reference: Iterable[object], current: Iterable[object]
) -> tuple[np.ndarray, np.ndarray]:
    """Counts per category over the union of both samples' categories."""
    counts = []
    for name, sample in (("reference", reference), ("current", current)):
        # A Series is counted as it is: a Python loop over a week of rows took
        # seconds a column (two million rows, 25 s for the report).
        series = sample if isinstance(sample, pd.Series) else pd.Series(list(sample))
        if series.empty:
            raise ValueError(f"{name} is empty: PSI needs at least one value")
        counts.append(series.value_counts())
    categories = sorted(set(counts[0].index) | set(counts[1].index), key=str)
    ref, cur = (c.reindex(categories, fill_value=0).to_numpy() for c in counts)
    return ref, cur


def categorical_psi(reference: Iterable[object], current: Iterable[object]) -> float:
    """Population Stability Index of a categorical feature, by category share.

    A category seen in only one sample (a new payment method, say) gets the
    ``EPSILON`` share in the other, so it raises PSI instead of being ignored.

    Raises:
        ValueError: If a sample is empty.
    """
    return _psi_from_counts(*_category_counts(reference, current))


def psi_band(value: float) -> str:
    """Name the conventional PSI band, from credit-scoring practice.

    Below 0.1 is "no significant shift", 0.1 to 0.25 (both included) "moderate",
    above 0.25 "major". The bands describe the size of a shift; they say nothing
    about whether a sample of this size could show it by chance.

    Example:
        ```python
        from churn.monitor import psi_band

        print(psi_band(0.04), "|", psi_band(0.25), "|", psi_band(0.4))
        #> no significant shift | moderate | major
        ```
    """
    if value < MIN_PSI:
        return "no significant shift"
    return "moderate" if value <= 0.25 else "major"


# --8<-- [start:tests]
def ks_test(reference: Iterable[float], current: Iterable[float]) -> float:
    """P-value of the two-sample Kolmogorov-Smirnov test for a numeric feature.

    The test accounts for sample size, so unchanged data is flagged at about the
    significance level whatever the window's size. With ties (integer features) it
    is conservative: it flags unchanged data less often, never more.
    """
    ref, cur = _sample(reference, "reference"), _sample(current, "current")
    return float(stats.ks_2samp(ref, cur).pvalue)


def chi2_test(reference: Iterable[object], current: Iterable[object]) -> float:
    """P-value of the chi-square test of homogeneity for a categorical feature.

    The two samples are the rows of a contingency table of category counts; the
    test asks whether both could come from one set of category shares.
    """
    table = np.vstack(_category_counts(reference, current))
    return float(stats.chi2_contingency(table).pvalue)


# --8<-- [end:tests]


@dataclass(frozen=True)
class FeatureDrift:
    """One feature's (or the predictions') shift, its size and its significance.

    ``drifted`` needs both: ``significant`` (the test's p-value under the report's
    threshold: more than chance) and a PSI of at least the report's floor (big
    enough to act on).
    """

    feature: str
    kind: str
    psi: float
    band: str
    test: str
    p_value: float
    significant: bool
    drifted: bool


def _compare(
    name: str,
    kind: str,
    samples: tuple[pd.Series | np.ndarray, pd.Series | np.ndarray],
    bins: int,
    rule: tuple[float, float],
) -> FeatureDrift:
    """PSI and the test that suits the kind, judged by ``rule``: (threshold, floor)."""
    threshold, min_psi = rule
    if kind == NUMERIC:
        value, test, p_value = psi(*samples, bins=bins), "KS", ks_test(*samples)
    else:
        value, test = categorical_psi(*samples), "chi-square"
        p_value = chi2_test(*samples)
    significant = p_value < threshold
    return FeatureDrift(
        feature=name,
        kind=kind,
        psi=value,
        band=psi_band(value),
        test=test,
        p_value=p_value,
        significant=significant,
        drifted=significant and value >= min_psi,
    )


def _values(column: pd.Series, kind: str) -> pd.Series:
    """A column's values as numbers (those that parse) or as category text."""
    if kind == NUMERIC:
        return pd.to_numeric(column, errors="coerce").dropna()
    return column.dropna().astype(str)


def _samples(
    reference: pd.DataFrame, current: pd.DataFrame, feature: str, kind: str
) -> tuple[pd.Series, pd.Series]:
    """A feature's usable values in both frames, for PSI and the test.

    Values that break the contract in ways drift cannot measure (a missing value,
    text in a number column, a category training never had) are left out: data
    quality reports them. Counted here too, one bad row would flag a feature as
    drifted, since a chi-square test is unreliable for a category with a handful
    of rows.
    """
    ref = _values(reference[feature], kind)
    cur = _values(current.get(feature, pd.Series(dtype=object)), kind)
    if kind == CATEGORICAL:
        cur = cur[cur.isin(set(ref))]
    return ref, cur


# --8<-- [start:quality]
def quality_failures(frame: pd.DataFrame) -> tuple[tuple[str, str, object, int], ...]:
    """Run the data contract on a window and return its failures instead of raising.

    A window that carries labels (ground truth joined back later) is checked against
    the training contract, one without against the scoring contract.

    Returns:
        One ``(column, rule, example value, rows failing)`` per problem; empty when
        every row meets the contract.
    """
    try:
        validate(frame, with_target=TARGET in frame.columns)
    except DataContractError as error:
        return tuple(error.failures)
    return ()


# --8<-- [end:quality]


@dataclass(frozen=True)
class DriftReport:
    """Drift per feature and of the predictions, and data quality, for one window.

    ``drifted`` is decided by a statistical test (KS for numbers, chi-square for
    categories), not by a fixed PSI threshold. Under no change at all, PSI is about
    ``(bins - 1) * (1/n_reference + 1/n_current)``: with 100 rows on each side and
    10 bins that is 0.18, so "PSI > 0.1" alarms on most small windows of unchanged
    data, while the same threshold on large windows is a different, stricter rule.
    A test's false-alarm rate is its significance level at every sample size. The
    reverse risk is a test flagging a tiny shift in a huge window: on two million
    rows a shift of PSI 0.005 has p far below any threshold. So a feature drifts
    only when both hold: the test says the shift is more than chance, and PSI says
    it is big enough to act on (at least ``min_psi``).

    Attributes:
        features: One entry per feature compared, in `churn.features.FEATURES` order.
        prediction: Drift of the predicted churn probability, or None (see
            ``prediction_note``).
        prediction_note: Why predictions were not compared, or "".
        skipped: Features without a usable value in the window, so not compared.
        quality: Data-contract failures in the window: (column, rule, example, rows).
        alpha: Family-wise significance level for the whole report.
        threshold: The p-value below which one test flags drift: alpha divided by
            the number of tests (Bonferroni), so that a report on unchanged data
            raises any alarm with probability of at most alpha, not alpha per test.
        min_psi: The effect-size floor: a significant shift with a smaller PSI is
            reported, and does not count as drift.
        reference_rows: Rows in the reference (training) data.
        current_rows: Rows in the window.
    """

    features: tuple[FeatureDrift, ...]
    prediction: FeatureDrift | None
    prediction_note: str
    skipped: tuple[str, ...]
    quality: tuple[tuple[str, str, object, int], ...]
    alpha: float
    threshold: float
    min_psi: float
    reference_rows: int
    current_rows: int

    @property
    def drifted(self) -> bool:
        """Whether any feature, or the predictions, drifted: significant and big."""
        compared = [*self.features, *([self.prediction] if self.prediction else [])]
        return any(item.drifted for item in compared)

    @property
    def failures_per_column(self) -> dict[str, int]:
        """Failing rows per column, summed over the contract's rules."""
        counts: dict[str, int] = {}
        for column, _rule, _example, rows in self.quality:
            counts[column] = counts.get(column, 0) + rows
        return counts

    def to_markdown(self) -> str:
        """Render the report as Markdown: summary, drift tables, data quality."""
        lines = ["# Drift report", "", self._summary(), "", "## Features", ""]
        lines += _table(self.features)
        if self.skipped:
            skipped = ", ".join(self.skipped)
            lines += ["", f"Not compared, no usable values in the window: {skipped}."]
        lines += ["", "## Predictions", ""]
        if self.prediction:
            lines += _table([self.prediction])
        else:
            lines.append(f"Not compared: {self.prediction_note}.")
        lines += ["", "## Data quality", ""]
        lines += _quality_lines(self.quality, self.current_rows)
        return "\n".join(lines) + "\n"

    def _summary(self) -> str:
        """One line: the verdict, the sizes and the rule that decided it."""
        flagged = sum(item.drifted for item in self.features)
        verdict = "**Drift detected**" if self.drifted else "**No drift detected**"
        if self.quality:  # drift measured on data that breaks the contract misleads
            verdict = (
                f"**Data contract broken** ({len(self.quality)} failure(s), see Data"
                f" quality below), so the drift figures are not to be trusted."
                f" {verdict}"
            )
        return (
            f"{verdict}: {flagged} of {len(self.features)} features drifted."
            f" {self.current_rows:,} rows compared with {self.reference_rows:,}"
            f" reference rows; a feature drifts when its test gives"
            f" p < {self.threshold:.2g} (alpha {self.alpha} over all tests,"
            f" Bonferroni) and its PSI is at least {self.min_psi:g}."
            f" Data-contract failures: {len(self.quality)}."
        )


_HEADER = [
    "| Feature | Kind | PSI | PSI band | Test | p-value | Significant | Drifted |",
    "| --- | --- | ---: | --- | --- | ---: | --- | --- |",
]


def _table(rows: Iterable[FeatureDrift]) -> list[str]:
    """A Markdown table with one row per compared feature."""
    return _HEADER + [
        f"| {row.feature} | {row.kind} | {row.psi:.3f} | {row.band} | {row.test}"
        f" | {row.p_value:.3g} | {'yes' if row.significant else 'no'}"
        f" | {'**yes**' if row.drifted else 'no'} |"
        for row in rows
    ]


def _cell(value: object) -> str:
    """Text for a table cell; bad data can contain the pipe that ends a cell."""
    return "" if value is None else str(value).replace("|", r"\|")


def _quality_lines(
    quality: tuple[tuple[str, str, object, int], ...], rows: int
) -> list[str]:
    """A table of contract failures, or one line saying there were none."""
    if not quality:
        return [f"All {rows:,} rows meet the data contract."]
    return [
        "| Column | Rule | Failing rows | Example |",
        "| --- | --- | ---: | --- |",
        *(
            f"| {column} | {_cell(rule)} | {count:,} | {_cell(example)} |"
            for column, rule, example, count in quality
        ),
    ]


def _prediction_drift(
    model: Pipeline | None,
    frames: tuple[pd.DataFrame, pd.DataFrame],
    quality: tuple[tuple[str, str, object, int], ...],
    bins: int,
    rule: tuple[float, float],
) -> tuple[FeatureDrift | None, str]:
    """Compare predicted probabilities, or say why they cannot be compared.

    A window that breaks the contract is not scored: the service refuses such rows,
    so their scores are a distribution production never produced.
    """
    if model is None:
        return None, "no model was given"
    if quality:
        return None, "the window breaks the data contract (see Data quality)"
    scores = tuple(model.predict_proba(frame[FEATURES])[:, 1] for frame in frames)
    return _compare(PREDICTION, NUMERIC, scores, bins, rule), ""


# --8<-- [start:report]
def drift_report(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    model: Pipeline | None = None,
    *,
    alpha: float = 0.01,
    bins: int = 10,
    min_psi: float = MIN_PSI,
) -> DriftReport:
    """Compare a window of traffic with the reference data, feature by feature.

    Args:
        reference: The training data (the label, if present, is ignored).
        current: The window to check: IDs and features, with or without labels.
        model: The served model; if given, its predictions are compared too.
        alpha: Chance of any false alarm in the whole report on unchanged data;
            each test uses ``alpha / number of tests``. 0.01 keeps a daily check
            to about one false alarm in a hundred days.
        bins: Quantile bins for numeric PSI.
        min_psi: The smallest PSI that counts as drift, whatever the p-value: a
            huge window makes a test significant for shifts too small to matter.

    Returns:
        The report; ``report.drifted`` is the verdict, ``report.to_markdown()``
        the page to file or post.

    Raises:
        ValueError: If either frame has no rows, alpha is outside (0, 1), bins
            is below 2 or min_psi is negative.
    """
    for name, frame in (("reference", reference), ("current", current)):
        if frame.empty:
            raise ValueError(f"the {name} frame is empty: nothing to compare")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if min_psi < 0:
        raise ValueError(f"min_psi must be 0 or more, got {min_psi}")
    quality = quality_failures(current)
    kinds = {f: NUMERIC if f in NUMERIC_FEATURES else CATEGORICAL for f in FEATURES}
    samples = {f: _samples(reference, current, f, kind) for f, kind in kinds.items()}
    usable = {f: pair for f, pair in samples.items() if not pair[1].empty}
    scored = model is not None and not quality
    threshold = alpha / max(len(usable) + scored, 1)
    rule = (threshold, min_psi)
    features = tuple(
        _compare(f, kinds[f], pair, bins, rule) for f, pair in usable.items()
    )
    prediction, note = _prediction_drift(
        model, (reference, current), quality, bins, rule
    )
    return DriftReport(
        features=features,
        prediction=prediction,
        prediction_note=note,
        skipped=tuple(f for f in FEATURES if f not in usable),
        quality=quality,
        alpha=alpha,
        threshold=threshold,
        min_psi=min_psi,
        reference_rows=len(reference),
        current_rows=len(current),
    )


# --8<-- [end:report]


@dataclass(frozen=True)
class FalseAlarmRates:
    """How often each rule alarms on two samples of one and the same population."""

    sample_size: int
    psi: float
    ks: float


# --8<-- [start:false-alarms]
def false_alarm_rates(
    sample_size: int,
    *,
    threshold: float = 0.1,
    alpha: float = 0.01,
    trials: int = 200,
    seed: int = 0,
    bins: int = 10,
) -> FalseAlarmRates:
    """Measure how often "PSI > threshold" and the KS test alarm when nothing changed.

    Each trial draws two samples of ``sample_size`` from the same normal
    distribution: any alarm is a false alarm. PSI's rate depends on the sample
    size (high at 100 rows, near zero at 10,000) because chance differences
    between small samples look like shift; the KS test's stays near ``alpha`` at
    every size, because the test accounts for sample size.

    Args:
        sample_size: Rows in each of the two samples.
        threshold: The PSI above which a rule would alarm.
        alpha: The KS test's significance level.
        trials: How many pairs of samples to draw.
        seed: Seed of the random generator, for the same rates on every run.
        bins: Quantile bins for PSI.

    Returns:
        The share of trials in which each rule alarmed.

    Raises:
        ValueError: If sample_size or trials is below 1.
    """
    if sample_size < 1 or trials < 1:
        raise ValueError(
            f"sample_size and trials must be at least 1, got {sample_size}, {trials}"
        )
    rng = np.random.default_rng(seed)
    psi_alarms = ks_alarms = 0
    for _ in range(trials):
        reference, current = rng.normal(size=(2, sample_size))
        psi_alarms += psi(reference, current, bins) > threshold
        ks_alarms += ks_test(reference, current) < alpha
    return FalseAlarmRates(sample_size, psi_alarms / trials, ks_alarms / trials)


# --8<-- [end:false-alarms]
