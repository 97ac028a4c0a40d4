"""Exercise: put the run's package versions on the model card.

From docs/production/model-versioning.md. Every training run records the Python and
package versions it ran with, as ``env.*`` tags (``env.python``, ``env.pandas``, ...),
but ``production.model_card.registry_card`` leaves them off the card. Write the test
first: ``missing_versions`` says which recorded versions a card does not show. Then
make ``registry_card`` below end the card with an "Environment" section that shows
them all.

Edit this file, then run ``make exercise NAME=production/model_versioning``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from churn.registry import Registry
from production import model_card

ENV = "env."  # the prefix of the tags that record a package version


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
    # TODO: look for each env.* tag's row in the card.
    return []


def environment_section(tags: Mapping[str, str]) -> list[str]:
    """The lines of the card's "Environment" section, from the run's tags.

    Args:
        tags: The run's tags; only those starting with ``env.`` are shown.

    Returns:
        A heading ``## Environment``, a blank line, then a table with the columns
        Package and Version and one row per ``env.*`` tag, sorted by package.
    """
    # TODO: write the heading and the table.
    return []


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
    # TODO: end the card with environment_section(tags). The tags are those of the
    # version's run, registry.client.get_run(ref.run_id).data.tags, where ref is
    # registry.champion() or registry.get(version).
    return card
