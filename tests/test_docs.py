"""Every Python example on a page or in a docstring is linted, run and checked.

Fence options (read from the fence's first line):

- ``test="skip - <reason>"``: do not run this block; the reason is required and
  printed in the summary, so skipped code stays visible and rare.
- ``group="<name>"``: blocks on the same page with the same group run in order in
  one namespace, so a later block can continue an earlier one.

``make update-examples`` (pytest ``--update-examples``) rewrites the ``#>`` output
lines under each ``print`` from a fresh run; nobody types them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

from tests.paths import DOCS, ROOT, SNIPPETS

# Rules a page's code must pass on top of ruff's defaults. Docstring rules (D) do not
# apply to a ten-line example; they apply to snippets/ through pyproject.toml.
RUFF_SELECT = ["E", "F", "W", "I", "B", "UP", "SIM"]
RUFF_IGNORE = ["D"]


@dataclass(frozen=True)
class Unit:
    """One test: a single block, or the blocks of one group on one page, in order."""

    examples: tuple[CodeExample, ...]

    @property
    def id(self) -> str:
        """Page and line of the first block, e.g. ``docs/roles/metrics.md:52``."""
        first = self.examples[0]
        return f"{first.path.relative_to(ROOT)}:{first.start_line}"

    @property
    def skip_reason(self) -> str | None:
        """None to run; the reason to skip; "" for a skip that gives no reason."""
        test = self.examples[0].prefix_settings().get("test", "")
        if not test.startswith("skip"):
            return None
        return test.removeprefix("skip").strip(" -:") or ""


def collect_units() -> Iterator[Unit]:
    """Group every example under docs/ and snippets/ into test units."""
    groups: dict[tuple[str, str], list[CodeExample]] = {}
    for example in [*find_examples(DOCS), *find_examples(SNIPPETS)]:
        if example.source.lstrip().startswith("--8<--"):
            continue  # an included file: its mirrored test under tests/ runs it
        name = example.prefix_settings().get("group")
        if name is None:
            yield Unit((example,))
        else:
            groups.setdefault((str(example.path), name), []).append(example)
    for examples in groups.values():
        yield Unit(tuple(examples))


UNITS = list(collect_units())


@pytest.mark.parametrize("unit", UNITS, ids=[u.id for u in UNITS])
def test_example(unit: Unit, eval_example: EvalExample, record_property) -> None:
    record_property("blocks", len(unit.examples))
    reason = unit.skip_reason
    if reason == "":
        pytest.fail(
            f'{unit.id}: test="skip" needs a reason, e.g. test="skip - needs Docker"'
        )
    if reason is not None:
        record_property("skip_reason", reason)
        pytest.skip(reason)

    # Blocks of a group share names, so one may use what another imported or defined.
    shared = ["F401", "F811", "F821"] if len(unit.examples) > 1 else []
    eval_example.set_config(
        line_length=88,
        target_version="py311",
        ruff_select=RUFF_SELECT,
        ruff_ignore=RUFF_IGNORE + shared,
    )
    namespace: dict[str, object] | None = None
    for example in unit.examples:
        if eval_example.update_examples:
            eval_example.format_ruff(example)
            namespace = eval_example.run_print_update(example, module_globals=namespace)
        else:
            eval_example.lint_ruff(example)
            namespace = eval_example.run_print_check(example, module_globals=namespace)


def test_examples_were_found() -> None:
    """Guard against a refactor that makes the harness find nothing and pass."""
    assert any(u.examples[0].path.is_relative_to(DOCS) for u in UNITS)
    assert any(u.examples[0].path.is_relative_to(SNIPPETS) for u in UNITS)


@pytest.mark.parametrize(
    ("prefix", "reason"),
    [
        ("python", None),
        ('python test="skip - needs Docker"', "needs Docker"),
        ('python test="skip"', ""),
        ('python group="a" test="skip: no GPU here"', "no GPU here"),
    ],
)
def test_skip_reason_is_read_from_the_fence(prefix: str, reason: str | None) -> None:
    example = CodeExample.create("print(1)\n", prefix=prefix)
    assert Unit((example,)).skip_reason == reason
