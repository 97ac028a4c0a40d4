"""The command line, run in-process as a CI job would run it, step by step."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager

import pandas as pd
import pytest
import uvicorn
from fastapi.testclient import TestClient

from churn.cli import CONTRACT_BROKEN, DRIFT_FOUND, GATE_REFUSED, main
from churn.config import Config
from churn.data import generate, load_csv, save_csv
from churn.registry import Registry
from churn.serve import ModelLoadError
from churn.train import split
from tests.paths import SNIPPETS


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    assert main(["generate", "--rows", "3000", "--out", str(folder / "train.csv")]) == 0
    save_csv(
        generate(1_500, seed=99, drift=0.6).drop(columns="churned"), folder / "new.csv"
    )
    return folder


def test_help_lists_every_step():
    done = subprocess.run(
        [sys.executable, "-m", "churn", "--help"],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(SNIPPETS)},
        check=True,
    )
    for step in [
        "generate",
        "train",
        "promote",
        "rollback",
        "serve",
        "score",
        "monitor",
    ]:
        assert step in done.stdout


def test_train_promote_score_monitor_rollback(
    workdir, fresh_registry, tmp_path, capsys
):
    registry = str(fresh_registry)
    data = str(workdir / "train.csv")
    assert main(["train", "--data", data, "--registry", registry]) == 0
    assert "registered version 1 as challenger" in capsys.readouterr().out
    assert main(["promote", "--registry", registry]) == 0
    assert main(["train", "--data", data, "--registry", registry]) == 0
    assert "champion on the same rows" in capsys.readouterr().out
    assert main(["promote", "--registry", registry, "--version", "2"]) == 0

    out = tmp_path / "scores"
    new = str(workdir / "new.csv")
    assert (
        main(["score", "--registry", registry, "--input", new, "--out", str(out)]) == 0
    )
    assert "scored 1,500 rows" in capsys.readouterr().out

    report = tmp_path / "drift.md"
    args = ["monitor", "--reference", data, "--current", new, "--registry", registry]
    assert main([*args, "--report", str(report)]) == 0
    assert "tenure_months" in report.read_text()
    assert main([*args, "--fail-on-drift"]) == DRIFT_FOUND
    assert "# " in capsys.readouterr().out  # no --report: the Markdown is printed

    assert main(["rollback", "--registry", registry]) == 0
    assert "version 1 is the champion again" in capsys.readouterr().out
    assert Registry(registry).champion().version == 1


def test_monitor_without_a_registry_checks_data_only(workdir, capsys):
    data = str(workdir / "train.csv")
    assert main(["monitor", "--reference", data, "--current", data]) == 0
    assert "tenure_months" in capsys.readouterr().out


# --8<-- [start:gate-refused]
def test_gate_refusal_exits_with_its_own_code(
    workdir, fresh_registry, tmp_path, capsys
):
    config = tmp_path / "strict.toml"
    config.write_text("[gate]\nmin_auc = 0.99\n")
    args = ["train", "--data", str(workdir / "train.csv"), "--config", str(config)]
    assert main([*args, "--registry", str(fresh_registry)]) == GATE_REFUSED
    assert "below the floor 0.99" in capsys.readouterr().out


# --8<-- [end:gate-refused]


def test_broken_data_exits_with_the_contract_message(workdir, tmp_path, capsys):
    broken = tmp_path / "broken.csv"
    broken.write_text(
        (workdir / "train.csv").read_text().replace(",one-year,", ",weekly,")
    )
    args = ["train", "--data", str(broken), "--registry", str(tmp_path / "r")]
    assert main([*args, "--create-registry"]) == CONTRACT_BROKEN
    assert "'weekly'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["promote"], "promote needs --registry"),
        (["serve", "--model", "m.skops"], "serve --model needs --sha256"),
        (["serve"], "serve needs --registry"),
    ],
)
def test_usage_errors_name_the_missing_option(args, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["promote"], "no challenger to promote"),
        (["rollback"], "no previous champion"),
        # Any existing file gets past the input check to the model lookup.
        (["score", "--input", __file__, "--out", "o"], "no champion in the registry"),
    ],
)
def test_empty_registry_errors_are_one_clear_line(
    args, message, fresh_registry, capsys
):
    code = main([*args, "--registry", str(fresh_registry)])
    assert code == 2
    assert message in capsys.readouterr().err


def test_serve_a_model_file_without_a_registry(model_file, monkeypatch):
    # uvicorn.run blocks until stopped; capture the app it would serve instead.
    # The end-to-end test runs the real server from the registry.
    served = {}
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: served.update(options, app=app)
    )
    monkeypatch.delenv("CHURN_ADMIN_TOKEN", raising=False)
    path, digest = model_file
    args = ["serve", "--model", str(path), "--sha256", digest, "--port", "9001"]
    assert main(args) == 0
    assert served["port"] == 9001
    assert served["host"] == "127.0.0.1"
    with loaded(served["app"]) as client:
        assert client.get("/ready").json() == {
            "status": "ready",
            "model_version": "local",
        }
        assert client.post("/admin/reload").status_code == 403  # no token: off


def test_serve_takes_the_admin_token_from_the_environment(model_file, monkeypatch):
    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app))
    monkeypatch.setenv("CHURN_ADMIN_TOKEN", "s3cret")
    path, digest = model_file
    assert main(["serve", "--model", str(path), "--sha256", digest]) == 0
    with loaded(served["app"]) as client:
        assert client.post("/admin/reload").status_code == 401
        admin = {"Authorization": "Bearer s3cret"}
        assert client.post("/admin/reload", headers=admin).status_code == 200


def test_serving_an_empty_registry_says_there_is_no_champion(fresh_registry):
    from churn.serve import registry_loader

    with pytest.raises(ModelLoadError, match=r"no champion published at .*; promote"):
        registry_loader(fresh_registry)()


def test_generate_writes_unlabelled_rows_for_scoring(tmp_path, capsys):
    out = tmp_path / "to_score.csv"
    argv = ["generate", "--rows", "50", "--unlabelled", "--out", str(out)]
    assert main(argv) == 0
    assert "wrote 50 rows" in capsys.readouterr().out
    header = out.read_text().splitlines()[0].split(",")
    assert "churned" not in header
    assert "customer_id" in header


def test_score_without_the_batch_extra_names_the_extra(monkeypatch, capsys):
    # As in the service image: churn installed without Dask.
    monkeypatch.delitem(sys.modules, "churn.batch", raising=False)
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    argv = ["score", "--input", "x.csv", "--out", "out", "--registry", "r"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "churn score needs dask" in err
    assert "pip install 'ds-to-mle-churn[batch]'" in err


LIGHT = """
import sys
from churn.cli import main

