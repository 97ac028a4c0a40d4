"""Score an ML system's production readiness with the ML Test Score.

The ML Test Score (Breck, Cai, Nielsen, Salib and Sculley, IEEE Big Data 2017) has
28 tests, seven in each of four sections. This module holds them as data, with the
chapter of this guide that covers each one, and scores a filled-in checklist by the
paper's 2017 rules: half a point for a test done by hand with its result documented
and shared, a full point for a test automated and run repeatedly, a sum for each
section, and the minimum of the four sums as the final score.

A checklist is YAML: for each section, each test ID maps to ``automated``,
``manual`` or ``no``, or to a mapping with a ``status`` and a ``note``:

```yaml
data:
  data-1: automated
  data-2: {status: manual, note: leave-one-out run documented in the wiki}
  ...
```

Run it with ``python -m production.readiness CHECKLIST.yaml``.
"""

from __future__ import annotations

# --8<-- [start:imports]
import argparse
import math
import posixpath
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

# --8<-- [end:imports]

# --8<-- [start:rubric]
SECTIONS = {
    "data": "Data",
    "model": "Model",
    "infra": "ML infrastructure",
    "monitor": "Monitoring",
}
TESTS_PER_SECTION = 7


@dataclass(frozen=True)
class Link:
    """A place to read about a test: a page of this guide or an outside source.

    Attributes:
        text: The link text.
        target: A page under ``docs/`` with an optional ``#anchor``
            (``capstone/tests.md#the-end-to-end-story``) or an ``https://`` URL.
    """

    text: str
    target: str

    @property
    def external(self) -> bool:
        """True for an outside source, False for a page of this guide."""
        return self.target.startswith("https://")


@dataclass(frozen=True)
class Item:
    """One of the 28 tests of the rubric.

    Attributes:
        id: ``data-1`` to ``monitor-7``: the section and the paper's number.
        title: What the test asserts, in the paper's words (some shortened).
        links: Where this guide covers it; outside sources where it does not.
        gap: What this guide does not cover, or "" if it covers the test.
    """

    id: str
    title: str
    links: tuple[Link, ...]
    gap: str = ""

    @property
    def section(self) -> str:
        """The section key, e.g. ``data``."""
        return self.id.split("-")[0]


# --8<-- [end:rubric]

# Pages of this guide, by path under docs/.
CONTRACT = Link(
    "Capstone: a data contract", "capstone/package.md#a-data-contract-instead-of-hope"
)
ONE_PIPELINE = Link(
    "Capstone: one pipeline",
    "capstone/package.md#one-pipeline-from-features-to-classifier",
)
GATE = Link(
    "Capstone: the gate",
    "capstone/package.md#the-gate-promotion-by-rule-not-by-enthusiasm",
)
TEST_KINDS = Link(
    "Testing: what the tests prove",
    "production/testing.md#what-the-reference-systems-tests-prove",
)
BEHAVIOUR = Link(
    "Capstone: behaviour checks", "capstone/tests.md#model-behaviour-checked-by-hand"
)
END_TO_END = Link("Capstone: end-to-end test", "capstone/tests.md#the-end-to-end-story")
REPRODUCIBLE = Link(
    "Capstone: reproducibility test", "capstone/tests.md#reproducibility-as-a-test"
)
REGISTRY_PIPELINE = Link(
    "Capstone: the pipeline and the gate",
    "capstone/registry.md#the-pipeline-that-feeds-it",
)
ROLLBACK = Link(
    "Capstone: promotion and rollback",
    "capstone/registry.md#aliases-promotion-and-rollback-in-one-call",
)
SCHEMA = Link(
    "Capstone: request schema",
    "capstone/service.md#a-schema-that-mirrors-the-data-contract",
)
BENCH = Link("Capstone: how fast is it", "capstone/service.md#how-fast-is-it")
ROLLOUT = Link(
    "Capstone: rollouts", "capstone/kubernetes.md#rollouts-that-never-lower-capacity"
)
ML_PIPELINE = Link("Capstone: the ML pipeline", "capstone/ship.md#the-ml-pipeline")
FOUR_LAYERS = Link(
    "Capstone: what monitoring watches",
    "capstone/monitor.md#what-the-reference-system-watches",
)
DRIFT_REPORT = Link(
    "Capstone: the drift report", "capstone/monitor.md#the-drift-report"
)
STALENESS_EXERCISE = Link(
    "Capstone: monitoring exercise", "capstone/monitor.md#exercise"
)
ODD_INPUTS = Link(
    "Capstone: inputs nobody thought of", "capstone/tests.md#inputs-nobody-thought-of"
)
REPRODUCIBILITY = Link("Reproducibility", "production/reproducibility.md")
VERSIONING = Link("Model versioning", "production/model-versioning.md")
STALE_ALERT = Link("Monitoring: exercise", "production/monitoring.md#exercise")
DATA_QUALITY = Link(
    "Monitoring: data quality", "production/monitoring.md#layer-2-data-quality"
)
PERFORMANCE_DRIFT = Link(
    "Drift and skew: performance drift",
    "production/drift.md#performance-drift-when-labels-arrive-late",
)
SKEW = Link(
    "Drift and skew: skew on the same records",
    "production/drift.md#training-serving-skew-on-the-same-records",
)
ALERTS = Link("Monitoring: alerts", "production/monitoring.md#alerts-with-prometheus")
STABILITY = Link("Stability of performance", "production/stability.md")
CANARY = Link(
    "Releases: canary and shadow",
    "production/safe-releases.md#canary-and-shadow-releases",
)
REGRESSION = Link(
    "Stability: regression checks",
    "production/stability.md#performance-regression-checks-between-model-versions",
)
LATENCY = Link("Why averages lie", "production/latency-percentiles.ipynb")
TESTING = Link("Testing ML systems", "production/testing.md")
DEBT_TABLE = Link("Technical debt", "production/technical-debt.md#the-categories")
UNDERUSED = Link(
    "Technical debt: an underutilised feature",
    "production/technical-debt.md#an-underutilised-feature-measured",
)
PINNED = Link(
    "Technical debt: a pinned data dependency",
    "production/technical-debt.md#an-unstable-data-dependency-pinned",
)
SYSTEM_DESIGN = Link("System design", "skills/system-design.md")
CI_CD = Link("CI/CD", "skills/ci-cd.md")

