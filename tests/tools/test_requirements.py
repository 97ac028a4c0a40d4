"""From a page's code to its install line: imports, providers, pins, extras."""

from __future__ import annotations

import pytest

from tests.paths import ROOT
from tools.lock import Lock, Requirement
from tools.requirements import (
    PROJECT,
    UnknownImport,
    imported_modules,
    install_command,
    requirements,
)

LOCK = Lock(ROOT / "uv.lock")


def test_imports_are_read_with_their_submodules() -> None:
    code = (
        "import numpy as np\nfrom sklearn.pipeline import Pipeline\nfrom . import x\n"
    )
    assert imported_modules(code) == {
        "numpy",
        "sklearn.pipeline",
        "sklearn.pipeline.Pipeline",
    }


def test_standard_library_needs_nothing() -> None:
    code = "from __future__ import annotations\nimport math\nfrom typing import Any"
    assert requirements(code, LOCK) == []


def test_import_names_map_to_locked_distributions() -> None:
    code = "import yaml\nfrom sklearn.base import clone\nimport pandas as pd\n"
    assert requirements(code, LOCK) == [
        Requirement("pandas"),
        Requirement("pyyaml"),
        Requirement("scikit-learn"),
    ]


def test_submodules_that_need_an_extra_ask_for_it() -> None:
    code = "import dask.dataframe as dd\nfrom churn.batch import score_files\n"
    assert requirements(code, LOCK) == [
        Requirement("dask", ("dataframe",)),
        Requirement(PROJECT, ("batch",)),
    ]


def test_an_import_nothing_provides_is_named() -> None:
    with pytest.raises(UnknownImport, match="import not_a_package_here"):
        requirements("import not_a_package_here\n", LOCK)


def test_the_command_pins_the_lock_and_installs_churn_from_the_clone() -> None:
    reqs = [Requirement(PROJECT, ("batch",)), Requirement("numpy")]
    line = install_command(reqs, LOCK)
    assert line == f'pip install "./guide[batch]" "numpy=={LOCK.version("numpy")}"'


def test_the_test_client_brings_the_http_client_it_needs() -> None:
    code = "from fastapi.testclient import TestClient\n"
    assert requirements(code, LOCK) == [Requirement("fastapi"), Requirement("httpx2")]


def test_a_module_several_distributions_install_maps_to_one_everywhere() -> None:
    # mlflow-skinny (the package's dependency), mlflow-tracing and mlflow all
    # install `mlflow`; the environment lists them in no fixed order.
    from tools import requirements as module

    for order in (
        ["mlflow-tracing", "mlflow", "mlflow-skinny"],
        ["mlflow-skinny", "mlflow-tracing", "mlflow"],
    ):
        assert module._locked_provider("mlflow", {"mlflow": order}, LOCK) == (
            "mlflow-skinny"
        )
    # With none of them declared, the first by name.
    assert module._locked_provider("x", {"x": ["mlflow-tracing", "mlflow"]}, LOCK) == (
        "mlflow"
    )
    assert module._locked_provider("x", {"x": ["not-in-the-lock"]}, LOCK) is None
