import json
import logging
import random
import re
from dataclasses import replace

import pytest
from pydantic import BaseModel, ValidationError

from skills.llm import (
    REPAIR_MARKER,
    Assistant,
    Budget,
    BudgetExceeded,
    Case,
    Evaluation,
    GateDecision,
    ManualClock,
    ModelError,
    ModelTimeout,
    Pricing,
    PromptConfig,
    PromptGate,
    RateLimited,
    ResponseCache,
    Route,
    StandInModel,
    StructuredOutputError,
    TokenBucket,
    Triage,
    cache_key,
    check_output,
    compare_windows,
    count_tokens,
    evaluate,
    field_errors,
    length_band,
    luhn_valid,
    parse_with_repair,
    prompt_gate,
    redact,
    repair_prompt,
    utc_today,
)

LABELS = ("billing", "cancellation", "technical", "other")
TEMPLATE = """Sort the message.
- billing: charge, invoice, refund
- cancellation: cancel, leave
- technical: error, login, crash
Reply with JSON only: label, urgency (an integer from 1 to 3), summary.
<message>
{{message}}
</message>"""
LARGE = Pricing(input_per_1k=0.0025, output_per_1k=0.01)
SMALL = Pricing(input_per_1k=0.00015, output_per_1k=0.0006)
SAFE = Triage(label="other", urgency=2, summary="Passed to a person.")
TODAY = "2026-12-03"


def config(**changes) -> PromptConfig:
    base = PromptConfig("triage", TEMPLATE, model="large", labels=LABELS)
    return replace(base, **changes)


def replace_triage(**changes) -> Triage:
    return SAFE.model_copy(update=changes)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def large(clock) -> StandInModel:
    return StandInModel("large", LARGE, clock, latency_s=0.8)


@pytest.fixture
def small(clock) -> StandInModel:
    return StandInModel("small", SMALL, clock, latency_s=0.3)


def build(clock, *routes, prompt=None, budget=None, **kwargs) -> Assistant:
    return Assistant(
        prompt or config(),
        list(routes),
        budget or Budget(per_request=0.01, per_day=10.0, today=lambda: TODAY),
        default=SAFE,
        clock=clock,
        **kwargs,
    )


def ask(model: StandInModel, max_tokens: int = 80):
    """A call for parse_with_repair: the model's text for a prompt."""
    return lambda prompt: (
        model.complete(prompt, max_tokens=max_tokens, timeout_s=5.0).text
    )


# Tokens and prices


@pytest.mark.parametrize(
    ("text", "tokens"), [("", 0), ("abc", 1), ("abcd", 1), ("abcde", 2)]
)
def test_tokens_are_four_characters_rounded_up(text, tokens):
    assert count_tokens(text) == tokens


def test_a_price_is_per_thousand_tokens_in_and_out():
    assert LARGE.cost(1_000, 0) == pytest.approx(0.0025)
    assert LARGE.cost(200, 100) == pytest.approx(0.0005 + 0.001)


# The stand-in model


def test_the_manual_clock_moves_only_when_told():
    clock = ManualClock(10.0)
    assert clock() == 10.0
    clock.advance(2.5)
    assert clock() == 12.5


def test_the_stand_in_labels_by_the_prompts_words_and_reports_usage(clock, large):
    prompt = config().render("I was charged twice, fix it ASAP")
    completion = large.complete(prompt, max_tokens=80, timeout_s=2.0)
    assert json.loads(completion.text) == {
        "label": "billing",
        "urgency": 3,
        "summary": "I was charged twice, fix it ASAP",
    }
    assert completion.input_tokens == count_tokens(prompt)
    assert completion.output_tokens == count_tokens(completion.text)
    assert clock() == 0.8
    assert large.prompts == [prompt]


def test_the_stand_in_says_other_when_no_rule_matches(large):
    prompt = config().render("Do you have a shop in Leeds?")
    answer = json.loads(large.complete(prompt, max_tokens=80, timeout_s=2.0).text)
    assert (answer["label"], answer["urgency"]) == ("other", 1)


def test_the_stand_in_follows_the_prompts_wording(large):
    loose = TEMPLATE.replace(" (an integer from 1 to 3)", "").replace(" only", "")
    prompt = config(template=loose).render("The login is broken, urgent")
    text = large.complete(prompt, max_tokens=80, timeout_s=2.0).text
    assert text.startswith("Sure! Here is the JSON: {")
    assert json.loads(text.partition(": ")[2])["urgency"] == "high"
    calm = config(template=loose).render("The login is broken")
    assert '"urgency": "low"' in large.complete(calm, max_tokens=80, timeout_s=2).text


