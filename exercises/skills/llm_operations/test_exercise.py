"""Checks for the exercise of docs/skills/llm-operations.md: data, length and cost."""

from __future__ import annotations

from dataclasses import replace
from types import ModuleType

import pytest

from skills.llm import Budget, ManualClock, StandInModel, Triage
from skills.llm_ops import (
    EMAIL,
    Assistant,
    Case,
    PromptGate,
    Route,
    evaluate,
    prompt_gate,
)
from skills.llm_triage import LABELS, LARGE, SMALL, TEMPLATE, v1

SAFE = Triage(
    label="other", urgency=2, summary="Passed to a person: no model answered."
)
# The evaluation set of the page.
CASES = [
    Case("I was charged twice this month", {"label": "billing"}),
    Case("Please refund my last payment", {"label": "billing"}),
    Case("Can I get a refund for March?", {"label": "billing"}),
    Case("Where is my invoice?", {"label": "billing"}),
    Case("I want to cancel my contract", {"label": "cancellation"}),
    Case("We move abroad and will leave in May", {"label": "cancellation"}),
    Case("The app shows an error at login", {"label": "technical"}),
    Case("I forgot my password and cannot get in", {"label": "technical"}),
    Case("Do you have a shop in Leeds?", {"label": "other"}),
    Case("The site crashed at checkout, urgent", {"label": "technical", "urgency": 3}),
]
# The page's v1 with two more lines of instructions: the same answers, more tokens.
LONGER = replace(
    v1,
    template=TEMPLATE.replace(
        "Reply with JSON only",
        "You are polite and careful. Read the whole message before you choose a label."
        "\nThink about what the customer needs, and keep the summary short and free"
        " of personal details.\nReply with JSON only",
    ),
)
LONG_MESSAGE = ("My invoice is wrong and nobody answers my letters. " * 200)[:10_000]


def build(config=v1, kind=Assistant):
    """An assistant of ``kind`` on the page's chain, with its two stand-in models."""
    clock = ManualClock()
    large = StandInModel("large-model", LARGE, clock, latency_s=0.8)
    small = StandInModel("small-model", SMALL, clock, latency_s=0.3)
    routes = [Route(large, timeout_s=2.0), Route(small, timeout_s=1.0)]
    budget = Budget(per_request=0.01, per_day=50.0, today=lambda: "2026-12-03")
    return kind(config, routes, budget, default=SAFE, clock=clock), large, small


def limited(exercise: ModuleType, max_message_tokens: int = 500):
    """A ``LimitedAssistant`` on the page's prompt, with a ``LimitedPrompt``."""
    config = exercise.LimitedPrompt(
        "triage",
        TEMPLATE,
        "large-model",
        LABELS,
        max_message_tokens=max_message_tokens,
    )
    return build(config, exercise.LimitedAssistant)


def costed(exercise: ModuleType, cost: float, score: float = 0.9):
    """A ``CostedEvaluation`` made by hand, for the gate's checks."""
    return exercise.CostedEvaluation(f"v-{cost}", score, (), mean_cost=cost)


# 1. Personal data in the evaluation set.


def test_the_new_case_holds_an_address(exercise: ModuleType) -> None:
    """PII_CASE is a billing message that holds an email address."""
    case = exercise.PII_CASE
    assert EMAIL.search(case.message), (
        f"PII_CASE's message {case.message!r} holds no email address: want one, "
        "such as jo.smith@example.com"
    )
    assert case.expected.get("label") == "billing", (
        f"PII_CASE expects {case.expected}: want the label billing"
    )


def test_the_new_case_passes(exercise: ModuleType) -> None:
    """The assistant answers PII_CASE right, address and all."""
    assistant, _, _ = build()
    result = evaluate(assistant, [exercise.PII_CASE])
    assert result.score == 1.0, (
        f"on PII_CASE the assistant fails: {'; '.join(result.failures)}. Want a "
        "message whose words say billing (charge, invoice, refund)"
    )


def test_an_address_sent_is_found(exercise: ModuleType) -> None:
    """sent_addresses finds every address in the prompts a model received."""
    model = StandInModel("large-model", LARGE, ManualClock())
    for message in ("Refund me, jo@example.com", "Cancel; a.b+c@mail.example.org"):
        model.complete(v1.render(message), max_tokens=80, timeout_s=2.0)
    found = exercise.sent_addresses(model.prompts)
    want = ["jo@example.com", "a.b+c@mail.example.org"]
    assert found == want, (
        f"sent two prompts holding {want}, unredacted, and sent_addresses found "
        f"{found}: want both addresses, in order"
    )


def test_the_evaluation_sends_no_address(exercise: ModuleType) -> None:
    """No prompt the models received during the evaluation holds an address."""
    found = exercise.sent_addresses([exercise.PII_CASE.message])
    assert found, (
        "sent_addresses finds no address in PII_CASE's own message, so it cannot "
        "show that none was sent: make it find one first"
    )
    assistant, large, small = build()
    evaluate(assistant, [*CASES, exercise.PII_CASE])
    leaked = exercise.sent_addresses(large.prompts + small.prompts)
    assert leaked == [], (
        f"the models received {leaked} during the evaluation: the message must be "
        "redacted before the prompt is built"
    )


# 2. A limit on the length of a message.


def test_a_long_message_costs_nothing(exercise: ModuleType) -> None:
    """A message over max_message_tokens gets the default, and no model is called."""
    assistant, large, small = limited(exercise)
    reply = assistant.answer(LONG_MESSAGE)
    sent = [model.name for model in (large, small) if model.prompts]
    assert sent == [], (
        f"the {len(LONG_MESSAGE):,}-character message was sent to {', '.join(sent)}, "
        "with max_message_tokens=500: want the default, before any call"
    )
    assert reply.answered_by == "default", (
        f"the long message was answered by {reply.answered_by}: want the default"
    )
    assert reply.trace["app.cost_usd"] == 0, (
        f"the long message cost ${reply.trace['app.cost_usd']}: want nothing"
    )


