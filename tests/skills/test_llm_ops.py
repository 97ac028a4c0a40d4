import json
import logging
import random
import re

import pytest

from skills.llm import (
    Budget,
    ResponseCache,
    StandInModel,
    count_tokens,
)
from skills.llm_ops import (
    Assistant,
    Case,
    Evaluation,
    GateDecision,
    OverQuota,
    PromptGate,
    RateLimited,
    Route,
    TokenBucket,
    check_output,
    compare_windows,
    evaluate,
    length_band,
    luhn_valid,
    prompt_gate,
    redact,
)
from tests.skills.llm_support import (
    LABELS,
    LARGE,
    SAFE,
    SMALL,
    TEMPLATE,
    TODAY,
    build,
    config,
    replace_triage,
)

# Guardrails


@pytest.mark.parametrize(
    ("text", "redacted", "kinds"),
    [
        ("Mail jo.smith+bank@example.co.uk now", "Mail [EMAIL] now", ["email"]),
        ("Card 4111 1111 1111 1111.", "Card [CARD].", ["card"]),
        ("Card 4111-1111-1111-1111", "Card [CARD]", ["card"]),
        ("Card 378282246310005", "Card [CARD]", ["card"]),
        ("Call +44 20 7946 0958 today", "Call [PHONE] today", ["phone"]),
        ("Call (555) 867-5309", "Call [PHONE]", ["phone"]),
        ("Call 555.867.5309", "Call [PHONE]", ["phone"]),
        ("a@b.io, 4111111111111111", "[EMAIL], [CARD]", ["email", "card"]),
    ],
)
def test_each_kind_of_personal_data_is_redacted(text, redacted, kinds):
    assert redact(text) == (redacted, kinds)


@pytest.mark.parametrize(
    "text",
    [
        "Order 1234 5678 9012 3456 failed",  # 16 digits that fail the Luhn check
        "Invoice of 2026-12-03 for $49.99",
        "Ticket 48213, version 3.2.1, 24 months",
        "Account 12345678",
        "I paid 1,299.00 on 03/12/2026 at 10:30",
    ],
)
def test_numbers_that_are_not_personal_data_are_kept(text):
    assert redact(text) == (text, [])


def test_the_luhn_check():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("1234567890123456")


def test_a_usable_answer_has_no_problems():
    assert check_output(replace_triage(label="billing"), LABELS) == []


def test_an_answer_outside_the_labels_or_holding_personal_data_is_refused():
    answer = replace_triage(label="refund", summary="Call +44 20 7946 0958")
    assert check_output(answer, LABELS) == [
        "label 'refund' is not one of billing, cancellation, technical, other",
        "the summary holds personal data",
    ]


# Rate limits


def test_a_bucket_spends_tokens_refuses_when_short_and_refills():
    bucket = TokenBucket(rate=10, capacity=300)
    bucket.take(200, now=0.0)
    with pytest.raises(RateLimited, match=r"needs 200 tokens, 100 left; 10\.0 s"):
        bucket.take(200, now=0.0)
    bucket.take(200, now=10.0)  # 100 left + 10 s at 10 a second
    assert bucket.tokens == 0


def test_a_bucket_never_holds_more_than_its_capacity():
    bucket = TokenBucket(rate=10, capacity=300)
    bucket.take(300, now=1_000.0)  # a long idle time refills it to capacity only
    assert bucket.tokens == 0
    with pytest.raises(RateLimited):
        bucket.take(10, now=999.0)  # a clock that went back adds nothing


def test_a_call_larger_than_the_bucket_is_refused_as_over_quota():
    with pytest.raises(OverQuota, match="400 tokens can never fit a bucket of 300"):
        TokenBucket(rate=10, capacity=300).take(400, now=0.0)


@pytest.mark.parametrize(("rate", "capacity"), [(0, 300), (10, 0), (-1, 300)])
def test_a_bucket_needs_a_positive_rate_and_capacity(rate, capacity):
    with pytest.raises(ValueError, match="rate and capacity must be positive"):
        TokenBucket(rate=rate, capacity=capacity)


def test_a_message_too_long_for_the_quota_falls_back_and_never_raises(
    clock, large, small
):
    tiny = TokenBucket(rate=1, capacity=100)
    assistant = build(clock, Route(large, 2.0, bucket=tiny), Route(small, 1.0))
    reply = assistant.answer("My invoice is wrong. " * 30)
    assert reply.answered_by == "small"
    assert reply.trace["app.fallbacks"] == ["large: over quota"]


