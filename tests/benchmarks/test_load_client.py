import json
import subprocess
import sys

import pytest

from benchmarks.load_client import main, parse_args
from benchmarks.service import free_port
from tests.paths import ROOT

OK = {"tenure_months": 8}
FAIL = {"fail": True}


@pytest.fixture
def payloads(tmp_path):
    path = tmp_path / "payloads.json"
    path.write_text(json.dumps([OK, FAIL]))
    return path


def run(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_defaults_are_the_benchmark_load(payloads):
    args = parse_args(
        ["--url", "http://127.0.0.1:1/predict", "--payloads", str(payloads)]
    )
    assert (args.requests, args.warmup, args.concurrency) == (4_000, 200, 8)
    assert args.payloads == [OK, FAIL]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--requests", "0", "--requests: must be at least 1, got 0"),
        ("--concurrency", "-2", "--concurrency: must be at least 1, got -2"),
        ("--warmup", "-1", "--warmup: must be 0 or more, got -1"),
        ("--timeout", "0", "--timeout: must be above 0, got 0.0"),
    ],
)
def test_a_bad_number_is_refused_by_name(payloads, capsys, option, value, message):
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--url", "u", "--payloads", str(payloads), option, value])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{not json", "cannot read"),
        ("[]", "must hold a non-empty JSON list of objects"),
        ('{"a": 1}', "must hold a non-empty JSON list of objects"),
        ('[{"a": 1}, 2]', "every item of the list must be a JSON object"),
    ],
)
def test_a_bad_payload_file_is_refused_with_the_reason(
    tmp_path, capsys, content, message
):
    path = tmp_path / "payloads.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SystemExit):
        parse_args(["--url", "u", "--payloads", str(path)])
    err = capsys.readouterr().err
    assert "--payloads:" in err
    assert message in err


def test_every_request_is_counted_and_only_200s_are_timed(stub, payloads, capsys):
    out = run(
        capsys,
        *("--url", f"{stub.url}/predict", "--payloads", str(payloads)),
        *("--requests", "10", "--warmup", "4", "--concurrency", "2"),
    )
    # Tickets take the payloads in turn: five good records, five that fail.
    assert out["statuses"] == {"200": 5, "500": 5}
    assert (out["completed"], out["errors"], out["timed_out"]) == (10, 5, False)
    assert out["latency_ms"]["count"] == 5
    assert 0 < out["latency_ms"]["p50"] <= out["latency_ms"]["p99"]
    assert out["requests_per_s"] > 0
    assert len(stub.bodies) == 10 + 4  # the warm-up is sent but not counted


def test_a_refused_connection_is_an_error_not_a_crash(payloads, capsys):
    url = f"http://127.0.0.1:{free_port()}/predict"  # nothing listens there
    out = run(capsys, "--url", url, "--payloads", str(payloads), "--requests", "3")
    assert out["statuses"] == {"ConnectError": 3}
    assert out["errors"] == 3
    assert out["latency_ms"] is None


def test_the_run_stops_at_its_time_bound(stub, payloads, capsys):
    out = run(
        capsys,
        *("--url", f"{stub.url}/predict", "--payloads", str(payloads)),
        *("--requests", "1000", "--max-seconds", "0.000001"),
    )
    assert out["timed_out"] is True
    assert out["completed"] < 1000


def test_runs_as_its_own_process_and_prints_one_json_object(stub, payloads):
    command = [sys.executable, "-m", "benchmarks.load_client"]
    command += ["--url", f"{stub.url}/predict", "--payloads", str(payloads)]
    command += ["--requests", "4", "--warmup", "0", "--concurrency", "1"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["statuses"] == {"200": 2, "500": 2}