# Outside sources, for what this guide does not cover.
PAPER = Link("Breck et al. 2017", "https://research.google/pubs/pub46555/")
NIST_PRIVACY = Link("NIST Privacy Framework", "https://www.nist.gov/privacy-framework")
SKLEARN_TUNING = Link(
    "scikit-learn: tuning hyperparameters",
    "https://scikit-learn.org/stable/modules/grid_search.html",
)
RULES_OF_ML = Link(
    "Zinkevich, Rules of ML",
    "https://developers.google.com/machine-learning/guides/rules-of-ml",
)
FAIRLEARN = Link("Fairlearn user guide", "https://fairlearn.org/main/user_guide/")
SKLEARN_PIPELINE = Link(
    "scikit-learn: pipelines", "https://scikit-learn.org/stable/modules/compose.html"
)

# --8<-- [start:items]
RUBRIC: tuple[Item, ...] = (
    Item(
        "data-1", "Feature expectations are captured in a schema", (CONTRACT, TESTING)
    ),
    Item("data-2", "All features are beneficial", (UNDERUSED, DEBT_TABLE)),
    Item(
        "data-3",
        "No feature's cost is too much",
        (SYSTEM_DESIGN, BENCH, PAPER),
        gap="the cost of each feature (latency, memory, upkeep) is not measured",
    ),
    Item("data-4", "Features adhere to meta-level requirements", (BEHAVIOUR, TESTING)),
    Item(
        "data-5",
        "The data pipeline has appropriate privacy controls",
        (NIST_PRIVACY, PAPER),
        gap="the guide's data is synthetic; access control, retention and"
        " anonymisation are not covered",
    ),
    Item(
        "data-6",
        "New features can be added quickly",
        (ONE_PIPELINE, DEBT_TABLE, PAPER),
        gap="the time it takes to add a feature is not measured",
    ),
    Item("data-7", "All input feature code is tested", (TESTING, TEST_KINDS)),
    Item("model-1", "Model specs are reviewed and submitted", (REPRODUCIBILITY, CI_CD)),
    Item(
        "model-2",
        "Offline and online metrics correlate",
        (PERFORMANCE_DRIFT, CANARY, PAPER),
        gap="the offline metric is not correlated with a business metric",
    ),
    Item(
        "model-3",
        "All hyperparameters have been tuned",
        (SKLEARN_TUNING,),
        gap="hyperparameters are set in configuration, not tuned",
    ),
    Item(
        "model-4",
        "The impact of model staleness is known",
        (PERFORMANCE_DRIFT, STALENESS_EXERCISE),
    ),
    Item(
        "model-5",
        "A simpler model is not better",
        (RULES_OF_ML,),
        gap="the model is not compared with a simpler baseline",
    ),
    Item(
        "model-6",
        "Model quality is sufficient on important data slices",
        (GATE, BEHAVIOUR),
    ),
    Item(
        "model-7",
        "The model is tested for considerations of inclusion",
        (FAIRLEARN,),
        gap="fairness across groups of people is not tested",
    ),
    Item("infra-1", "Training is reproducible", (REPRODUCIBILITY, REPRODUCIBLE)),
    Item("infra-2", "Model specs are unit tested", (TESTING, TEST_KINDS)),
    Item(
        "infra-3",
        "The ML pipeline is integration tested",
        (END_TO_END, ML_PIPELINE, CI_CD),
    ),
    Item(
        "infra-4",
        "Model quality is validated before serving",
        (REGISTRY_PIPELINE, CI_CD),
    ),
    Item(
        "infra-5",
        "The model is debuggable on a single example",
        (VERSIONING, SKLEARN_PIPELINE),
        gap="no tool steps through the computation for one example",
    ),
    Item("infra-6", "Models are canaried before serving", (CANARY, ROLLOUT)),
    Item("infra-7", "Serving models can be rolled back", (VERSIONING, ROLLBACK)),
    Item(
        "monitor-1",
        "Dependency changes result in notification",
        (REPRODUCIBILITY, PINNED),
    ),
    Item(
        "monitor-2",
        "Data invariants hold for training and serving inputs",
        (DATA_QUALITY, SCHEMA, FOUR_LAYERS),
    ),
    Item(
        "monitor-3",
        "Training and serving features compute the same values",
        (SKEW, ONE_PIPELINE),
    ),
    Item(
        "monitor-4",
        "Models are not too stale",
        (STALE_ALERT, VERSIONING),
        gap="an alert on the serving model's age is an exercise, not built",
    ),
    Item(
        "monitor-5",
        "The model is numerically stable",
        (ODD_INPUTS, PAPER),
        gap="NaN and infinite values are refused at the door but not watched for"
        " in training or in predictions",
    ),
    Item(
        "monitor-6",
        "No regression in training speed, serving latency, throughput or RAM",
        (REGRESSION, ALERTS, LATENCY, BENCH),
    ),
    Item(
        "monitor-7",
        "Prediction quality has not regressed on served data",
        (PERFORMANCE_DRIFT, ALERTS, DRIFT_REPORT),
    ),
)
# --8<-- [end:items]
ITEMS = {item.id: item for item in RUBRIC}


