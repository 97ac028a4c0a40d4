"""One answer to the exercise of docs/production/model-versioning.md.

The card's last section is a table of the run's ``env.*`` tags, and
``missing_versions`` looks for each tag's row in a card, so a test can fail when a
recorded version is not on it. Read it after your own attempt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from churn.registry import Registry
from production import model_card

ENV = "env."  # the prefix of the tags that record a package version


def _versions(tags: Mapping[str, str]) -> list[tuple[str, str]]:
    """The ``(package, version)`` pairs the ``env.*`` tags record, sorted."""
    return sorted(
        (key.removeprefix(ENV), value)
        for key, value in tags.items()
        if key.startswith(ENV)
    )


def missing_versions(card: str, tags: Mapping[str, str]) -> list[str]:
    """The packages whose recorded version the card does not show.

    A version is shown when the card has the table row ``| <package> | <version> |``,
    e.g. ``| pandas | 3.1.1 |`` for the tag ``env.pandas`` = ``3.1.1``.

    Args:
        card: A model card, in Markdown.
        tags: The run's tags; those starting with ``env.`` record a version.

    Returns:
        The names of those packages, without ``env.``, sorted; empty if none.
    """
    rows = set(card.splitlines())
    return [
        name for name, value in _versions(tags) if f"| {name} | {value} |" not in rows
    ]


def environment_section(tags: Mapping[str, str]) -> list[str]:
    """The lines of the card's "Environment" section, from the run's tags.

    Args:
        tags: The run's tags; only those starting with ``env.`` are shown.

    Returns:
        A heading ``## Environment``, a blank line, then a table with the columns
        Package and Version and one row per ``env.*`` tag, sorted by package.
    """
    rows = [f"| {name} | {value} |" for name, value in _versions(tags)]
    return ["## Environment", "", "| Package | Version |", "|---|---|", *rows]


def registry_card(
    registry: Registry,
    intended_use: str,
    limitations: Sequence[str],
    version: int | None = None,
) -> str:
    """The model card of a version, by default the champion, with its environment.

    Args:
        registry: Where the version and its run are.
        intended_use: Who should use the model, for what decision.
        limitations: Where it should not be trusted; at least one.
        version: The version; None for the champion.

    Returns:
        The card of ``production.model_card.registry_card``, then a blank line and
        the "Environment" section.
    """
    card = model_card.registry_card(registry, intended_use, limitations, version)
    ref = registry.champion() if version is None else registry.get(version)
    tags = registry.client.get_run(ref.run_id).data.tags
    return card + "\n" + "\n".join(environment_section(tags)) + "\n"