def test_the_stand_in_stops_at_max_tokens(large):
    prompt = config().render("Where is my invoice?")
    text = large.complete(prompt, max_tokens=5, timeout_s=2.0).text
    assert len(text) == 20
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_a_slow_model_times_out_after_the_callers_wait(clock):
    slow = StandInModel("slow", LARGE, clock, latency_s=3.0)
    with pytest.raises(ModelTimeout, match="slow: no answer within 2 s"):
        slow.complete("x", max_tokens=10, timeout_s=2.0)
    assert clock() == 2.0


def test_a_model_that_is_down_raises_after_its_latency(clock):
    down = StandInModel("down", LARGE, clock, latency_s=0.2, down=True)
    with pytest.raises(ModelError, match="down: 503 Service Unavailable"):
        down.complete("x", max_tokens=10, timeout_s=2.0)
    assert clock() == 0.2


# Prompts as versioned configuration


def test_an_unchanged_prompt_keeps_its_version():
    again = PromptConfig("triage", TEMPLATE, "large", LABELS, temperature=0)
    assert again.version == config().version
    assert re.fullmatch(r"[0-9a-f]{12}", again.version)


def test_the_name_is_where_a_prompt_lives_not_what_it_does():
    assert config(name="triage-eu").version == config().version


@pytest.mark.parametrize(
    "change",
    [
        {"template": TEMPLATE.replace("refund", "refunds")},
        {"model": "small"},
        {"labels": (*LABELS, "spam")},
        {"temperature": 0.7},
        {"max_tokens": 81},
    ],
)
def test_any_change_to_what_the_prompt_does_is_a_new_version(change):
    assert config(**change).version != config().version


