"""Every setting of a training run, as code: typed, defaulted, and loadable from TOML.

Keeping settings in one frozen object means a run is described by data you can log,
diff and reload, not by values scattered through a notebook.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A configuration file names a setting that does not exist or has a bad value."""


# --8<-- [start:config]
@dataclass(frozen=True)
class ModelConfig:
    """Hyperparameters of the gradient-boosted trees classifier."""

    learning_rate: float = 0.1
    max_iter: int = 150
    max_leaf_nodes: int = 15
    l2_regularization: float = 1.0


@dataclass(frozen=True)
class GateConfig:
    """What a candidate model must achieve before it may replace the champion.

    The floors are set for AUC measured on later data (`churn.train.split`), which
    is lower than a random split would report.

    Attributes:
        min_auc: The candidate's overall AUC must reach this.
        max_drop: It may be at most this much worse than the champion's AUC.
        slice_column: The column whose values define the data slices checked.
        min_slice_auc: Every slice's AUC must reach this.
    """

    min_auc: float = 0.7
    max_drop: float = 0.005
    slice_column: str = "contract"
    min_slice_auc: float = 0.6


@dataclass(frozen=True)
class Config:
    """A complete training run: data size, split, seed, model and gate."""

    seed: int = 7
    n_rows: int = 20_000
    test_size: float = 0.25
    model: ModelConfig = field(default_factory=ModelConfig)
    gate: GateConfig = field(default_factory=GateConfig)

    def to_params(self) -> dict[str, Any]:
        """Flatten to ``{"model.max_iter": 150, ...}``, the shape MLflow logs.

        Example:
            ```python
            from churn.config import Config

            params = Config(seed=3).to_params()
            print(params["seed"], params["model.max_iter"], params["gate.min_auc"])
            #> 3 150 0.7
            ```
        """
        flat: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, dict):
                flat.update({f"{key}.{k}": v for k, v in value.items()})
            else:
                flat[key] = value
        return flat


# --8<-- [end:config]


def _coerce(default: Any, value: Any, name: str) -> Any:
    """Check a value against the type of its default; TOML's 1 is accepted for 1.0."""
    fits = isinstance(value, type(default))
    fits = fits or (isinstance(default, float) and isinstance(value, int))
    if isinstance(value, bool) or not fits:
        raise ConfigError(f"{name} must be {type(default).__name__}, got {value!r}")
    return type(default)(value)


def _build(cls: type, values: dict[str, Any], prefix: str = "") -> Any:
    """Build ``cls`` from a TOML table, naming the first bad key in any error."""
    defaults = cls()
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"unknown setting '{prefix}{unknown[0]}'; known: {sorted(known)}"
        )
    kwargs = {}
    for name, value in values.items():
        default = getattr(defaults, name)
        if isinstance(default, ModelConfig | GateConfig):
            if not isinstance(value, dict):
                raise ConfigError(f"{prefix}{name} must be a table, got {value!r}")
            kwargs[name] = _build(type(default), value, f"{prefix}{name}.")
        else:
            kwargs[name] = _coerce(default, value, f"{prefix}{name}")
    return cls(**kwargs)


def load_config(path: str | Path) -> Config:
    """Read a TOML file; settings it omits keep their defaults.

    Args:
        path: A TOML file with top-level keys and ``[model]`` and ``[gate]`` tables.

    Returns:
        The configuration.

    Raises:
        ConfigError: If a key is unknown or a value has the wrong type.
    """
    with Path(path).open("rb") as file:
        return _build(Config, tomllib.load(file), "")
