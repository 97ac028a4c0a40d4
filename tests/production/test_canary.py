import numpy as np
import pandas as pd
import pytest
from scipy import stats

from production.canary import (
    Arm,
    SequentialCanary,
    ShadowScorer,
    decide,
    false_rollbacks,
    required_requests,
    shadow_compare,
    spent_alpha,
)

RNG = np.random.default_rng(0)
LATENCIES = tuple(RNG.lognormal(np.log(10), 0.3, 3_000))
BASELINE = Arm(requests=20_000, errors=20, latencies_ms=LATENCIES)


def test_an_arm_refuses_impossible_counts():
    with pytest.raises(
        ValueError, match=r"errors must be between 0 and requests \(5\)"
    ):
        Arm(requests=5, errors=6, latencies_ms=(1.0,))


def test_harm_rolls_back_before_the_minimum_sample():
    canary = Arm(requests=200, errors=8, latencies_ms=LATENCIES[:200])
    decision = decide(BASELINE, canary, min_requests=1_000)
    assert decision.action == "rollback"
    assert decision.error_p_value < 0.01
    assert decision.reasons[0].startswith("error rate 4.00% vs baseline 0.10%")


def test_a_significantly_slower_canary_rolls_back():
    slow = tuple(x * 1.3 for x in LATENCIES)
    decision = decide(BASELINE, Arm(3_000, 3, slow))
    assert decision.action == "rollback"
    assert decision.latency_p_value < 0.01
    assert decision.reasons == (
        "median latency x1.30 of baseline's (Mann-Whitney"
        f" p={decision.latency_p_value:.2g}), more than x1.10",
    )


def test_a_slightly_slower_canary_within_tolerance_is_promoted():
    slower = tuple(x * 1.05 for x in LATENCIES[:1_500])
    decision = decide(BASELINE, Arm(1_500, 1, slower))
    assert decision.latency_p_value < 0.01  # real, but within the 10 % accepted
    assert decision.action == "promote"
    assert decision.reasons == ("no significant regression in 1,500 requests",)


def test_too_little_evidence_holds():
    decision = decide(BASELINE, Arm(300, 0, LATENCIES[:300]))
    assert decision.action == "hold"
    assert decision.reasons == ("300 of 1,000 requests so far",)


def test_required_requests_matches_the_textbook_case():
    # Doubling a 0.1 % error rate, one-sided alpha 0.01, power 0.8.
    assert 29_000 < required_requests(0.001, 0.002) < 31_000
    assert required_requests(0.001, 0.004) < required_requests(0.001, 0.002)


def test_required_requests_gives_the_promised_power():
    n = required_requests(0.05, 0.10, alpha=0.01, power=0.8)
    rng = np.random.default_rng(1)
    detected = 0
    for _ in range(300):
        base, canary = rng.binomial(n, 0.05), rng.binomial(n, 0.10)
        table = [[canary, n - canary], [base, n - base]]
        detected += stats.fisher_exact(table, alternative="greater").pvalue < 0.01
    # Fisher's exact test is slightly conservative, so a little under 0.8.
    assert 0.65 < detected / 300 < 0.9


@pytest.mark.parametrize(("low", "high"), [(0.0, 0.1), (0.2, 0.1), (0.1, 1.0)])
def test_required_requests_refuses_bad_rates(low, high):
    with pytest.raises(ValueError, match="need 0 < baseline_rate < canary_rate < 1"):
        required_requests(low, high)


def test_shadow_compare_counts_decisions_that_differ():
    report = shadow_compare([0.1, 0.6, 0.49, 0.9], [0.2, 0.4, 0.51, 0.9])
    assert report.requests == 4
    assert report.disagreement_rate == 0.5
    assert report.mean_abs_diff == pytest.approx((0.1 + 0.2 + 0.02) / 4)
    assert report.max_abs_diff == pytest.approx(0.2)
    assert report.shadow_errors == 0


