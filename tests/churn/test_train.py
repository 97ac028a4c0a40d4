import pandas as pd
import pytest

from churn.artifacts import save_model
from churn.data import DataContractError, generate
from churn.fields import LABEL_DAYS
from churn.train import build_pipeline, split, train


def test_split_holds_out_the_latest_rows(frame, config):
    train_rows, held_out = split(frame, config)
    assert len(held_out) == pytest.approx(len(frame) * config.test_size, rel=0.05)
    assert held_out["observed_on"].min() > frame["observed_on"].min()
    assert held_out["observed_on"].max() == frame["observed_on"].max()
    again, _ = split(frame.sample(frac=1, random_state=1), config)
    assert sorted(again.index) == sorted(train_rows.index)  # order does not matter


def test_training_stops_a_label_window_before_the_held_out_rows(frame, config):
    train_rows, held_out = split(frame, config)
    gap = held_out["observed_on"].min() - train_rows["observed_on"].max()
    assert gap > pd.Timedelta(days=LABEL_DAYS)
    assert gap <= pd.Timedelta(days=LABEL_DAYS + 1)
    # Every row falls in one part or in the gap, none in both.
    assert not set(train_rows.index) & set(held_out.index)


def test_a_random_split_overstates_more_than_a_split_by_time():
    """The claim of capstone/package.md, on the page's data and the next quarter."""
    from sklearn.model_selection import train_test_split

    from churn.config import Config
    from churn.evaluate import evaluate

    config = Config()
    rows = generate(config.n_rows, config.seed)
    later = generate(5_000, seed=8, first_id=20_001, start="2026-01-01", days=90)
    at_random = train_test_split(
        rows,
        test_size=config.test_size,
        random_state=config.seed,
        stratify=rows["churned"],
    )
    overstated = {}
    for name, (train_rows, held_out) in {
        "random": at_random,
        "time": split(rows, config),
    }.items():
        model = train(train_rows, config)
        promised = evaluate(model, held_out, "contract").auc
        overstated[name] = promised - evaluate(model, later, "contract").auc
    assert overstated["random"] > 0.02
    assert overstated["time"] < overstated["random"] / 2


def test_split_says_when_the_days_are_too_few(config):
    rows = generate(500, seed=1, start="2026-01-01", days=LABEL_DAYS)
    with pytest.raises(ValueError, match="leave nothing to train on before a 30-day"):
        split(rows, config)


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
