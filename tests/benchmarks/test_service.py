import json
import platform
import re
import signal
import subprocess
import sys

import httpx
import pytest

from benchmarks import service
from benchmarks.latency import LatencySummary
from benchmarks.load_client import parse_args
from benchmarks.service import (
    BatchResult,
    Machine,
    ServiceReport,
    Settings,
    StartupResult,
    cpu_model,
    first_ok,
    fragment,
    free_port,
    http_result,
    load_command,
    markdown,
    records,
    stop,
    time_calls,
    verdict,
    wait_ready,
)
from churn.data import generate
from churn.features import FEATURES


def latency(p50: float, p99: float) -> LatencySummary:
    return LatencySummary(count=100, p50=p50, p95=p99, p99=p99, mean=p50, max=p99)


CLIENT_OUTPUT = {
    "url": "http://127.0.0.1:1/predict",
    "concurrency": 8,
    "requested": 4000,
    "completed": 4000,
    "errors": 2,
    "statuses": {"200": 3998, "503": 2},
    "timed_out": False,
    "duration_s": 100.0,
    "requests_per_s": 40.0,
    "latency_ms": latency(200.0, 400.0).to_dict(),
}
BATCH = BatchResult(
    rows=200_000,
    pandas_s=2.0,
    dask_s=4.0,
    partitions=8,
    workers=2,
    repeats=3,
    cluster_start_s=15.0,
)
REPORT = ServiceReport(
    floor=latency(20.0, 25.0),
    micro_batch=latency(30.0, 35.0),
    pipeline=latency(100.0, 120.0),
    http=http_result(CLIENT_OUTPUT, startup_s=12.5),
    batch=BATCH,
    startup=StartupResult(health_s=[0.5, 0.6, 0.7], ready_s=[1.5, 1.6, 2.5]),
)
MACHINE = Machine(
    cores=2,
    cpu="Test CPU",
    python="3.11.7",
    system="Linux x86_64",
    date="2026-01-02",
    packages={"pandas": "3.1.1"},
)


def test_time_calls_warms_up_then_times_each_call_round_robin():
    seen = []
    times = time_calls(seen.append, ["a", "b", "c"], repeats=4, warmup=2)
    assert seen == ["a", "b", "a", "b", "c", "a"]
    assert len(times) == 4
    assert all(t >= 0 for t in times)


def test_records_are_what_a_client_sends_as_json():
    customers = records(generate(5, seed=1), n=3)
    assert len(customers) == 3
    assert list(customers[0]) == ["customer_id", *FEATURES]
    assert customers[0]["customer_id"] == "C0000001"
    assert isinstance(customers[0]["senior"], bool)
    assert isinstance(customers[0]["tenure_months"], int)
    json.dumps(customers)  # plain Python values only


@pytest.mark.parametrize(
    ("p99", "errors", "expected"),
    [
        (9.99, 0, "target met"),
        (10.0, 0, "target missed by 0.0 ms"),
        (12.34, 0, "target missed by 2.3 ms"),
        (5.0, 3, "3 error(s), where zero are allowed"),
        (11.0, 1, "target missed by 1.0 ms; 1 error(s), where zero are allowed"),
    ],
)
def test_verdict_says_by_how_much_the_target_is_missed(p99, errors, expected):
    assert verdict(p99, errors) == expected


def test_batch_throughput_and_ratio():
    assert BATCH.pandas_rows_per_s == 100_000
    assert BATCH.dask_rows_per_s == 50_000
    assert BATCH.dask_over_pandas == pytest.approx(0.5)


def test_client_output_becomes_a_result():
    result = REPORT.http
    assert result.latency.p99 == 400.0
    assert (result.errors, result.requests_per_s, result.concurrency) == (2, 40.0, 8)
    assert result.startup_s == 12.5


def test_a_run_where_nothing_succeeded_names_the_statuses():
    output = CLIENT_OUTPUT | {"latency_ms": None, "statuses": {"ConnectError": 5}}
    with pytest.raises(RuntimeError, match=r"no request succeeded.*ConnectError"):
        http_result(output, startup_s=1.0)


def test_the_load_command_is_one_the_client_accepts(tmp_path):
    payloads = tmp_path / "payloads.json"
    payloads.write_text('[{"a": 1}]')
    command = load_command("http://127.0.0.1:9", payloads, Settings())
    assert command[1:3] == ["-m", "benchmarks.load_client"]
    args = parse_args(command[3:])
    assert args.url == "http://127.0.0.1:9/predict"
    assert (args.requests, args.warmup, args.concurrency) == (4_000, 200, 8)