def test_the_trace_says_why(exercise: ModuleType) -> None:
    """The trace's app.fallbacks says the message was over max_message_tokens."""
    assistant, _, _ = limited(exercise)
    fallbacks = assistant.answer(LONG_MESSAGE).trace["app.fallbacks"]
    assert any("max_message_tokens" in reason for reason in fallbacks), (
        f"the long message's trace gives the fallbacks {fallbacks}: want a reason "
        "that names max_message_tokens, so whoever reads it knows why"
    )


def test_the_trace_keeps_its_fields(exercise: ModuleType) -> None:
    """A long message's trace has every field of an ordinary trace."""
    assistant, _, _ = limited(exercise)
    ordinary = set(assistant.answer("Where is my invoice?").trace)
    fields = set(assistant.answer(LONG_MESSAGE).trace)
    assert fields == ordinary, (
        f"the long message's trace lacks {sorted(ordinary - fields)} and adds "
        f"{sorted(fields - ordinary)}: keep one shape of trace, so drift monitoring "
        "and dashboards read every one"
    )


def test_a_short_message_is_answered(exercise: ModuleType) -> None:
    """A message within max_message_tokens is answered by the model, as before."""
    assistant, _, _ = limited(exercise, max_message_tokens=20)
    reply = assistant.answer("I was charged twice this month")
    assert reply.answered_by == "large-model", (
        f"an 8-token message with max_message_tokens=20 was answered by "
        f"{reply.answered_by}: want large-model"
    )


@pytest.mark.parametrize("bad", [0, -1, 2.5])
def test_a_nonsense_limit_is_refused(exercise: ModuleType, bad: float) -> None:
    """A max_message_tokens that is not a whole number of at least 1 is refused."""
    with pytest.raises(ValueError, match="max_message_tokens"):
        limited(exercise, max_message_tokens=bad)


# 3. Cost in the prompt gate.


def test_the_evaluation_counts_the_cost(exercise: ModuleType) -> None:
    """evaluate_with_cost scores as evaluate does, with the traces' mean cost a case."""
    assistant, _, _ = build()
    result = exercise.evaluate_with_cost(assistant, CASES)
    again, _, _ = build()
    traces = [again.answer(case.message).trace for case in CASES]
    want = sum(trace["app.cost_usd"] for trace in traces) / len(CASES)
    plain = evaluate(build()[0], CASES)
    assert (result.version, result.score, result.failures) == (
        plain.version,
        plain.score,
        plain.failures,
    ), (
        f"evaluate_with_cost gives version {result.version} and score "
        f"{result.score}: want evaluate's, {plain.version} and {plain.score}"
    )
    assert result.mean_cost == pytest.approx(want, abs=1e-6), (
        f"the mean cost a case is ${result.mean_cost}: the traces of the page's 10 "
        f"cases say ${want:.6f}"
    )


def test_a_dearer_candidate_is_refused(exercise: ModuleType) -> None:
    """A candidate more than 20% dearer than the champion is refused, for its cost."""
    decision = exercise.cost_gate(
        costed(exercise, 0.00065), costed(exercise, 0.0005), PromptGate()
    )
    assert not decision.promote, (
        "a candidate 30% dearer than the champion, with the same score, is "
        "promoted: want it refused"
    )
    assert any("cost" in reason for reason in decision.reasons), (
        f"the reasons are {list(decision.reasons)}: want one that names the cost"
    )


def test_a_little_dearer_candidate_passes(exercise: ModuleType) -> None:
    """A candidate at most 20% dearer, with the same score, is promoted."""
    decision = exercise.cost_gate(
        costed(exercise, 0.00055), costed(exercise, 0.0005), PromptGate()
    )
    assert decision.promote, (
        f"a candidate 10% dearer with the same score is refused: "
        f"{'; '.join(decision.reasons)}. Want it promoted"
    )


@pytest.mark.parametrize("champion", [0.95, None], ids=["a champion", "no champion"])
def test_the_score_rules_still_hold(
    exercise: ModuleType, champion: float | None
) -> None:
    """The floor and the champion's score still decide, as in prompt_gate."""
    rules = PromptGate(min_score=0.8)
    low = costed(exercise, 0.0001, score=0.7)
    best = None if champion is None else costed(exercise, 0.0005, score=champion)
    decision = exercise.cost_gate(low, best, rules)
    want = prompt_gate(low, best, rules).reasons
    assert not decision.promote, "a cheap candidate scoring 0.7 is promoted"
    assert set(want) <= set(decision.reasons), (
        f"a cheap candidate scoring 0.7 gets the reasons {list(decision.reasons)}: "
        f"want prompt_gate's {list(want)} among them"
    )


def test_a_longer_prompt_is_refused(exercise: ModuleType) -> None:
    """A longer prompt with the same score is refused for its cost."""
    champion = exercise.evaluate_with_cost(build()[0], CASES)
    candidate = exercise.evaluate_with_cost(build(LONGER)[0], CASES)
    assert candidate.score == champion.score, (
        f"evaluate_with_cost scores v1 {champion.score} and the longer prompt "
        f"{candidate.score}: evaluate scores both 0.9"
    )
    decision = exercise.cost_gate(candidate, champion, PromptGate())
    assert not decision.promote, (
        f"the page's v1 with two more lines of instructions scores "
        f"{candidate.score} as v1 does, costs ${candidate.mean_cost} a case against "
        f"${champion.mean_cost}, and is promoted: want it refused"
    )