# The assistant: fallbacks, cache, budget, guardrails, trace


def test_the_first_model_answers_and_its_answer_is_cached(clock, large, small):
    assistant = build(clock, Route(large, 2.0), Route(small, 1.0))
    first = assistant.answer("Please cancel my contract")
    assert (first.answered_by, first.answer.label) == ("large", "cancellation")
    again = assistant.answer("Please cancel my contract")
    assert again.answered_by == "cache"
    assert again.answer == first.answer
    assert again.trace["app.cache_hit"] is True
    assert again.trace["app.input_tokens"] == 0
    assert again.trace["app.calls"] == []
    assert len(large.prompts) == 1


def test_a_new_prompt_version_misses_the_cache(clock, large):
    cache = ResponseCache()
    build(clock, Route(large, 2.0), cache=cache).answer("Where is my invoice?")
    newer = config(temperature=0.2)
    reply = build(clock, Route(large, 2.0), prompt=newer, cache=cache).answer(
        "Where is my invoice?"
    )
    assert reply.answered_by == "large"
    assert (cache.hits, cache.misses) == (0, 2)


def test_fallback_order_and_the_recorded_answerer(clock, large, small):
    assistant = build(clock, Route(large, 2.0), Route(small, 1.0))
    large.down = True
    reply = assistant.answer("I want to leave")
    assert reply.answered_by == "small"
    assert reply.trace["app.fallbacks"] == ["large: error"]
    small.down = True
    reply = assistant.answer("I want to leave today")
    assert (reply.answered_by, reply.answer) == ("default", SAFE)
    assert reply.trace["app.fallbacks"] == ["large: error", "small: error"]
    assert reply.trace["app.label"] == "other"


def test_a_fallbacks_answer_is_not_cached(clock, large, small):
    assistant = build(clock, Route(large, 2.0), Route(small, 1.0))
    large.down = True
    assert assistant.answer("Where is my invoice?").answered_by == "small"
    large.down = False
    assert assistant.answer("Where is my invoice?").answered_by == "large"


def test_a_slow_model_times_out_and_the_next_answers(clock, large, small):
    large.latency_s = 3.0
    reply = build(clock, Route(large, 2.0), Route(small, 1.0)).answer("Refund me")
    assert reply.answered_by == "small"
    assert reply.trace["app.fallbacks"] == ["large: timeout"]
    assert reply.trace["app.latency_s"] == 2.3


def test_the_request_deadline_bounds_every_call(clock, large, small):
    large.latency_s = 1.8
    assistant = build(clock, Route(large, 2.0), Route(small, 1.0), deadline_s=1.5)
    reply = assistant.answer("Refund me")  # large gets 1.5 s, then none is left
    assert reply.answered_by == "default"
    assert reply.trace["app.fallbacks"] == ["large: timeout", "small: timeout"]
    assert clock() == 1.5
    assert small.prompts == []


def test_a_model_over_the_budget_is_skipped_for_a_cheaper_one(clock, large, small):
    budget = Budget(per_request=0.0005, per_day=1.0, today=lambda: TODAY)
    reply = build(clock, Route(large, 2.0), Route(small, 1.0), budget=budget).answer(
        "Refund me"
    )
    assert reply.answered_by == "small"
    assert reply.trace["app.fallbacks"] == ["large: budget"]
    assert large.prompts == []  # refused before it was sent
    assert budget.spent[TODAY] == pytest.approx(reply.trace["app.cost_usd"], abs=1e-6)


def test_a_rate_limited_model_is_skipped_until_its_bucket_refills(clock, large, small):
    # Each call spends its worst case: the prompt's tokens and max_tokens of answer.
    need = count_tokens(config().render("Refund me")) + config().max_tokens
    bucket = TokenBucket(rate=1, capacity=2.5 * need)  # two calls at once, not three
    assistant = build(clock, Route(large, 2.0, bucket), Route(small, 1.0))
    answered = [assistant.answer(m).answered_by for m in ("Refund me", "Cancel me")]
    assert answered == ["large", "large"]
    reply = assistant.answer("Crash me!")
    assert reply.answered_by == "small"
    assert reply.trace["app.fallbacks"] == ["large: rate limited"]
    assert len(large.prompts) == 2  # refused before it was sent
    clock.advance(need)  # at one token a second, a call's worth is back
    assert assistant.answer("Invoice?!").answered_by == "large"


