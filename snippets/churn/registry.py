"""Track training runs and version models with MLflow, on one local SQLite file.

In production someone will ask, usually during an incident: which model is serving
right now, which data and settings was it trained on, how did it score, and how do
we go back to the one before? Without a registry the answers live in file names,
chat threads and memory. With one, each is a lookup:

- the ``champion`` alias names the version that serves, ``challenger`` the next one;
- each version carries the hash of its file and of its training data, and points to
  the run that logged its parameters, metrics and package versions;
- `Registry.rollback` makes the previous champion serve again in one call.

Everything lives under one folder (``mlflow.db`` plus an ``artifacts`` folder), so
the guide needs no server and no account; pointing the URIs at an MLflow server
changes nothing else. Each change of champion also writes ``serving/<model>.json``
(`churn.published`): what the service reads, so serving never imports MLflow.
"""

from __future__ import annotations

import logging
import os
import platform
import time
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING, Any

# MLflow 3 sends usage telemetry unless told not to, and decides when it is imported.
# A registry on a local file has no reason to reach the network; an explicit
# setting by the user still wins.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

from mlflow import MlflowClient
from mlflow.entities import Metric, Param
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from sqlalchemy.exc import SQLAlchemyError

from churn.artifacts import ArtifactError, load_model
from churn.artifacts import sha256 as file_sha256
from churn.published import NO_EXPORT, Published, onnx_note, publish

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

# Creating the database logs INFO lines about its tables; they say nothing a reader
# of the training log needs. Warnings and errors still show.
logging.getLogger("mlflow.store.db.utils").setLevel(logging.WARNING)

CHAMPION = "champion"
CHALLENGER = "challenger"
HISTORY_TAG = "champion_history"  # registered-model tag: earlier champions, in order
ARTIFACT_DIR = "model"
VERSION_TAGS = ("sha256", "data_hash", "model_file")  # copied from run to version
ONNX_TAG_PREFIX = "onnx_"  # the ONNX file, its hash and its proof: copied too
PACKAGES = ("scikit-learn", "pandas", "skops")


class RegistryError(LookupError):
    """The registry has no such thing: a version, a run, a champion, a predecessor."""