def test_render_puts_the_message_in_its_place():
    assert config().render("Hi {there}").endswith("<message>\nHi {there}\n</message>")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"template": "no placeholder"}, "template has no {{message}} placeholder"),
        ({"labels": ()}, "labels must be distinct and not empty"),
        ({"labels": ("a", "a")}, "labels must be distinct and not empty"),
        ({"temperature": -0.1}, "temperature must be 0 or more, got -0.1"),
        ({"max_tokens": 1.5}, "max_tokens must be a whole number, got 1.5"),
        ({"max_tokens": True}, "max_tokens must be a whole number, got True"),
        ({"max_tokens": 0}, "max_tokens must be at least 1, got 0"),
    ],
)
def test_a_bad_setting_is_named(change, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        config(**change)


# Structured output


def test_a_repair_prompt_quotes_the_fields_and_asks_for_json():
    repaired = repair_prompt("P", [("urgency", "Input should be a valid integer")])
    assert repaired.startswith("P\n\n" + REPAIR_MARKER)
    assert repaired.endswith("JSON only:\n- urgency: Input should be a valid integer")


def test_the_repair_succeeds_on_the_second_try(large):
    loose = TEMPLATE.replace(" (an integer from 1 to 3)", "")
    prompt = config(template=loose).render("The app shows an error at login, urgent")
    answer = parse_with_repair(ask(large), prompt, Triage)
    assert answer == Triage(
        label="technical", urgency=3, summary="The app shows an error at login, urgent"
    )
    assert len(large.prompts) == 2
    assert "- urgency: Input should be a valid integer" in large.prompts[1]


def test_prose_around_the_json_is_repaired_too(large):
    prompt = config(template=TEMPLATE.replace("JSON only", "JSON")).render("Hello")
    assert parse_with_repair(ask(large), prompt, Triage).label == "other"
    assert "- (answer): Invalid JSON" in large.prompts[1]


def test_after_the_last_try_the_error_names_the_field(clock):
    stubborn = StandInModel("large", LARGE, clock, repairs=False)
    loose = TEMPLATE.replace(" (an integer from 1 to 3)", "")
    prompt = config(template=loose).render("Where is my invoice?")
    with pytest.raises(StructuredOutputError) as raised:
        parse_with_repair(ask(stubborn), prompt, Triage, tries=3)
    assert raised.value.fields == ["urgency"]
    assert str(raised.value) == (
        "no valid Triage after 3 tries; still wrong: urgency: Input should be a"
        " valid integer, unable to parse string as an integer"
    )
    assert len(stubborn.prompts) == 3
    assert raised.value.kind == "invalid output"


def test_an_answer_cut_at_max_tokens_is_invalid_json(large):
    prompt = config().render("Where is my invoice?")
    with pytest.raises(StructuredOutputError) as raised:
        parse_with_repair(ask(large, max_tokens=5), prompt, Triage)
    assert raised.value.fields == ["(answer)"]


def test_field_errors_name_nested_fields_and_leave_out_the_values():
    class Item(BaseModel):
        price: float

    class Order(BaseModel):
        items: list[Item]

    with pytest.raises(ValidationError) as raised:
        Order.model_validate_json('{"items": [{"price": "jo@example.com"}]}')
    assert field_errors(raised.value) == [
        (
            "items.0.price",
            "Input should be a valid number, unable to parse string as a number",
        )
    ]


def test_extra_fields_are_refused():
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Triage.model_validate_json(
            '{"label": "other", "urgency": 1, "summary": "", "confidence": 0.9}'
        )


@pytest.mark.parametrize("tries", [0, 1.5, True])
def test_tries_must_be_a_whole_number_of_at_least_one(tries):
    with pytest.raises(ValueError, match="tries must be a whole number, at least 1"):
        parse_with_repair(lambda prompt: "", "P", Triage, tries=tries)


# Budgets


def test_utc_today_is_an_iso_date():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", utc_today())


def test_a_call_within_both_limits_passes_and_its_cost_is_recorded():
    budget = Budget(per_request=0.002, per_day=1.0, today=lambda: TODAY)
    budget.check(0.001, request_spent=0.0009)
    budget.record(0.001)
    budget.record(0.0005)
    assert budget.spent == {TODAY: pytest.approx(0.0015)}


def test_a_call_over_the_request_budget_is_refused():
    budget = Budget(per_request=0.002, per_day=1.0, today=lambda: TODAY)
    with pytest.raises(
        BudgetExceeded, match=r"could cost \$0\.0025, over its \$0\.002"
    ):
        budget.check(0.001, request_spent=0.0015)


def test_a_call_over_the_daily_budget_is_refused_until_the_next_day():
    day = [TODAY]
    budget = Budget(per_request=0.01, per_day=1.0, today=lambda: day[0])
    budget.record(0.995)
    with pytest.raises(BudgetExceeded, match=r"reach \$1\.0050, over the \$1 daily"):
        budget.check(0.01, request_spent=0.0)
    day[0] = "2026-12-04"
    budget.check(0.01, request_spent=0.0)


@pytest.mark.parametrize(("per_request", "per_day"), [(0, 1), (-1, 1), (2, 1)])
def test_limits_must_be_positive_and_a_request_at_most_a_day(per_request, per_day):
    with pytest.raises(ValueError, match="need 0 < per_request <= per_day"):
        Budget(per_request, per_day)


# The cache


def test_the_key_holds_the_version_and_model_and_no_text():
    key = cache_key("v1", "large", "jo@example.com")
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert cache_key("v1", "large", "jo@example.com") == key
    assert cache_key("v2", "large", "jo@example.com") != key
    assert cache_key("v1", "small", "jo@example.com") != key


def test_the_cache_evicts_the_least_recently_used():
    cache = ResponseCache(max_entries=2)
    one, two = SAFE, replace_triage(label="billing")
    cache.put("a", one)
    cache.put("b", two)
    assert cache.get("a") == one  # a is now more recent than b
    cache.put("c", one)
    assert cache.get("b") is None
    assert (cache.hits, cache.misses) == (1, 1)
    cache.put("a", two)  # replacing an entry keeps the size
    assert cache.get("a") == two
    assert cache.get("c") == one


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (0, "max_entries must be at least 1, got 0"),
        (1.5, "max_entries must be a whole number, got 1.5"),
        (True, "max_entries must be a whole number, got True"),
    ],
)
def test_the_cache_size_must_be_a_whole_number(size, message):
    with pytest.raises(ValueError, match=message):
        ResponseCache(max_entries=size)


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


def test_a_call_larger_than_the_bucket_is_a_configuration_error():
    with pytest.raises(ValueError, match="400 tokens can never fit a bucket of 300"):
        TokenBucket(rate=10, capacity=300).take(400, now=0.0)


# The assistant: fallbacks, cache, budget, guardrails, trace


def test_the_first_model_answers_and_its_answer_is_cached(clock, large, small):
    assistant = build(clock, Route(large, 2.0), Route(small, 1.0))
    first = assistant.answer("Please cancel my contract")
    assert (first.answered_by, first.answer.label) == ("large", "cancellation")
    again = assistant.answer("Please cancel my contract")
    assert again.answered_by == "cache"
    assert again.answer == first.answer
    assert again.trace["app.cache_hit"] is True
    assert again.trace["gen_ai.usage.input_tokens"] == 0
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
    assert reply.trace["app.model_calls"] == 4  # two tries each, all billed


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
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "large",
        "gen_ai.usage.input_tokens": count_tokens(prompt),
        "gen_ai.usage.output_tokens": count_tokens(answer),
        "app.prompt.name": "triage",
        "app.prompt.version": config().version,
        "app.answered_by": "small",
        "app.cache_hit": False,
        "app.fallbacks": ["large: error"],
        "app.model_calls": 1,
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
    assert (result.score, result.failures) == (0.0, ("'Hi': no model answered",))


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
