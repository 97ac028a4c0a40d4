"""A model card, generated from what the registry already knows about a version.

A model card tells the people who use a model what it is for, how it was made and
how well it works, including where it works less well. Most of it is already in the
registry: the version and its alias, the run with its settings and its scores per
slice, the hashes of the data and of the file. Generating the card from there means
it cannot disagree with the model it describes. What only a person can write, the
intended use and the limitations, is passed in, and is required.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Mapping, Sequence

from churn.registry import ModelRef, Registry, RegistryError

# --8<-- [end:imports]


# --8<-- [start:card]
def model_card(
    ref: ModelRef,
    params: Mapping[str, str],
    intended_use: str,
    limitations: Sequence[str],
) -> str:
    """Write a Markdown model card for one registered version.

    Args:
        ref: The version, as `churn.registry.Registry.get` returns it.
        params: The settings its run logged.
        intended_use: Who should use the model, for what decision.
        limitations: Where it should not be trusted; at least one.

    Returns:
        The card: use and limits first, then lineage, metrics and settings.
        Metrics with dots in their name are per slice: ``auc.contract.one-year``
        is shown as ``auc, contract = one-year``.

    Raises:
        ValueError: If no limitation is given: every model has some.
    """
    if not any(text.strip() for text in limitations):
        raise ValueError("a model card needs at least one limitation")
    overall = sorted((k, v) for k, v in ref.metrics.items() if "." not in k)
    sliced = sorted((k, v) for k, v in ref.metrics.items() if "." in k)
    lines = [
        f"# Model card: {ref.name} v{ref.version}",
        "",
        "## Intended use",
        "",
        intended_use.strip(),
        "",
        "## Limitations",
        "",
        *[f"- {text.strip()}" for text in limitations if text.strip()],
        "",
        "## Lineage",
        "",
        *_table(
            ("Fact", "Value"),
            [
                ("Model", ref.name),
                ("Version", str(ref.version)),
                ("Alias", ref.alias or "none"),
                ("Run", f"`{ref.run_id}`"),
                ("Training data (SHA-256)", f"`{ref.data_hash}`"),
                ("Artifact (SHA-256)", f"`{ref.sha256}`"),
            ],
        ),
        "",
        "## Metrics on held-out rows",
        "",
        *_table(
            ("Metric", "Value"),
            [(_metric_name(k), f"{v:.4f}") for k, v in overall + sliced],
        ),
        "",
        "## Training settings",
        "",
        *_table(("Setting", "Value"), sorted(params.items())),
    ]
    return "\n".join(lines) + "\n"


def registry_card(
    registry: Registry,
    intended_use: str,
    limitations: Sequence[str],
    version: int | None = None,
) -> str:
    """Write the model card of a registered version, by default the champion.

    Raises:
        RegistryError: If there is no such version, or no champion.
        ValueError: As `model_card`.
    """
    ref = registry.champion() if version is None else registry.get(version)
    if ref is None:
        raise RegistryError(f"model {registry.model_name!r} has no champion")
    params = registry.client.get_run(ref.run_id).data.params
    return model_card(ref, params, intended_use, limitations)


# --8<-- [end:card]


# --8<-- [start:helpers]
def _metric_name(name: str) -> str:
    """``auc.contract.one-year`` -> ``auc, contract = one-year``; ``auc`` as is."""
    metric, _, where = name.partition(".")
    column, _, value = where.partition(".")
    return f"{metric}, {column} = {value}" if where else name


def _table(header: tuple[str, str], rows: Sequence[tuple[str, str]]) -> list[str]:
    """A two-column Markdown table; ``|`` inside a cell is escaped."""

    def line(cells: tuple[str, str]) -> str:
        return "| " + " | ".join(str(c).replace("|", r"\|") for c in cells) + " |"

    return [line(header), "|---|---|", *[line(row) for row in rows]]


# --8<-- [end:helpers]