# --8<-- [start:score]
POINTS = {"automated": 1.0, "manual": 0.5, "no": 0.0}


@dataclass(frozen=True)
class Answer:
    """A team's answer for one test: how it is done, and a note saying where.

    Attributes:
        item: The test.
        status: ``automated`` (run repeatedly by a test or a job), ``manual``
            (done by hand, the result documented and shared) or ``no``.
        note: Evidence: which test, job or document does it.
    """

    item: Item
    status: str
    note: str = ""

    @property
    def points(self) -> float:
        """1 for automated, 0.5 for manual, 0 for no (the 2017 scoring)."""
        return POINTS[self.status]


@dataclass(frozen=True)
class SectionScore:
    """How one section of a checklist scores."""

    section: str
    automated: int
    manual: int
    not_done: int

    @property
    def points(self) -> float:
        """The section's sum: between 0 and 7."""
        return self.automated + 0.5 * self.manual


@dataclass(frozen=True)
class Band:
    """What a final score means, per the 2017 paper.

    Attributes:
        upper: The highest score in the band (included); the band starts just
            above the previous band's upper bound.
        name: A short name.
        meaning: What a score in the band says about the system.
    """

    upper: float
    name: str
    meaning: str


BANDS = (
    Band(0.0, "research project", "more a research project than a production system"),
    Band(1.0, "not totally untested", "serious holes in reliability are possible"),
    Band(2.0, "first pass at productionization", "more investment may be needed"),
    Band(3.0, "reasonably tested", "more of the tests could be automated"),
    Band(
        5.0,
        "strong automated testing",
        "strong automated testing and monitoring, fit for mission-critical systems",
    ),
    Band(math.inf, "exceptional", "exceptional automated testing and monitoring"),
)


def band(score: float) -> Band:
    """Name the band a final score falls in: 0, (0, 1], (1, 2], (2, 3], (3, 5], >5.

    Raises:
        ValueError: If the score is below 0 or above 7, which no checklist can give.
    """
    if not 0 <= score <= TESTS_PER_SECTION:
        raise ValueError(f"a score is between 0 and {TESTS_PER_SECTION}, got {score}")
    return next(b for b in BANDS if score <= b.upper)


