"""The champion published for serving: written whole, read strictly, kept inside."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from churn.published import (
    Published,
    PublishedError,
    publish,
    read_published,
    resolve,
    serving_file,
)

CHAMPION = Published(
    name="churn",
    version=3,
    sha256="a" * 64,
    data_hash="d" * 64,
    model_file="artifacts/churn/run/artifacts/model/model.skops",
    onnx_file="artifacts/churn/run/artifacts/model/model.onnx",
    onnx_sha256="b" * 64,
    onnx_note="ONNX export proven at registration on 750 rows",
)


def test_what_is_published_is_read_back(tmp_path: Path) -> None:
    path = publish(tmp_path, CHAMPION)
    assert path == serving_file(tmp_path, "churn") == tmp_path / "serving/churn.json"
    assert read_published(tmp_path) == CHAMPION
    assert json.loads(path.read_text()) == asdict(CHAMPION)


def test_a_champion_without_an_export_is_published_with_nulls(tmp_path: Path) -> None:
    bare = replace(CHAMPION, onnx_file=None, onnx_sha256=None, onnx_note="no export")
    publish(tmp_path, bare)
    assert read_published(tmp_path) == bare


def test_publishing_again_replaces_the_file_and_leaves_no_draft(tmp_path: Path) -> None:
    publish(tmp_path, CHAMPION)
    publish(tmp_path, replace(CHAMPION, version=4))
    assert read_published(tmp_path).version == 4
    assert [p.name for p in (tmp_path / "serving").iterdir()] == ["churn.json"]


def test_each_model_has_its_own_champion(tmp_path: Path) -> None:
    publish(tmp_path, CHAMPION)
    publish(tmp_path, replace(CHAMPION, name="other", version=9))
    assert read_published(tmp_path).version == 3
    assert read_published(tmp_path, "other").version == 9


def test_a_reader_never_sees_half_a_champion(tmp_path: Path) -> None:
    publish(tmp_path, CHAMPION)
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(read_published(tmp_path).version)  # raises on a torn file

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for version in range(4, 200):
            publish(tmp_path, replace(CHAMPION, version=version))
    finally:
        done.set()
        reader.join()
    assert seen <= set(range(3, 200))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"no champion published at .*: no serving/churn\.json; promote a"),
        ("{not json", r"cannot read .*churn\.json: Expecting property name"),
        ('{"version": 3}', r"churn\.json is not a published champion"),
        ("[1, 2]", r"churn\.json is not a published champion"),
    ],
)
def test_a_missing_or_broken_file_is_named(
    tmp_path: Path, content: str | None, message: str
) -> None:
    if content is not None:
        serving_file(tmp_path, "churn").parent.mkdir()
        serving_file(tmp_path, "churn").write_text(content)
    with pytest.raises(PublishedError, match=message):
        read_published(tmp_path)


def test_files_resolve_under_the_registry_only(tmp_path: Path) -> None:
    assert resolve(tmp_path, "artifacts/m.onnx") == (tmp_path / "artifacts/m.onnx")
    for outside in ("../m.onnx", "/etc/passwd", "artifacts/../../m.onnx"):
        with pytest.raises(PublishedError, match="is outside the registry"):
            resolve(tmp_path, outside)