def test_an_answer_outside_the_labels_falls_back(clock, large, small):
    narrow = config(labels=("billing", "technical", "other"))
    reply = build(clock, Route(large, 2.0), Route(small, 1.0), prompt=narrow).answer(
        "I want to cancel"
    )
    assert reply.answered_by == "default"
    assert reply.trace["app.fallbacks"] == ["large: guardrail", "small: guardrail"]


def test_invalid_output_after_repair_falls_back(clock, small):
    stubborn = StandInModel("large", LARGE, clock, repairs=False)
    loose = config(template=TEMPLATE.replace(" (an integer from 1 to 3)", ""))
    assistant = build(clock, Route(stubborn, 2.0), Route(small, 1.0), prompt=loose)
    reply = assistant.answer("Where is my invoice?")
    assert reply.answered_by == "small"  # the small model heeds the repair
    assert reply.trace["app.fallbacks"] == ["large: invalid output"]
    assert len(reply.trace["app.calls"]) == 4  # two tries each, all billed


def test_personal_data_never_leaves(clock, large):
    message = "Refund me: jo@example.com, +44 20 7946 0958, 4111 1111 1111 1111"
    reply = build(clock, Route(large, 2.0)).answer(message)
    (sent,) = large.prompts
    assert "Refund me: [EMAIL], [PHONE], [CARD]" in sent
    assert not re.search(r"example\.com|7946|4111", sent)
    assert reply.trace["app.redacted"] == ["email", "card", "phone"]


def test_the_trace_fields(clock, large, small, caplog):
    large.down = True
    assistant = build(clock, Route(large, 2.0), Route(small, 1.0))
    with caplog.at_level(logging.INFO, logger="llm"):
        reply = assistant.answer("Refund me, I was charged twice. Mail: jo@example.com")
    prompt = config().render("Refund me, I was charged twice. Mail: [EMAIL]")
    answer = json.dumps(reply.answer.model_dump())
    assert reply.trace == {
        "app.prompt.name": "triage",
        "app.prompt.version": config().version,
        "app.prompt.model": "large",
        "app.answered_by": "small",
        "app.cache_hit": False,
        "app.fallbacks": ["large: error"],
        "app.calls": [  # each call as OpenTelemetry names a model call's span
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": "large",
                "error.type": "error",
            },
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": "small",
                "gen_ai.usage.input_tokens": count_tokens(prompt),
                "gen_ai.usage.output_tokens": count_tokens(answer),
            },
        ],
        "app.input_tokens": count_tokens(prompt),
        "app.output_tokens": count_tokens(answer),
        "app.cost_usd": round(
            SMALL.cost(count_tokens(prompt), count_tokens(answer)), 6
        ),
        "app.latency_s": 1.1,
        "app.redacted": ["email"],
        "app.message_tokens": count_tokens(
            "Refund me, I was charged twice. Mail: [EMAIL]"
        ),
        "app.label": "billing",
    }
    (record,) = caplog.records
    assert json.loads(record.getMessage()) == reply.trace
    assert "jo@example.com" not in record.getMessage()
    assert "charged" not in record.getMessage()  # no text of the message either


@pytest.mark.parametrize(
    ("routes", "default", "message"),
    [
        ([], SAFE, "routes is empty"),
        (
            ["small"],
            SAFE,
            "the prompt was written for 'large', but the first route is 'small'",
        ),
        (["large"], replace_triage(label="spam"), "the default's label 'spam' is not"),
    ],
)
def test_a_bad_assistant_is_refused_at_start(clock, routes, default, message):
    models = [Route(StandInModel(name, LARGE, clock), 1.0) for name in routes]
    with pytest.raises(ValueError, match=re.escape(message)):
        Assistant(config(), models, Budget(1, 1), default=default, clock=clock)


# Evaluation and the gate

CASES = [
    Case("I was charged twice this month", {"label": "billing"}),
    Case("Please refund my last payment", {"label": "billing"}),
    Case("I want to cancel my contract", {"label": "cancellation"}),
    Case("I forgot my password", {"label": "technical"}),
    Case("The site crashed, urgent", {"label": "technical", "urgency": 3}),
]


def test_evaluate_scores_the_share_of_cases_right(clock, large):
    result = evaluate(build(clock, Route(large, 2.0)), CASES)
    assert result.version == config().version
    assert result.score == 0.8
    assert result.failures == (
        "'I forgot my password': got {'label': 'other'}, want {'label': 'technical'}",
    )


