"""Checks for the chapters' exercises, reported to the reader in words.

Each exercise lives in ``exercises/<part>/<chapter>/``: ``starter.*`` is the file you
edit, ``test_exercise.py`` holds the checks, and ``solution.*`` is one answer that
passes them. ``make exercise NAME=<part>/<chapter>`` (or ``pytest exercises/<part>/
<chapter>``) checks your ``starter.*``; ``--solution`` checks the reference solution.

The checks are ordinary pytest tests whose docstring says, in one line, what must
hold. Instead of tracebacks, the run ends with one line per check, done or missing,
and for each missing one the reason: an assertion's message, or the error your code
raised and the line of your file it came from.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).resolve().parent
# Where the report starts: tools/exercises.py copies what follows onto the page.
HEADER = "Exercise"


@dataclass
class Check:
    """One check's outcome, as the reader reads it."""

    title: str
    passed: bool = True
    why: str = ""


RESULTS = pytest.StashKey[dict[str, Check]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--solution``: check the reference solution instead of the starter."""
    parser.addoption(
        "--solution",
        action="store_true",
        help="check the exercise's reference solution instead of its starter",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Start the record of checks, and turn off what the report replaces."""
    config.stash[RESULTS] = {}
    # The report at the end says what is missing in words: no tracebacks, no
    # pytest summary of the same failures.
    config.option.tbstyle = "no"
    config.option.reportchars = ""


def chosen(config: pytest.Config) -> str:
    """The stem of the file under check: ``starter`` or ``solution``."""
    return "solution" if config.getoption("solution") else "starter"


@pytest.fixture(scope="module")
def exercise_file(request: pytest.FixtureRequest) -> Path:
    """The reader's file (``starter.*``), or the solution with ``--solution``."""
    stem = chosen(request.config)
    found = sorted(request.path.parent.glob(f"{stem}.*"))
    if len(found) != 1:
        pytest.fail(f"want one {stem}.* next to {request.path.name}", pytrace=False)
    return found[0]


@pytest.fixture(scope="module")
def exercise(exercise_file: Path) -> ModuleType:
    """The reader's Python file, imported; if it does not import, each check fails."""
    name = "exercise_" + "_".join(exercise_file.relative_to(HERE).with_suffix("").parts)
    spec = importlib.util.spec_from_file_location(name, exercise_file)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered first, as an import would: pydantic and dataclasses look their
    # module up by name to resolve annotations that `from __future__` made strings.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the reader's code: say what broke, and where
        del sys.modules[name]
        where = _line_in(error, exercise_file)
        pytest.fail(f"{exercise_file.name} does not run: {where}{_said(error)}", False)
    return module


def _said(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".strip().removesuffix(":")


def _line_in(error: BaseException, path: Path) -> str:
    """``starter.py line 12: `` for the last frame in the reader's file, if any."""
    if isinstance(error, SyntaxError) and error.lineno:
        return f"{path.name} line {error.lineno}: "
    lines = [
        frame.tb_lineno
        for frame in _frames(error.__traceback__)
        if Path(frame.tb_frame.f_code.co_filename) == path
    ]
    return f"{path.name} line {lines[-1]}: " if lines else ""


def _frames(tb):  # type: ignore[no-untyped-def]
    while tb is not None:
        yield tb
        tb = tb.tb_next


def reason(excinfo: pytest.ExceptionInfo[BaseException], path: Path | None) -> str:
    """Why a check failed, in the words of its message or of the error raised."""
    error = excinfo.value
    if isinstance(error, AssertionError):
        # pytest appends its own explanation ("assert ...") after the message.
        text = str(error).split("\nassert ", 1)[0].strip()
        return text or "a check without a message failed (a bug in the check)"
    if isinstance(error, pytest.fail.Exception):
        # pytest.raises says "DID NOT RAISE <class 'ValueError'>" if nothing was raised
        if error.msg.startswith("DID NOT RAISE"):
            wanted = error.msg.removeprefix("DID NOT RAISE").strip(" <>").split("'")
            kind = wanted[1] if len(wanted) > 1 else wanted[0]
            article = "an" if kind[:1].lower() in "aeiou" else "a"
            return f"nothing was raised: want {article} {kind}"
        return str(error.msg)
    return (_line_in(error, path) if path else "") + _said(error)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> pytest.TestReport:
    """Record each check's outcome, and the reason in words when it failed."""
    report: pytest.TestReport = yield
    # One line per check: the cases of a parametrized check share it.
    key, _, case = item.nodeid.partition("[")
    doc = getattr(item, "obj", None).__doc__ or item.name
    check = item.config.stash[RESULTS].setdefault(
        key, Check(doc.strip().splitlines()[0])
    )
    if check.passed and (report.failed or report.skipped):
        if report.skipped:
            why = "skipped: " + str(report.longrepr[-1])
        else:
            assert call.excinfo is not None
            found = sorted(item.path.parent.glob(chosen(item.config) + ".*"))
            why = reason(call.excinfo, found[0] if len(found) == 1 else None)
        check.passed = False
        check.why = f"with {case.removesuffix(']')}: {why}" if case else why
    return report


def report(folder: str, stem: str, checks: list[Check]) -> list[str]:
    """The lines the reader reads at the end of a run."""
    lines = [f"{HEADER} {folder}: checking {stem}", ""]
    for check in checks:
        lines.append(f"  {'done   ' if check.passed else 'missing'}  {check.title}")
        lines += [f"           {line}" for line in check.why.splitlines()]
    done = sum(check.passed for check in checks)
    lines.append("")
    if done == len(checks):
        lines.append(f"All {done} checks pass.")
    else:
        lines.append(f"{done} of {len(checks)} checks pass. Edit {stem}, run again.")
    return lines


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print each exercise's report after pytest's own lines."""
    checks = config.stash[RESULTS]
    if not checks:
        return
    folders = {nodeid.split("/test_exercise.py")[0] for nodeid in checks}
    for folder in sorted(folders):
        mine = [c for nodeid, c in checks.items() if nodeid.startswith(folder + "/")]
        stem = next(HERE.parent.joinpath(folder).glob(chosen(config) + ".*")).name
        terminalreporter.write_line("")
        for line in report(folder.removeprefix("exercises/"), stem, mine):
            terminalreporter.write_line(line)
