"""The reference system end to end, read as its story.

Generate data, train and gate a model, register and promote it, serve it with
uvicorn on a loopback port in another process, call it over real HTTP, read its
metrics, score a batch on a Dask cluster, catch drift, then ship a new version and
roll it back, all without dropping the service.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from distributed import LocalCluster

from churn.cli import DRIFT_FOUND, main
from churn.data import generate, save_csv
from tests.churn.conftest import ADMIN, free_port, run_page_script, service
from tests.paths import DOCS
from tests.test_shell_blocks import block_run_by


def customer(frame: pd.DataFrame, i: int = 0) -> dict:
    row = frame.drop(columns=["churned", "observed_on"]).iloc[i].to_dict()
    return {k: v.item() if hasattr(v, "item") else v for k, v in row.items()}


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("e2e")
    paths = {
        name: folder / f"{name}.csv" for name in ["train", "retrain", "new", "drifted"]
    }
    save_csv(generate(4_000, seed=1), paths["train"])
    # Next month: more labelled customers, so the new candidate can beat the champion.
    save_csv(generate(12_000, seed=2), paths["retrain"])
    save_csv(generate(1_000, seed=3).drop(columns="churned"), paths["new"])
    save_csv(
        generate(1_000, seed=4, drift=0.6).drop(columns="churned"), paths["drifted"]
    )
    return paths


# --8<-- [start:story]
def test_notebook_to_served_versioned_monitored_model(data, fresh_registry, tmp_path):
    registry = ["--registry", str(fresh_registry)]

    # 1. Train; the gate passes; the candidate becomes challenger, then champion.
    assert main(["train", "--data", str(data["train"]), *registry]) == 0
    assert main(["promote", *registry]) == 0

    with service(fresh_registry) as api:
        # 2. The service reports what it serves.
        meta = api.get("/metadata").json()
        assert meta["version"] == "1"
        assert meta["alias"] == "champion"

        # 3. Predictions over real HTTP, one record and a batch.
        rows = pd.read_csv(data["train"]).head(3)
        one = api.post("/predict", json=customer(rows)).json()
        assert 0 <= one["churn_probability"] <= 1
        batch = api.post(
            "/predict/batch", json={"records": [customer(rows, i) for i in range(3)]}
        )
        assert batch.status_code == 200
        assert len(batch.json()["predictions"]) == 3

        # 4. Invalid requests get 422 naming the field, never a 5xx.
        bad = customer(rows) | {"tenure_months": -5}
        answer = api.post("/predict", json=bad)
        assert answer.status_code == 422
        assert "tenure_months" in answer.text
        assert api.post("/predict", content=b"{not json").status_code == 422

        # 5. Metrics a Prometheus server would scrape.
        metrics = api.get("/metrics").text
        assert 'route="/predict"' in metrics
        assert 'status="422"' in metrics
        assert "churn_prediction_probability_bucket" in metrics

        # 6. Score a batch on a Dask cluster with the champion.
        with LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,  # worker processes take ~20 s to start on 2 cores
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # None still binds 8787: clashes in xdist
        ) as cluster:
            out = tmp_path / "scores"
            args = ["score", "--input", str(data["new"]), "--out", str(out)]
            assert (
                main([*args, *registry, "--scheduler", cluster.scheduler_address]) == 0
            )
        assert len(pd.read_parquet(out)) == 1_000

        # 7. Monitoring: unchanged traffic passes, drifted traffic is flagged.
        monitor = ["monitor", "--reference", str(data["train"]), "--fail-on-drift"]
        assert main([*monitor, "--current", str(data["new"])]) == 0
        assert (
            main([*monitor, "--current", str(data["drifted"]), *registry])
            == DRIFT_FOUND
        )

        # 8. Retrain, promote and reload without a restart; then roll back.
        assert main(["train", "--data", str(data["retrain"]), *registry]) == 0
        assert main(["promote", *registry]) == 0
        assert api.post("/admin/reload", headers=ADMIN).status_code == 200
        assert api.get("/metadata").json()["version"] == "2"
        assert main(["rollback", *registry]) == 0
        assert api.post("/admin/reload", headers=ADMIN).status_code == 200
        assert api.get("/metadata").json()["version"] == "1"
        assert api.post("/predict", json=customer(rows)).status_code == 200


# --8<-- [end:story]


SERVICE_PAGE = DOCS / "capstone" / "service.md"


def test_the_service_page_commands_run_as_shown(tmp_path: Path) -> None:
    """capstone/service.md's block, as one bash script from a clone's root."""
    script = block_run_by(SERVICE_PAGE, "tests/churn/test_end_to_end.py")
    port = str(free_port())  # the page's 8000 may be taken on a shared machine
    out = run_page_script(script.replace("8000", port), tmp_path)
    # curl prints no newline: the two answers end the output, one after the other.
    ready, reloaded = out.splitlines()[-1].replace("}{", "}\n{").splitlines()
    assert json.loads(ready) == {"status": "ready", "model_version": "1"}
    assert json.loads(reloaded) == {"status": "reloaded", "model_version": "1"}
