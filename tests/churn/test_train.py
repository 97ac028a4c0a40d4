import pytest

from churn.artifacts import save_model
from churn.data import DataContractError
from churn.train import build_pipeline, split, train


def test_split_is_stratified_and_seeded(frame, config):
    train_rows, test_rows = split(frame, config)
    assert len(test_rows) == int(len(frame) * config.test_size)
    assert abs(train_rows["churned"].mean() - test_rows["churned"].mean()) < 0.01
    again, _ = split(frame, config)
    assert list(again.index) == list(train_rows.index)


def test_pipeline_takes_hyperparameters_and_seed_from_config(config):
    classifier = build_pipeline(config).named_steps["classifier"]
    assert classifier.max_iter == config.model.max_iter
    assert classifier.random_state == config.seed


# --8<-- [start:reproducible]
def test_training_twice_gives_the_same_artifact_hash(train_frame, config, tmp_path):
    """Same data and config, same bytes: the test behind 'training is reproducible'."""
    first = save_model(train(train_frame, config), tmp_path / "first.skops")
    second = save_model(train(train_frame, config), tmp_path / "second.skops")
    assert first == second


# --8<-- [end:reproducible]


def test_training_refuses_data_that_breaks_the_contract(train_frame, config):
    with pytest.raises(DataContractError, match="monthly_charges"):
        train(train_frame.assign(monthly_charges=-1.0), config)
