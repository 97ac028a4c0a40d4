"""Compiled trees give scikit-learn's probabilities to the last bit, or refuse."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from churn.trees import UnsupportedModelError, compile_trees


def data(n: int = 2_000, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Numbers with missing values and a label that depends on them."""
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(n, 4))
    label = (features[:, 0] + features[:, 1] ** 2 + rng.normal(size=n) > 1).astype(int)
    features[rng.random((n, 4)) < 0.1] = np.nan  # missing values take a side
    return features, label


def test_the_churn_model_is_reproduced_exactly(model: Pipeline) -> None:
    classifier = model.steps[-1][1]
    features = np.random.default_rng(0).normal(size=(500, classifier.n_features_in_))
    trees = compile_trees(classifier)
    expected = classifier.predict_proba(features)[:, 1]
    assert np.array_equal(trees.churn_probability(features), expected)


def test_missing_values_follow_the_learned_side() -> None:
    features, label = data()
    classifier = HistGradientBoostingClassifier(max_iter=30, random_state=0)
    classifier.fit(features, label)
    trees = compile_trees(classifier)
    assert trees.missing_left.any()
    assert not trees.missing_left.all()
    expected = classifier.predict_proba(features)[:, 1]
    assert np.array_equal(trees.churn_probability(features), expected)


def test_every_leaf_is_reached_within_depth_steps(model: Pipeline) -> None:
    trees = compile_trees(model.steps[-1][1])
    own = np.arange(len(trees.feature))
    right, left = trees.children[0::2], trees.children[1::2]
    assert np.array_equal(left == own, right == own)  # a leaf points to itself
    assert 0 < trees.depth <= model.steps[-1][1].max_leaf_nodes


def test_rows_without_missing_values_take_the_same_path_as_with() -> None:
    features, label = data()
    classifier = HistGradientBoostingClassifier(max_iter=30, random_state=0)
    trees = compile_trees(classifier.fit(features, label))
    complete = features[~np.isnan(features).any(axis=1)]
    alone = trees.churn_probability(complete)
    mixed = trees.churn_probability(np.vstack([complete, features[:50]]))
    assert np.array_equal(alone, mixed[: len(complete)])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: LogisticRegression(), "got LogisticRegression"),
        (
            lambda: HistGradientBoostingClassifier(max_iter=3),
            "only binary classifiers",
        ),
        (
            lambda: HistGradientBoostingClassifier(
                max_iter=3, categorical_features=[0]
            ),
            "categorical splits",
        ),
    ],
)
def test_other_models_are_refused(make: object, message: str) -> None:
    features, label = data(600)
    if "binary" in message:
        label = label + (features[:, 2] > 1)  # a third class
    if "categorical" in message:
        features[:, 0] = np.random.default_rng(1).integers(0, 4, len(features))
    classifier = make().fit(np.nan_to_num(features), label)
    with pytest.raises(UnsupportedModelError, match=message):
        compile_trees(classifier)