@pytest.mark.parametrize(("live", "shadow"), [([0.1], [0.1, 0.2]), ([], [])])
def test_shadow_compare_refuses_unpaired_input(live, shadow):
    with pytest.raises(ValueError, match="one probability per record each"):
        shadow_compare(live, shadow)


def test_shadow_scorer_answers_with_live_and_swallows_shadow_failures():
    frame = pd.DataFrame({"x": [0.2, 0.7, 0.5]})
    calls = {"shadow": 0}

    def live(rows: pd.DataFrame) -> list[float]:
        return rows["x"].tolist()

    def shadow(rows: pd.DataFrame) -> list[float]:
        calls["shadow"] += 1
        if calls["shadow"] == 2:
            raise RuntimeError("shadow model crashed")
        if calls["shadow"] == 3:
            return [0.5]  # wrong length: a bug in the shadow, not the user's problem
        return (1 - rows["x"]).tolist()

    scorer = ShadowScorer(live, shadow)
    answers = [scorer(frame) for _ in range(3)]
    assert answers == [[0.2, 0.7, 0.5]] * 3
    assert calls["shadow"] == 3
    report = scorer.report()
    assert report.shadow_errors == 2
    assert report.requests == 3  # the three records of the first call only
    assert report.disagreement_rate == pytest.approx(2 / 3)


def test_an_empty_shadow_report_is_an_error():
    def fail(rows: pd.DataFrame) -> list[float]:
        raise RuntimeError("down")

    scorer = ShadowScorer(lambda rows: [0.1] * len(rows), fail)
    scorer(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="got 0 and 0"):
        scorer.report()


def test_spending_starts_near_zero_and_reaches_alpha_at_the_plan():
    assert spent_alpha(0, 0.01) == 0.0
    assert spent_alpha(0.1, 0.01) < 1e-10
    assert spent_alpha(0.5, 0.01) < 0.001
    assert spent_alpha(1, 0.01) == pytest.approx(0.01)
    steps = [spent_alpha(t / 10, 0.01) for t in range(11)]
    assert steps == sorted(steps)


@pytest.mark.parametrize(("fraction", "alpha"), [(-0.1, 0.01), (1.1, 0.01), (0.5, 0)])
def test_spending_refuses_a_fraction_or_alpha_out_of_range(fraction, alpha):
    with pytest.raises(ValueError, match="need 0 <= fraction <= 1 and 0 < alpha < 1"):
        spent_alpha(fraction, alpha)


def test_a_sequential_canary_never_spends_more_than_alpha():
    watch = SequentialCanary(min_requests=1_000, alpha=0.01)
    latencies = tuple(np.linspace(5, 10, 50))
    baseline = Arm(9_000, 90, latencies)
    for served in (100, 100, 400, 1_000, 2_000):  # a repeated look spends nothing
        watch.look(baseline, Arm(served, served // 100, latencies))
    assert watch.spent == pytest.approx(0.01)


def test_a_gross_failure_is_rolled_back_at_the_first_look():
    latencies = tuple(np.linspace(5, 10, 50))
    watch = SequentialCanary(min_requests=4_000)
    decision = watch.look(Arm(3_600, 36, latencies), Arm(400, 40, latencies))
    assert decision.action == "rollback"


def test_a_good_canary_waits_and_is_promoted_at_its_minimum():
    latencies = tuple(np.linspace(5, 10, 50))
    watch = SequentialCanary(min_requests=4_000)
    early = watch.look(Arm(9_000, 90, latencies), Arm(1_000, 10, latencies))
    assert early.action == "hold"
    late = watch.look(Arm(36_000, 360, latencies), Arm(4_000, 40, latencies))
    assert late.action == "promote"


def test_repeated_looks_at_a_fixed_alpha_roll_back_good_canaries_more_often():
    fixed = false_rollbacks(20, sequential=False)
    spent = false_rollbacks(20, sequential=True)
    assert fixed > 2 * spent
    assert spent <= 0.02  # within alpha (0.01); 300 trials move a rate by 0.3 %
