"""Compiled trees: the fitted boosting model evaluated with NumPy, all trees at once.

`HistGradientBoostingClassifier.predict_proba` walks its trees one at a time, with a
Python call per tree: 150 calls of fixed cost, whether it scores one row or a
thousand. For a service that scores a few rows per call, that fixed cost is the
whole latency. `Trees` copies the fitted trees' nodes into flat arrays and walks
every tree one level per step, so a call costs a dozen NumPy operations.

The nodes are read from the fitted model's internal attributes, which scikit-learn
may change in any release. That is why nothing trusts this module blindly:
`churn.scorer.check_parity` compares it with ``predict_proba`` on every model load,
and a model it does not reproduce exactly is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit
from sklearn.ensemble import HistGradientBoostingClassifier


class UnsupportedModelError(ValueError):
    """The model is not one `Trees` can evaluate exactly."""


# --8<-- [start:trees]
@dataclass(frozen=True)
class Trees:
    """A binary boosting model's trees as flat arrays: one entry per node.

    Attributes:
        roots: The index of each tree's root node, in boosting order.
        feature: The feature each split node tests.
        threshold: The split value: a row goes left when its value is at or below.
        missing_left: Where a missing value goes, per node.
        children: Node n's right child at 2n and left child at 2n + 1, so that
            ``children[2 * n + go_left]`` takes a step; a leaf points to itself.
        value: Each leaf's contribution to the raw score.
        baseline: The raw score before any tree.
        depth: The deepest tree's depth: the number of steps to reach every leaf.
    """

    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    children: np.ndarray
    value: np.ndarray
    baseline: float
    depth: int

    def churn_probability(self, features: np.ndarray) -> np.ndarray:
        """Return the probability of the positive class for each row of `features`."""
        n_rows, n_features = features.shape
        flat = features.ravel()
        row_start = (np.arange(n_rows) * n_features)[:, None]
        missing = np.isnan(flat).any()
        node = np.broadcast_to(self.roots, (n_rows, len(self.roots)))
        for _ in range(self.depth):  # every row descends in every tree at once
            x = flat[row_start + self.feature[node]]
            go_left = x <= self.threshold[node]
            if missing:  # a missing value goes where training sent it
                go_left |= np.isnan(x) & self.missing_left[node]
            node = self.children[2 * node + go_left]
        # Add the leaves in boosting order, as scikit-learn does, so the sums and
        # the probabilities match it to the last bit.
        start = np.full((n_rows, 1), self.baseline)
        raw = np.cumsum(np.hstack([start, self.value[node]]), axis=1)[:, -1]
        return expit(raw)


# --8<-- [end:trees]


def compile_trees(model: HistGradientBoostingClassifier) -> Trees:
    """Copy a fitted binary `HistGradientBoostingClassifier`'s trees into arrays.

    Raises:
        UnsupportedModelError: If the model is of another kind, has more than two
            classes, or splits on categorical features.
    """
    if not isinstance(model, HistGradientBoostingClassifier):
        raise UnsupportedModelError(
            f"expected a HistGradientBoostingClassifier, got {type(model).__name__}"
        )
    if model.n_trees_per_iteration_ != 1:
        raise UnsupportedModelError("only binary classifiers are supported")
    nodes = [predictors[0].nodes for predictors in model._predictors]
    if any(tree["is_categorical"].any() for tree in nodes):
        raise UnsupportedModelError("categorical splits are not supported")
    sizes = [len(tree) for tree in nodes]
    roots = np.cumsum([0, *sizes[:-1]])
    every = np.concatenate(nodes)
    own = np.arange(len(every))
    shift = np.repeat(roots, sizes)  # children are numbered within their tree
    leaf = every["is_leaf"].astype(bool)
    left = np.where(leaf, own, every["left"] + shift)
    right = np.where(leaf, own, every["right"] + shift)
    return Trees(
        roots=roots,
        feature=every["feature_idx"].astype(np.intp),
        threshold=every["num_threshold"],
        missing_left=every["missing_go_to_left"].astype(bool),
        children=np.column_stack([right, left]).ravel(),
        value=every["value"],
        baseline=float(np.ravel(model._baseline_prediction)[0]),
        depth=max(int(tree["depth"].max()) for tree in nodes),
    )
