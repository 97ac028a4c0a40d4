from pathlib import Path

import pytest

from churn.artifacts import sha256
from churn.registry import ModelRef, Registry, RegistryError
from production.model_card import model_card, registry_card

USE = "Rank customers for a retention call."
LIMITS = ["Not validated on business customers."]


def make_ref(**changes: object) -> ModelRef:
    values: dict[str, object] = {
        "name": "churn",
        "version": 3,
        "alias": "champion",
        "run_id": "run-abc",
        "sha256": "a" * 64,
        "data_hash": "d" * 64,
        "path": Path("model.skops"),
        "metrics": {"auc": 0.78, "auc.contract.one-year": 0.7123},
    }
    return ModelRef(**(values | changes))  # type: ignore[arg-type]


def test_card_names_identity_lineage_and_metrics() -> None:
    card = model_card(make_ref(), {"seed": "7"}, USE, LIMITS)
    assert card.startswith("# Model card: churn v3\n")
    for line in [
        "| Alias | champion |",
        "| Run | `run-abc` |",
        f"| Training data (SHA-256) | `{'d' * 64}` |",
        f"| Artifact (SHA-256) | `{'a' * 64}` |",
        "| auc | 0.7800 |",
        "| auc, contract = one-year | 0.7123 |",
        "| seed | 7 |",
        "- Not validated on business customers.",
        USE,
    ]:
        assert line in card.splitlines()


def test_overall_metrics_come_before_slices_and_params_are_sorted() -> None:
    ref = make_ref(metrics={"auc.contract.two-year": 0.7, "auc": 0.8})
    card = model_card(ref, {"b": "2", "a": "1"}, USE, LIMITS)
    assert card.index("| auc | 0.8000 |") < card.index("| auc, contract = two-year")
    assert card.index("| a | 1 |") < card.index("| b | 2 |")


def test_a_version_without_alias_says_none() -> None:
    card = model_card(make_ref(alias=None), {}, USE, LIMITS)
    assert "| Alias | none |" in card.splitlines()


def test_a_card_without_limitations_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one limitation"):
        model_card(make_ref(), {}, USE, [])


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    """A real registry with one promoted version (creating the database takes ~10 s).

    The artifact is a stand-in file: the card reads hashes, not the model.
    """
    root = tmp_path_factory.mktemp("registry")
    artifact = root / "model.skops"
    artifact.write_bytes(b"not a real model")
    registry = Registry(root)
    run_id = registry.log_run(
        artifact, sha256(artifact), {"seed": 7}, {"auc": 0.8}, data_hash="d" * 64
    )
    registry.promote(registry.register(run_id))
    return registry


def test_registry_card_reads_the_champion_and_its_run(registry: Registry) -> None:
    champion = registry.champion()
    assert champion is not None
    card = registry_card(registry, USE, LIMITS)
    assert card == model_card(champion, {"seed": "7"}, USE, LIMITS)
    assert f"| Run | `{champion.run_id}` |" in card.splitlines()


def test_registry_card_of_a_given_version(registry: Registry) -> None:
    assert registry_card(registry, USE, LIMITS, version=1).startswith(
        "# Model card: churn v1\n"
    )


def test_registry_card_without_champion_is_refused(registry: Registry) -> None:
    other = Registry(registry.root, model_name="unpromoted")
    with pytest.raises(RegistryError, match="no champion"):
        registry_card(other, USE, LIMITS)
