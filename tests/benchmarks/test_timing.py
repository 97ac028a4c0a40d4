import sys

import pytest

from benchmarks.timing import Result, interleaved, markdown_table, wall_time
from tests.paths import ROOT


def test_ratio_compares_medians():
    result = Result("build", (2.0, 4.0, 3.0), "bare", (1.0, 1.5, 1.2))
    assert result.median == 3.0
    assert result.baseline_median == 1.2
    assert result.ratio == pytest.approx(2.5)


def test_table_has_one_row_per_result():
    table = markdown_table([Result("build", (2.0,), "bare", (1.0,))])
    assert table.splitlines()[-1] == "| build | 2.00 | bare | 1.00 | 2.00 |"


def test_interleaved_runs_both_commands_each_time():
    ok = [sys.executable, "-c", "pass"]
    times, baseline = interleaved(ok, ok, repeats=2, cwd=ROOT, env={})
    assert len(times) == len(baseline) == 2
    assert all(t > 0 for t in times + baseline)


def test_a_failing_command_is_not_timed():
    with pytest.raises(Exception, match="returned non-zero exit status 3"):
        wall_time([sys.executable, "-c", "raise SystemExit(3)"], ROOT, {})