code = main(sys.argv[1:])
print(code, "mlflow" in sys.modules)
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["generate", "--rows", "20", "--out", "data.csv"],
        ["generate", "--rows", "-1", "--out", "data.csv"],  # an error, handled
    ],
)
def test_commands_without_a_registry_do_not_import_mlflow(argv, tmp_path):
    """MLflow takes seconds to import: only the commands that use it pay."""
    done = subprocess.run(
        [sys.executable, "-c", LIGHT, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(SNIPPETS)},
        check=True,
    )
    code, imported = done.stdout.splitlines()[-1].split()
    assert imported == "False"
    assert code == ("0" if argv[2] == "20" else "2"), done.stderr


ADMIN = {"Authorization": "Bearer reload-token"}


def champion_in(root, model_file) -> int:
    """Log, register and promote the session's model file; return its version."""
    path, digest = model_file
    registry = Registry(root)
    run = registry.log_run(path, digest, {}, {"auc": 0.8}, "d" * 64)
    version = registry.register(run)
    registry.promote(version)
    return version


def served_app(monkeypatch, root):
    """The app `churn serve --registry root` would run, without starting uvicorn."""
    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app))
    monkeypatch.setenv("CHURN_ADMIN_TOKEN", "reload-token")
    assert main(["serve", "--registry", str(root)]) == 0
    return served["app"]


@contextmanager
def loaded(app):
    """A client of an app `churn serve` built, once its background load is over."""
    with TestClient(app) as client:
        deadline = time.monotonic() + 60  # bounds a hung load; not a measurement
        while client.get("/ready").json().get("reason") == "loading the model":
            assert time.monotonic() < deadline, "the model never finished loading"
            time.sleep(0.01)
        yield client


def serving(monkeypatch, root):
    """A client of `churn serve --registry root`, its model loaded (or failed)."""
    return loaded(served_app(monkeypatch, root))


SERVE_LIGHT = """
import sys
import uvicorn
from churn.cli import main

uvicorn.run = lambda app, **options: None
main(["serve", "--registry", sys.argv[1]])
print(sorted(m for m in ("mlflow", "sqlalchemy", "sklearn", "pandas", "pandera")
             if m in sys.modules))
"""