def _first_line(error: Exception) -> str:
    """An error's first line: SQLAlchemy appends the statement and a help link."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(getattr(error, "orig", None) or error).splitlines()[0]


@dataclass(frozen=True)
class ModelRef:
    """One registered model version: what serving needs to load and verify it.

    Attributes:
        name: The registered model's name.
        version: Its version number, from 1.
        alias: ``champion``, ``challenger`` or None.
        run_id: The MLflow run that logged it.
        sha256: The model file's hash; loading refuses any other bytes.
        data_hash: The hash of the data it was trained on.
        path: A local copy of the model file.
        metrics: The metrics logged with its run.
        onnx_path: A local copy of its ONNX export, or None without one.
        onnx_sha256: The ONNX file's hash, recorded with its parity proof.
        onnx_note: The proof (rows, largest difference, tolerance), or why
            there is no export.
    """

    name: str
    version: int
    alias: str | None
    run_id: str
    sha256: str
    data_hash: str
    path: Path
    metrics: dict[str, float] = field(default_factory=dict)
    onnx_path: Path | None = None
    onnx_sha256: str | None = None
    onnx_note: str = NO_EXPORT


def environment() -> dict[str, str]:
    """Return the Python and package versions a model was trained with, as tags."""
    tags = {"env.python": platform.python_version()}
    return tags | {f"env.{name}": package_version(name) for name in PACKAGES}


class Registry:
    """Runs and model versions of one model, in a folder or on a tracking server.

    Args:
        root: The folder holding ``mlflow.db`` and ``artifacts/``; with a server,
            where downloaded files and ``serving/`` go.
        model_name: The registered model, and the experiment its runs are logged to.
        create: Start a new registry at root if it has no ``mlflow.db``. False
            refuses a missing registry, so a mistyped path is an error instead
            of a new, empty registry that quietly takes the models.
        tracking_uri: An MLflow tracking server (``http://...``) that several
            processes share; runs, versions and files then live there.

    Attributes:
        client: The underlying `MlflowClient`, for queries this class does not wrap.
    """

    def __init__(
        self,
        root: str | Path,
        model_name: str = "churn",
        create: bool = True,
        tracking_uri: str | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.model_name = model_name
        self.server = tracking_uri
        where = tracking_uri or root
        if tracking_uri is None and not create and not self.database.is_file():
            raise RegistryError(f"no registry at {root}: it has no mlflow.db")
        # URIs go to this client only, not to mlflow's global state, so two
        # registries in one process stay apart.
        uri = tracking_uri or f"sqlite:///{self.database}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.client = MlflowClient(tracking_uri=uri, registry_uri=uri)
            self._experiment_id = self._experiment()
            self._ensure_registered_model()
        except (OSError, MlflowException, SQLAlchemyError) as error:
            # One line that names the place; the SQL and the traceback stay out.
            raise RegistryError(
                f"cannot open the registry at {where}: {_first_line(error)}"
            ) from None

    @property
    def database(self) -> Path:
        """The SQLite file of a registry kept in a folder (unused with a server)."""
        return self.root / "mlflow.db"

    def _experiment(self) -> str:
        """Return the experiment's ID, creating it with artifacts under root.

        A server keeps artifacts where it was told to (``--artifacts-destination``)
        and hands them out through its proxy, so its experiments set no location.
        """
        found = self.client.get_experiment_by_name(self.model_name)
        if found is not None:
            return found.experiment_id
        if self.server is not None:
            return self.client.create_experiment(self.model_name)
        # Without an explicit location MLflow writes to ./mlruns of the current folder.
        location = (self.root / "artifacts" / self.model_name).as_uri()
        return self.client.create_experiment(
            self.model_name, artifact_location=location
        )

    def _ensure_registered_model(self) -> None:
        try:
            self.client.get_registered_model(self.model_name)
        except MlflowException:
            self.client.create_registered_model(self.model_name)

    # --8<-- [start:log-run]
    def log_run(
        self,
        model_path: str | Path,
        sha256: str,
        params: dict[str, Any],
        metrics: dict[str, float],
        data_hash: str,
        tags: dict[str, str] | None = None,
        onnx_path: str | Path | None = None,
    ) -> str:
        """Record a training run: settings, scores, data and environment, and the file.

        Args:
            model_path: The model file written by `churn.artifacts.save_model`.
            sha256: The hash `save_model` returned; checked against the file.
            params: Settings, as `Config.to_params` returns them.
            metrics: Scores, as `Evaluation.to_metrics` returns them.
            data_hash: The hash of the training data (`churn.data.data_hash`).
            tags: Any further tags; they cannot override the ones set here. With
                an ONNX file, the tags of `churn.export.Export.tags` (its proof).
            onnx_path: The model's ONNX export, stored next to the model file.

        Returns:
            The run's ID.

        Raises:
            ArtifactError: If a file's hash is not the one given.
            FileNotFoundError: If there is no file at model_path or onnx_path.
        """
        model_path = Path(model_path)
        _check_hash(model_path, sha256)
        facts = {
            "sha256": sha256,
            "data_hash": data_hash,
            "model_file": f"{ARTIFACT_DIR}/{model_path.name}",
        }
        if onnx_path is not None:
            onnx_path = Path(onnx_path)
            facts["onnx_sha256"] = file_sha256(onnx_path)
            facts["onnx_file"] = f"{ARTIFACT_DIR}/{onnx_path.name}"
        run = self.client.create_run(
            self._experiment_id, tags=(tags or {}) | facts | environment()
        )
        run_id = run.info.run_id
        now = int(time.time() * 1000)
        self.client.log_batch(
            run_id,
            metrics=[Metric(key, float(v), now, 0) for key, v in metrics.items()],
            params=[Param(key, str(value)) for key, value in params.items()],
        )
        for path in (model_path, onnx_path):
            if path is not None:
                self.client.log_artifact(run_id, str(path), ARTIFACT_DIR)
        self.client.set_terminated(run_id)
        return run_id

    def register(self, run_id: str) -> int:
        """Register a logged run's model as the next version.

        The version carries the file and data hashes itself, so serving can verify
        the file without reading the run.

        Raises:
            RegistryError: If there is no such run or it was not logged by `log_run`.
        """
        try:
            run = self.client.get_run(run_id)
        except MlflowException as error:
            raise RegistryError(f"no run {run_id!r} in {self.root}") from error
        missing = [tag for tag in VERSION_TAGS if tag not in run.data.tags]
        if missing:
            raise RegistryError(
                f"run {run_id} has no tag(s) {missing}; log runs with Registry.log_run"
            )
        tags = {
            tag: value
            for tag, value in run.data.tags.items()
            if tag in VERSION_TAGS or tag.startswith(ONNX_TAG_PREFIX)
        }
        version = self.client.create_model_version(
            self.model_name,
            source=f"{run.info.artifact_uri}/{ARTIFACT_DIR}",
            run_id=run_id,
            tags=tags,
        )
        return int(version.version)

    # --8<-- [end:log-run]

    def _version(self, version: int) -> ModelVersion:
        try:
            return self.client.get_model_version(self.model_name, str(version))
        except MlflowException as error:
            raise RegistryError(
                f"model {self.model_name!r} has no version {version}"
            ) from error

    def get(self, version: int) -> ModelRef:
        """Return a version with a fresh local copy of its file.

        Raises:
            RegistryError: If the model has no such version.
        """
        found = self._version(version)
        tags = found.tags
        alias = next((a for a in (CHAMPION, CHALLENGER) if a in found.aliases), None)
        onnx_file = tags.get("onnx_file")
        return ModelRef(
            name=self.model_name,
            version=int(found.version),
            alias=alias,
            run_id=found.run_id,
            sha256=tags["sha256"],
            data_hash=tags["data_hash"],
            path=self._local_file(found.run_id, tags["model_file"]),
            metrics=self.client.get_run(found.run_id).data.metrics,
            onnx_path=None
            if onnx_file is None
            else self._local_file(found.run_id, onnx_file),
            onnx_sha256=tags.get("onnx_sha256"),
            onnx_note=onnx_note(tags),
        )

    def _local_file(self, run_id: str, name: str) -> Path:
        """Find a run's model file under root, wherever root was when it was logged.

        MLflow records absolute artifact paths, so a registry folder copied into a
        container (or mounted read-only at /models) would point at the old place.
        Files are found by their fixed layout under root instead, with nothing
        written; the hash check in `load` still refuses a changed file. Only a
        registry whose artifacts live elsewhere (a server) is downloaded from.
        """
        path = self.root / "artifacts" / self.model_name / run_id / "artifacts" / name
        if path.is_file():
            return path
        folder = self.root / "downloads" / self.model_name / run_id
        return Path(self.client.download_artifacts(run_id, name, str(folder)))

    def _by_alias(self, alias: str) -> ModelRef | None:
        version = self.client.get_registered_model(self.model_name).aliases.get(alias)
        return None if version is None else self.get(version)

    def champion(self) -> ModelRef | None:
        """Return the version that serves, or None before the first promotion."""
        return self._by_alias(CHAMPION)

    def challenger(self) -> ModelRef | None:
        """Return the version waiting to be compared with the champion, if any."""
        return self._by_alias(CHALLENGER)

    # --8<-- [start:aliases]
    def set_challenger(self, version: int) -> None:
        """Mark a version as the challenger, e.g. to shadow the champion.

        Raises:
            RegistryError: If the model has no such version.
        """
        self._version(version)
        self.client.set_registered_model_alias(self.model_name, CHALLENGER, version)

    def promote(self, version: int) -> None:
        """Make a version the champion, remembering the one it replaces.

        Promoting the current champion again changes nothing but publishes it
        again. A challenger that is promoted stops being the challenger. The new
        champion is published for serving (`churn.published`).

        Raises:
            RegistryError: If the model has no such version.
        """
        self._version(version)
        model = self.client.get_registered_model(self.model_name)
        current = model.aliases.get(CHAMPION)
        if current != version:
            if current is not None:
                self._set_history([*_history(model.tags), current])
            self.client.set_registered_model_alias(self.model_name, CHAMPION, version)
            if model.aliases.get(CHALLENGER) == version:
                self.client.delete_registered_model_alias(self.model_name, CHALLENGER)
        self._publish(self.get(version))

    def rollback(self) -> ModelRef:
        """Make the previous champion the champion again, in one call.

        Returns:
            The version that serves now.

        Raises:
            RegistryError: If no champion was ever replaced.
        """
        history = _history(self.client.get_registered_model(self.model_name).tags)
        if not history:
            raise RegistryError(
                f"model {self.model_name!r} has no previous champion to roll back to"
            )
        previous = history.pop()
        self.client.set_registered_model_alias(self.model_name, CHAMPION, previous)
        self._set_history(history)
        champion = self.get(previous)
        self._publish(champion)
        return champion

    # --8<-- [end:aliases]

    def _publish(self, champion: ModelRef) -> None:
        """Write the champion where the service reads it, paths relative to root."""

        def relative(path: Path) -> str:
            return path.relative_to(self.root).as_posix()

        onnx = champion.onnx_path
        publish(
            self.root,
            Published(
                name=champion.name,
                version=champion.version,
                sha256=champion.sha256,
                data_hash=champion.data_hash,
                model_file=relative(champion.path),
                onnx_file=None if onnx is None else relative(onnx),
                onnx_sha256=champion.onnx_sha256,
                onnx_note=champion.onnx_note,
            ),
        )

    def _set_history(self, versions: list[int]) -> None:
        value = ",".join(str(v) for v in versions)
        self.client.set_registered_model_tag(self.model_name, HISTORY_TAG, value)

    def load(self, ref: ModelRef) -> Pipeline:
        """Load a version's model, refusing a file whose hash is not the registered one.

        Raises:
            ArtifactError: If the file's hash differs or it holds untrusted types.
        """
        return load_model(ref.path, ref.sha256)


def _history(tags: dict[str, str]) -> list[int]:
    """Read the earlier champions from the registered model's tags, oldest first."""
    return [int(v) for v in tags.get(HISTORY_TAG, "").split(",") if v]


def _check_hash(path: Path, expected: str) -> None:
    """Refuse to log a file that is not the one whose hash the caller recorded."""
    actual = file_sha256(path)
    if actual != expected:
        raise ArtifactError(
            f"{path}: SHA-256 is {actual[:12]}..., but log_run was given"
            f" {expected[:12]}...; is this the file save_model wrote?"
        )