@dataclass(frozen=True)
class Score:
    """A checklist's result: each section's points, the final score and its band."""

    sections: tuple[SectionScore, ...]

    @property
    def final(self) -> float:
        """The lowest section score: a system is as ready as its weakest part."""
        return min(s.points for s in self.sections)

    @property
    def band(self) -> Band:
        """The band the final score falls in."""
        return band(self.final)

    @property
    def weakest(self) -> tuple[str, ...]:
        """The sections whose points are the final score."""
        return tuple(s.section for s in self.sections if s.points == self.final)


def score(checklist: Mapping[str, Answer]) -> Score:
    """Add up each section and take the minimum, by the 2017 rules.

    Args:
        checklist: One answer per test, as `parse_checklist` returns it.

    Returns:
        The score.
    """
    sections = []
    for section in SECTIONS:
        statuses = [a.status for a in checklist.values() if a.item.section == section]
        sections.append(
            SectionScore(
                section,
                statuses.count("automated"),
                statuses.count("manual"),
                statuses.count("no"),
            )
        )
    return Score(tuple(sections))


# --8<-- [end:score]


class ChecklistError(ValueError):
    """A checklist is not valid. The message names every item that is wrong.

    Attributes:
        problems: One message per problem, each starting with the item it is about.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid checklist: " + "; ".join(self.problems))


# --8<-- [start:validate]
def _answer(item: Item, value: object) -> tuple[Answer | None, list[str]]:
    """Read one test's answer: a status, or a mapping with a status and a note."""
    where = f"{item.section}.{item.id}"
    if not isinstance(value, dict):
        value = {"status": value}
    problems = [
        f"{where}: unknown key {key!r}; an answer has a status and a note"
        for key in value
        if key not in ("status", "note")
    ]
    status, note = value.get("status"), value.get("note", "")
    if "status" not in value:
        problems.append(f"{where}: missing status")
    elif not isinstance(status, str) or status not in POINTS:
        problems.append(f"{where}: status {status!r} is not one of {', '.join(POINTS)}")
    if not isinstance(note, str):
        problems.append(f"{where}: note must be text, got {note!r}")
    return (None if problems else Answer(item, status, note)), problems


def _section(section: str, answers: object) -> tuple[list[Answer], list[str]]:
    """Read one section: every one of its seven tests, and nothing else."""
    if not isinstance(answers, dict):
        return [], [f"{section}: expected a mapping of test IDs, got {answers!r}"]
    expected = [item.id for item in RUBRIC if item.section == section]
    span = f"{expected[0]} to {expected[-1]}"
    problems = [
        f"{section}: unknown test {key!r}; its tests are {span}"
        for key in answers
        if key not in expected
    ]
    missing = [test_id for test_id in expected if test_id not in answers]
    if missing:
        problems.append(f"{section}: missing {', '.join(missing)}")
    parsed = []
    for test_id in expected:
        if test_id in answers:
            answer, found = _answer(ITEMS[test_id], answers[test_id])
            problems += found
            parsed += [answer] if answer else []
    return parsed, problems


def parse_checklist(document: object) -> dict[str, Answer]:
    """Check a loaded checklist and return one answer per test, in rubric order.

    Args:
        document: The checklist, e.g. from ``yaml.safe_load``: a mapping from each
            section to a mapping from each of its test IDs to an answer.

    Returns:
        The answers, keyed by test ID.

    Raises:
        ChecklistError: Naming every unknown or missing section or test and every
            bad value; nothing is ignored or filled in.
    """
    if not isinstance(document, dict):
        raise ChecklistError([f"expected a mapping of sections, got {document!r}"])
    problems = [
        f"unknown section {key!r}; the sections are {', '.join(SECTIONS)}"
        for key in document
        if key not in SECTIONS
    ]
    answers: list[Answer] = []
    for section in SECTIONS:
        if section not in document:
            problems.append(f"missing section {section!r}")
            continue
        parsed, found = _section(section, document[section])
        answers += parsed
        problems += found
    if problems:
        raise ChecklistError(problems)
    return {answer.item.id: answer for answer in answers}


# --8<-- [end:validate]


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans and no duplicate keys.

    YAML 1.1, which PyYAML follows, reads a bare ``no`` as False: the status
    ``no`` would arrive as a boolean. Only true and false are booleans here. And a
    key given twice would silently keep its last value; here it is an error.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        """Build a mapping, refusing a key that appears twice."""
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable: SafeLoader's own check reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"found duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_checklist(text: str) -> dict[str, Answer]:
    """Parse and check a checklist written in YAML.

    Raises:
        ChecklistError: If the text is not YAML, or not a valid checklist.
    """
    try:
        document = yaml.load(text, Loader=_Loader)  # a SafeLoader: no code runs
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ChecklistError([f"not valid YAML{where}: {problem}"]) from None
    return parse_checklist(document)