def test_markdown_has_every_row_ratio_and_the_verdict():
    text = markdown(REPORT)
    floor = "| in-process: ONNX Runtime, 1 record (the floor) | 100 | 20.000 | 25.000 |"
    assert floor in text
    assert "| in-process: ONNX Runtime, 8 records in one call | 100 | 30.000 |" in text
    assert "pipeline `predict_proba`, 1-row DataFrame | 100 | 100.000 |" in text
    assert "x5.0 faster than the pipeline (p50), every probability within 1e-05" in text
    assert (
        "| HTTP `POST /predict`, 8 concurrent | 100 | 200.000 | 400.000 | 400.000 "
        in text
    )
    assert "| 40.0 | 2 |" in text
    assert "p50 x10.0, p99 x16.0" in text
    assert "**target missed by 390.0 ms; 2 error(s), where zero are allowed**" in text
    assert "| pandas `score_frame` | 200,000 | 2.00 | 100,000 |" in text
    assert "8 partitions | 200,000 | 4.00 | 50,000 |" in text
    assert "Dask over pandas: x0.50 rows/s." in text
    assert "| start-up, 3 starts | median (s) | slowest (s) | target (s) |" in text
    assert "| `/health` answers 200 | 0.60 | 0.70 | < 1 |" in text
    assert "| `/ready` answers 200 | 1.60 | 2.50 | < 2 |" in text
    assert "polled every 10 ms: **targets missed** (the slowest start decides)" in text
    assert "the Dask cluster took 15.0 s to start" in text


@pytest.mark.parametrize(
    ("health", "ready", "met"),
    [([0.5, 0.9], [1.0, 1.9], True), ([0.5, 1.0], [1.0], False), ([0.2], [2.0], False)],
)
def test_startup_targets_are_met_only_by_every_start(health, ready, met):
    assert StartupResult(health, ready).met is met


def test_first_ok_counts_from_the_start_it_is_given(stub):
    import time

    began = time.perf_counter() - 0.5  # as if the process started 0.5 s ago
    with httpx.Client() as client:
        elapsed = first_ok(client, f"{stub.url}/ready", began, began + 30)
    assert 0.5 <= elapsed < 30


def test_first_ok_gives_up_at_the_deadline(stub):
    import time

    stub.ready_status = 503
    began = time.perf_counter()
    with httpx.Client() as client, pytest.raises(RuntimeError, match="answer 200"):
        first_ok(client, f"{stub.url}/ready", began, began + 0.2)


def test_fragment_says_it_is_generated_and_can_be_included_under_any_heading():
    text = fragment(REPORT, MACHINE)
    assert text.startswith("<!-- Generated by `make bench`")
    assert "Do not edit" in text.splitlines()[0]
    assert (
        "on 2 CPU cores (Test CPU), Linux x86_64, Python 3.11.7; pandas 3.1.1" in text
    )
    assert "2026-01-02" in text
    assert not re.search(r"^#{1,2} ", text, flags=re.MULTILINE)
    assert text.endswith("|\n") or text.endswith(".\n")


def test_cpu_model_reads_the_model_name(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: Test CPU 3000\nflags\t: fpu\n")
    assert cpu_model(cpuinfo) == "Test CPU 3000"


def test_cpu_model_falls_back_without_cpuinfo(tmp_path):
    assert cpu_model(tmp_path / "missing") == (platform.processor() or "unknown CPU")


def test_pythonpath_puts_snippets_first(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    assert service.pythonpath().split(":") == [str(service.SNIPPETS), "/elsewhere"]
    monkeypatch.delenv("PYTHONPATH")
    assert service.pythonpath() == str(service.SNIPPETS)


def sleeper(*code: str) -> subprocess.Popen:
    lines = ["import signal, time", *code, "print('up', flush=True)", "time.sleep(60)"]
    process = subprocess.Popen(
        [sys.executable, "-c", "; ".join(lines)], stdout=subprocess.PIPE
    )
    process.stdout.readline()  # its signal handling is in place
    return process


def test_wait_ready_returns_once_ready(stub):
    with sleeper() as process:
        wait_ready(stub.url, process, timeout_s=30)
        stop(process)
    assert process.returncode == -signal.SIGTERM


def test_wait_ready_gives_up_at_its_deadline(stub):
    stub.ready_status = 503
    with sleeper() as process:
        with pytest.raises(RuntimeError, match=r"not ready after 0\.3 s"):
            wait_ready(stub.url, process, timeout_s=0.3)
        stop(process)


def test_wait_ready_notices_a_service_that_died():
    with subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"]) as process:
        process.wait()
        with pytest.raises(RuntimeError, match="exited with 3 during start-up"):
            wait_ready(f"http://127.0.0.1:{free_port()}", process, timeout_s=30)


def test_stop_kills_a_process_that_ignores_sigterm():
    with sleeper("signal.signal(signal.SIGTERM, signal.SIG_IGN)") as process:
        stop(process, timeout_s=0.5)
    assert process.returncode == -signal.SIGKILL