def test_a_case_the_default_answered_fails_even_with_the_right_label(clock, large):
    large.down = True
    result = evaluate(build(clock, Route(large, 2.0)), [Case("Hi", {"label": "other"})])
    assert (result.score, result.failures) == (
        0.0,
        ("'Hi': answered by default, not large",),
    )


def test_an_outage_cannot_score_the_fallback_under_the_prompts_version(
    clock, large, small
):
    large.down = True
    assistant = build(clock, Route(large, 2.0), Route(small, 1.0))
    result = evaluate(assistant, [Case("Where is my invoice?", {"label": "billing"})])
    assert result.score == 0.0
    assert result.failures == ("'Where is my invoice?': answered by small, not large",)


def test_an_empty_evaluation_set_is_refused(clock, large):
    with pytest.raises(ValueError, match="an empty evaluation set proves nothing"):
        evaluate(build(clock, Route(large, 2.0)), [])


def test_the_gate_refuses_a_regression_and_passes_an_improvement(clock, large):
    champion = evaluate(build(clock, Route(large, 2.0)), CASES)
    worse = config(template=TEMPLATE.replace("invoice, refund", "invoice"))
    better = config(template=TEMPLATE.replace("login, crash", "login, crash, password"))
    rules = PromptGate(min_score=0.5, max_drop=0.0)
    worse_result = evaluate(build(clock, Route(large, 2.0), prompt=worse), CASES)
    assert prompt_gate(worse_result, champion, rules) == GateDecision(
        promote=False,
        reasons=("score 0.60 is worse than the champion's 0.80 by more than 0.0",),
    )
    improved = evaluate(build(clock, Route(large, 2.0), prompt=better), CASES)
    assert improved.score == 1.0
    assert prompt_gate(improved, champion, rules).promote


def test_the_gate_has_a_floor_even_without_a_champion():
    low = Evaluation("abc", 0.5, ())
    decision = prompt_gate(low, None, PromptGate(min_score=0.8))
    assert not decision.promote
    assert decision.reasons == ("score 0.50 is below the floor 0.8",)
    assert prompt_gate(Evaluation("abc", 0.9, ()), None, PromptGate()).promote


def test_a_drop_within_the_tolerance_passes():
    champion, candidate = Evaluation("a", 0.9, ()), Evaluation("b", 0.85, ())
    assert prompt_gate(candidate, champion, PromptGate(max_drop=0.1)).promote


# Drift in inputs and outputs


@pytest.mark.parametrize(
    ("tokens", "band"),
    [
        (0, "under 16 tokens"),
        (15, "under 16 tokens"),
        (16, "16 to 63"),
        (64, "64 to 255"),
        (255, "64 to 255"),
        (256, "256 or more"),
    ],
)
def test_length_bands(tokens, band):
    assert length_band(tokens) == band


def traces(seed, shares, long_share, n=800):
    rng = random.Random(seed)
    labels = rng.choices(LABELS, weights=shares, k=n)
    lengths = [
        rng.randint(64, 300) if rng.random() < long_share else rng.randint(5, 40)
        for _ in labels
    ]
    return [
        {"app.label": label, "app.message_tokens": tokens}
        for label, tokens in zip(labels, lengths, strict=True)
    ]


def test_an_unshifted_week_is_below_the_band_and_not_drifted():
    shifts = compare_windows(traces(1, [3, 2, 3, 2], 0.1), traces(2, [3, 2, 3, 2], 0.1))
    assert [s.name for s in shifts] == ["label", "message length"]
    for shift in shifts:
        assert shift.psi < 0.1
        assert shift.band == "no significant shift"
        assert not shift.drifted


def test_a_shifted_week_is_above_the_band_and_drifted():
    label, length = compare_windows(
        traces(1, [3, 2, 3, 2], 0.1), traces(3, [5, 3, 1, 1], 0.4)
    )
    for shift in (label, length):
        assert shift.psi > 0.25
        assert shift.band == "major"
        assert shift.p_value < 0.01 / 2
        assert shift.drifted


def test_a_significant_shift_too_small_to_act_on_is_not_drift():
    ref = traces(1, [3, 2, 3, 2], 0.1, n=40_000)
    cur = traces(2, [3.3, 2, 2.7, 2], 0.1, n=40_000)
    label = compare_windows(ref, cur)[0]
    assert label.p_value < 0.005
    assert label.psi < 0.1
    assert not label.drifted


def test_comparing_an_empty_window_is_refused():
    with pytest.raises(ValueError, match="both windows need traces"):
        compare_windows([], traces(1, [1, 1, 1, 1], 0.1))
