import pytest

from churn.config import GateConfig
from churn.evaluate import Evaluation, evaluate, gate


@pytest.fixture(scope="module")
def evaluation(model, test_frame):
    return evaluate(model, test_frame, "contract")


def test_evaluation_reports_overall_and_every_slice(evaluation, test_frame):
    assert evaluation.rows == len(test_frame)
    assert 0.75 < evaluation.auc < 1.0
    assert set(evaluation.slice_auc) == {
        "contract=month-to-month",
        "contract=one-year",
        "contract=two-year",
    }


def test_metrics_names_suit_mlflow(evaluation):
    metrics = evaluation.to_metrics()
    assert metrics["auc"] == evaluation.auc
    assert "auc.contract.two-year" in metrics
    assert not any("=" in name for name in metrics)


def test_a_slice_with_one_label_has_no_auc(model, test_frame):
    rows = test_frame.copy()
    rows.loc[rows["contract"] == "two-year", "churned"] = 0
    assert "contract=two-year" not in evaluate(model, rows, "contract").slice_auc


RULES = GateConfig(min_auc=0.75, max_drop=0.01, min_slice_auc=0.65)


def test_gate_promotes_a_good_first_model():
    decision = gate(Evaluation(0.8, 100, {"contract=a": 0.7}), None, RULES)
    assert decision.promote
    assert decision.reasons == ()


def test_gate_allows_a_drop_within_tolerance():
    champion = Evaluation(0.805, 100)
    assert gate(Evaluation(0.8, 100), champion, RULES).promote


@pytest.mark.parametrize(
    ("candidate", "champion", "reason"),
    [
        (Evaluation(0.7, 100), None, "below the floor 0.75"),
        (Evaluation(0.8, 100), Evaluation(0.83, 100), "worse than the champion's"),
        (
            Evaluation(0.8, 100, {"contract=one-year": 0.6}),
            None,
            "slice contract=one-year: AUC 0.6000 is below 0.65",
        ),
    ],
)
def test_gate_blocks_with_a_reason(candidate, champion, reason):
    decision = gate(candidate, champion, RULES)
    assert not decision.promote
    assert any(reason in r for r in decision.reasons)