def test_serving_a_registry_imports_neither_mlflow_nor_training_libraries(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SERVE_LIGHT, str(tmp_path)],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(SNIPPETS)},
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ["promote"],
        ["rollback"],
        ["score", "--input", "{csv}", "--out", "o"],
        ["monitor", "--reference", "{csv}", "--current", "{csv}"],
        ["train", "--data", "{csv}"],
    ],
)
def test_a_registry_that_does_not_exist_is_refused_not_created(
    args, workdir, tmp_path, capsys
):
    typo = tmp_path / "regsitry"
    args = [arg.format(csv=workdir / "train.csv") for arg in args]
    assert main([*args, "--registry", str(typo)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: no registry at {typo}: it has no mlflow.db" + (
        "; pass --create-registry to start one\n" if args[0] == "train" else "\n"
    )
    assert not typo.exists()


def test_a_new_registry_under_a_file_is_one_line(workdir, tmp_path, capsys):
    (tmp_path / "a-file").write_text("")
    under = tmp_path / "a-file" / "registry"
    data = str(workdir / "train.csv")
    args = ["train", "--data", data, "--registry", str(under), "--create-registry"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot open the registry at {under}: Not a directory\n"


def test_train_starts_a_registry_only_when_told_to(workdir, tmp_path, capsys):
    new = tmp_path / "registry"
    data = str(workdir / "train.csv")
    args = ["train", "--data", data, "--registry", str(new), "--create-registry"]
    assert main(args) == 0
    assert (new / "mlflow.db").is_file()
    assert "registered version 1 as challenger" in capsys.readouterr().out


def test_a_trained_champion_is_served_through_onnx_with_its_proof(
    workdir, fresh_registry, monkeypatch
):
    registry = str(fresh_registry)
    data = str(workdir / "train.csv")
    assert main(["train", "--data", data, "--registry", registry]) == 0
    assert main(["promote", "--registry", registry]) == 0
    with serving(monkeypatch, fresh_registry) as client:
        meta = client.get("/metadata").json()
    assert meta["runtime"] == "onnxruntime"
    held_out = len(split(load_csv(data), Config())[1])
    proof = (
        rf"ONNX export proven at registration on {held_out} rows: "
        r"max \|dp\| \S+ <= 1e-05"
    )
    assert re.fullmatch(proof, meta["runtime_note"])


def test_a_champion_without_an_export_is_served_by_the_pipeline(
    fresh_registry, model_file, monkeypatch
):
    champion_in(fresh_registry, model_file)  # a bare skops file: no ONNX logged
    with serving(monkeypatch, fresh_registry) as client:
        meta = client.get("/metadata").json()
        assert client.get("/ready").status_code == 200
    assert (meta["runtime"], meta["runtime_note"]) == (
        "scikit-learn",
        "no ONNX export was recorded",
    )


def test_a_tampered_onnx_file_is_refused_and_the_service_says_why(
    workdir, fresh_registry, monkeypatch
):
    registry = str(fresh_registry)
    data = str(workdir / "train.csv")
    assert main(["train", "--data", data, "--registry", registry]) == 0
    assert main(["promote", "--registry", registry]) == 0
    # The file the published champion names: the one the service loads.
    champion = json.loads((fresh_registry / "serving" / "churn.json").read_text())
    onnx_file = fresh_registry / champion["onnx_file"]
    onnx_file.write_bytes(onnx_file.read_bytes() + b"\0")
    with serving(monkeypatch, fresh_registry) as client:
        ready = client.get("/ready")
    assert ready.status_code == 503
    assert "refusing to load a file that is not the recorded artifact" in ready.text


def test_reload_serves_the_champion_promoted_since(
    fresh_registry, model_file, monkeypatch
):
    assert champion_in(fresh_registry, model_file) == 1
    with serving(monkeypatch, fresh_registry) as client:
        assert client.get("/ready").json()["model_version"] == "1"
        assert champion_in(fresh_registry, model_file) == 2
        reloaded = client.post("/admin/reload", headers=ADMIN)
        assert reloaded.status_code == 200, reloaded.text
        assert client.get("/ready").json()["model_version"] == "2"
        Registry(fresh_registry).rollback()
        assert client.post("/admin/reload", headers=ADMIN).status_code == 200
        assert client.get("/ready").json()["model_version"] == "1"


def test_reload_of_a_removed_champion_fails_and_keeps_serving(
    fresh_registry, model_file, monkeypatch
):
    champion_in(fresh_registry, model_file)
    with serving(monkeypatch, fresh_registry) as client:
        (fresh_registry / "serving" / "churn.json").unlink()
        failed = client.post("/admin/reload", headers=ADMIN)
        assert failed.status_code == 503
        assert "no champion published at registry" in failed.json()["detail"]
        assert client.get("/ready").json()["model_version"] == "1"
    assert not (fresh_registry / "serving" / "churn.json").exists()  # nothing created


@pytest.mark.parametrize(
    "damage", ["corrupt file", "not a champion", "outside the registry", "no file"]
)
def test_serve_on_a_broken_champion_stays_up_and_says_why(
    damage, fresh_registry, model_file, monkeypatch
):
    champion_in(fresh_registry, model_file)
    published = fresh_registry / "serving" / "churn.json"
    champion = json.loads(published.read_text())
    if damage == "corrupt file":
        published.write_text("{not json")
    elif damage == "not a champion":
        published.write_text('{"version": 1}')
    elif damage == "outside the registry":
        published.write_text(json.dumps(champion | {"model_file": "../../x.skops"}))
    else:
        (fresh_registry / champion["model_file"]).unlink()
    reasons = {
        "corrupt file": "cannot read churn.json: Expecting property name",
        "not a champion": "churn.json is not a published champion",
        "outside the registry": "'../../x.skops' is outside the registry",
        "no file": "champion file not found: model.skops",
    }
    with serving(monkeypatch, fresh_registry) as client:
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
    assert ready.status_code == 503
    assert reasons[damage] in ready.json()["reason"]


def test_serve_on_a_registry_under_a_file_stays_up_and_says_why(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    with serving(monkeypatch, tmp_path / "a-file" / "registry") as client:
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
    assert ready.status_code == 503
    assert "cannot read churn.json" in ready.json()["reason"]


def test_a_corrupt_database_does_not_stop_the_published_champion(
    fresh_registry, model_file, monkeypatch
):
    # Serving reads serving/churn.json only; promote and rollback need the database.
    champion_in(fresh_registry, model_file)
    (fresh_registry / "mlflow.db").write_bytes(b"not a database" * 100)
    with serving(monkeypatch, fresh_registry) as client:
        assert client.get("/ready").json()["model_version"] == "1"


@pytest.fixture
def broken_registry(tmp_path):
    root = tmp_path / "broken"
    root.mkdir()
    (root / "mlflow.db").write_bytes(b"not a database" * 100)
    return root


@pytest.mark.parametrize(
    "command",
    [
        ["promote"],
        ["rollback"],
        ["train", "--data", "{workdir}/train.csv"],
        ["score", "--input", "{workdir}/new.csv", "--out", "{tmp}/out"],
        [
            "monitor",
            "--reference",
            "{workdir}/train.csv",
            "--current",
            "{workdir}/new.csv",
        ],
    ],
    ids=lambda command: command[0],
)
def test_a_corrupt_registry_is_one_line_and_exit_2(
    command, broken_registry, workdir, tmp_path, capsys
):
    argv = [a.format(workdir=workdir, tmp=tmp_path) for a in command]
    assert main([*argv, "--registry", str(broken_registry)]) == 2
    err = capsys.readouterr().err
    expected = f"cannot open the registry at {broken_registry}: file is not a database"
    assert err == f"error: {expected}\n"


def test_a_registry_under_a_file_is_one_line(tmp_path, capsys):
    (tmp_path / "a-file").write_text("")
    under = tmp_path / "a-file" / "reg"
    assert main(["promote", "--registry", str(under)]) == 2
    assert (
        capsys.readouterr().err
        == f"error: no registry at {under}: it has no mlflow.db\n"
    )


def test_a_folder_given_as_data_is_one_line(fresh_registry, tmp_path, capsys):
    argv = ["train", "--data", str(tmp_path), "--registry", str(fresh_registry)]
    assert main(argv) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}: Is a directory\n"


def test_a_score_pattern_that_matches_nothing_is_named(
    fresh_registry, tmp_path, capsys
):
    pattern = str(tmp_path / "nothing-*.csv")
    argv = ["score", "--input", pattern, "--out", str(tmp_path / "out")]
    assert main([*argv, "--registry", str(fresh_registry)]) == 2
    assert (
        capsys.readouterr().err == f"error: {pattern}: no file matches this pattern\n"
    )


def test_a_window_that_breaks_the_contract_fails_the_drift_gate(
    workdir, tmp_path, capsys
):
    window = pd.read_csv(workdir / "new.csv").drop(columns="support_calls")
    window.to_csv(tmp_path / "window.csv", index=False)
    argv = ["monitor", "--reference", str(workdir / "train.csv")]
    argv += ["--current", str(tmp_path / "window.csv"), "--fail-on-drift"]
    assert main(argv) == CONTRACT_BROKEN
    summary = capsys.readouterr().out.splitlines()[2]
    assert summary.startswith("**Data contract broken** (1 failure(s)")


def test_serve_with_a_tracking_server_reads_the_champion_from_it(tmp_path, monkeypatch):
    # The real server is in tests/churn/test_tracking_server.py; here, none answers.
    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    args = ["serve", "--registry", str(tmp_path)]
    assert main(args) == 0
    with loaded(served["app"]) as client:
        ready = client.get("/ready")
    assert ready.status_code == 503
    assert "cannot reach http://127.0.0.1:9/api/2.0/mlflow" in ready.text