def load_checklist(path: str | Path) -> dict[str, Answer]:
    """Read a checklist file and check it.

    Raises:
        ChecklistError: If the file is not UTF-8 YAML or not a valid checklist.
        OSError: If the file cannot be read.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ChecklistError([f"not UTF-8 text: {error.reason}"]) from None
    return read_checklist(text)


def to_text(result: Score) -> str:
    """Render a score as a plain-text table, the way the command prints it."""
    row = "{:<18}  {:>6}  {:>9}  {:>6}  {:>8}".format
    lines = [row("Section", "Points", "Automated", "Manual", "Not done")]
    lines += [
        row(SECTIONS[s.section], f"{s.points:.1f}", s.automated, s.manual, s.not_done)
        for s in result.sections
    ]
    weakest = ", ".join(SECTIONS[section] for section in result.weakest)
    lines += [
        f"ML Test Score: {result.final:.1f} of {TESTS_PER_SECTION}"
        f" ({result.band.name}: {result.band.meaning})",
        f"Limited by: {weakest}",
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _href(link: Link, page: str) -> str:
    """A link's target as seen from a page, both given as paths under docs/."""
    if link.external:
        return link.target
    path, _, anchor = link.target.partition("#")
    relative = posixpath.relpath(path, posixpath.dirname(page))
    return relative + (f"#{anchor}" if anchor else "")


def rubric_markdown(
    checklist: Mapping[str, Answer], page: str = "production/readiness.md"
) -> str:
    """Render the 28 tests as a Markdown table, with a checklist's answers.

    Args:
        checklist: The answers whose statuses and notes fill the last column.
        page: The page the table goes on, under ``docs/``, so links resolve.

    Returns:
        The table, with a comment saying it is generated.
    """
    header = [
        "<!-- Generated from snippets/production/readiness.py and"
        " churn_readiness.yaml by `python -m production.readiness"
        " snippets/production/churn_readiness.yaml --markdown`. Do not edit. -->",
        "",
        "| Test | Section | Where this guide covers it | The reference system |",
        "|---|---|---|---|",
    ]
    rows = []
    for item in RUBRIC:
        links = ", ".join(f"[{ln.text}]({_href(ln, page)})" for ln in item.links)
        if item.gap:
            links += f". *Not covered:* {item.gap}"
        answer = checklist[item.id]
        status = f"**{answer.status}**" + (f": {answer.note}" if answer.note else "")
        rows.append(
            f"| `{item.id}` {_cell(item.title)} | {SECTIONS[item.section]}"
            f" | {_cell(links)} | {_cell(status)} |"
        )
    return "\n".join(header + rows) + "\n"


def _score_limit(value: str) -> float:
    """Parse ``--fail-under``: a number a final score can reach, 0 to 7."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 <= number <= TESTS_PER_SECTION:
        raise argparse.ArgumentTypeError(
            f"must be between 0 and {TESTS_PER_SECTION}, got {value}"
        )
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Score a checklist file and print the result.

    Args:
        argv: The arguments after the program name; None reads ``sys.argv``.

    Returns:
        0, or 1 if the score is below ``--fail-under``, or 2 if the checklist is
        invalid (with one line on stderr saying why).
    """
    parser = argparse.ArgumentParser(
        prog="python -m production.readiness",
        description="Score a filled-in ML Test Score checklist (2017 scoring).",
    )
    parser.add_argument(
        "checklist",
        type=Path,
        help="YAML file: for each section, each test ID -> automated, manual or no",
    )
    parser.add_argument(
        "--fail-under",
        type=_score_limit,
        metavar="SCORE",
        help="exit 1 if the final score is below SCORE, e.g. in CI",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the 28 tests with this checklist's answers as a Markdown table",
    )
    args = parser.parse_args(argv)
    try:
        checklist = load_checklist(args.checklist)
    except ChecklistError as error:
        print(f"error: {args.checklist}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {args.checklist}: {error.strerror}", file=sys.stderr)
        return 2
    result = score(checklist)
    sys.stdout.write(
        rubric_markdown(checklist) if args.markdown else to_text(result) + "\n"
    )
    if args.fail_under is not None and result.final < args.fail_under:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
