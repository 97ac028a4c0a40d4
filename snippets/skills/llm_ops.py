"""Running an LLM application: guardrails, fallbacks, traces, a gate and drift.

Built on the contract of `skills.llm`: redaction and an output check, a token
bucket and a chain of models that ends in a safe default, one trace per request,
an evaluation gate for prompt versions, and drift in what comes in and goes out.
Every path runs against the stand-in model, with no network.
"""

from __future__ import annotations

# --8<-- [start:imports]
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

# --8<-- [end:imports]
# On the page, the previous chapter's code, shown first, defines these names.
from skills.llm import (
    Budget,
    LLMCallError,
    Model,
    ModelTimeout,
    PromptConfig,
    ResponseCache,
    Triage,
    cache_key,
    count_tokens,
    parse_with_repair,
)

# --8<-- [start:guardrails]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13 to 19 digits, in groups split by single spaces or dashes: a card-like number.
CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
# 9 to 15 digits with the separators phone numbers use, maybe after "+"; not part
# of a longer run of digits, so a date or an order number is left alone.
PHONE = re.compile(
    r"(?<![\w+])(?<!\d[ ().-])\+?\(?\d(?:[ ().-]{0,2}\d){8,14}(?![\d]|[ ().-]\d)"
)
PII = (("email", EMAIL), ("card", CARD), ("phone", PHONE))


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check that card numbers carry."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def _placeholder(kind: str, found: list[str], match: re.Match[str]) -> str:
    """``[KIND]`` for a match, or the match itself for digits that fail Luhn."""
    if kind == "card" and not luhn_valid(re.sub(r"\D", "", match[0])):
        return match[0]  # an order or account number, not a card
    found.append(kind)
    return f"[{kind.upper()}]"


def redact(text: str) -> tuple[str, list[str]]:
    """Replace emails, card numbers and phone numbers with placeholders.

    Patterns catch the common forms, not every one: they are the first layer, in
    front of a provider that keeps no data and logs that hold no text.

    Returns:
        The text that may leave, and the kind of each replacement, grouped by
        pattern: emails, then cards, then phones.
    """
    found: list[str] = []
    for kind, pattern in PII:
        text = pattern.sub(partial(_placeholder, kind, found), text)
    return text, found


def check_output(answer: Triage, labels: Sequence[str]) -> list[str]:
    """What makes a valid answer unusable; empty when it may be used.

    Args:
        answer: An answer that met the schema.
        labels: The labels the application accepts.

    Returns:
        One sentence per problem: a label outside ``labels``, or personal data in
        the summary.
    """
    problems = []
    if answer.label not in labels:
        problems.append(f"label {answer.label!r} is not one of {', '.join(labels)}")
    if redact(answer.summary)[1]:
        problems.append("the summary holds personal data")
    return problems


# --8<-- [end:guardrails]


# --8<-- [start:rate-limit]
class RateLimited(LLMCallError):
    """A call refused before it was sent: the provider's quota would be exceeded."""

    kind = "rate limited"


class OverQuota(RateLimited):
    """A call larger than the quota can ever hold: no wait makes it fit."""

    kind = "over quota"


@dataclass
class TokenBucket:
    """A quota in tokens: holds up to ``capacity`` and gains ``rate`` a second.

    Providers limit the tokens a minute as well as the requests, so each call
    spends its worst case in tokens (prompt plus ``max_tokens``), not one.
    """

    rate: float
    capacity: float
    updated: float = 0.0
    tokens: float = field(init=False)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.capacity <= 0:
            raise ValueError(
                f"rate and capacity must be positive, got {self.rate}, {self.capacity}"
            )
        self.tokens = self.capacity  # start full

    def take(self, cost: float, now: float) -> None:
        """Spend ``cost`` tokens, or refuse the call.

        Args:
            cost: Tokens the call may use.
            now: The time, in seconds, from a clock that never goes back.

        Raises:
            RateLimited: If the bucket holds fewer than ``cost``; says how long to wait.
            OverQuota: If ``cost`` is more than the bucket can ever hold.
        """
        if cost > self.capacity:
            raise OverQuota(
                f"{cost:g} tokens can never fit a bucket of {self.capacity:g}"
            )
        elapsed = max(now - self.updated, 0.0)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = now
        if self.tokens < cost:
            wait = (cost - self.tokens) / self.rate
            raise RateLimited(
                f"needs {cost:g} tokens, {self.tokens:.0f} left; {wait:.1f} s"
            )
        self.tokens -= cost


# --8<-- [end:rate-limit]


# --8<-- [start:assistant]
logger = logging.getLogger("llm")


@dataclass
class Route:
    """One model in the fallback chain, with its own deadline and quota."""

    model: Model
    timeout_s: float
    bucket: TokenBucket | None = None


@dataclass
class Usage:
    """What one request's model calls used: each call sent, and their sums.

    Each call is recorded with OpenTelemetry's names for a model call's span, and
    counted when it is sent, so a call that timed out is in the count too.
    """

    calls: list[dict[str, Any]] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0


@dataclass(frozen=True)
class Reply:
    """An answer, who gave it (a model's name, ``cache`` or ``default``), its trace."""

    answer: Triage
    answered_by: str
    trace: dict[str, Any]


class Assistant:
    """Triage customer messages with one prompt, a chain of models and every guard.

    For each message: redact it, look in the cache, then try each route in order.
    Every call is checked against the budget, the route's quota and the request's
    deadline; every answer is validated (and repaired) and checked. The first
    usable answer wins; if there is none, the safe ``default`` does. Every reply
    carries one trace, which is also logged as a line of JSON.

    Args:
        config: The prompt and its settings.
        routes: The models to try, in order; the first is the one the prompt was
            written for.
        budget: The spending limits.
        default: The answer when no model gives a usable one.
        cache: Answers of the first route, by prompt version, model and message.
        clock: Seconds from a clock that never goes back.
        deadline_s: The most one request may take, all its calls together.
        tries: Calls per route for one answer: the first and its repairs.

    Raises:
        ValueError: If there is no route, the first route is not the prompt's
            model, or the default's label is not an accepted one.
    """

    def __init__(
        self,
        config: PromptConfig,
        routes: Sequence[Route],
        budget: Budget,
        *,
        default: Triage,
        cache: ResponseCache | None = None,
        clock: Callable[[], float] = time.monotonic,
        deadline_s: float = 5.0,
        tries: int = 2,
    ) -> None:
        if not routes:
            raise ValueError("routes is empty: give at least one model")
        if routes[0].model.name != config.model:
            raise ValueError(
                f"the prompt was written for {config.model!r},"
                f" but the first route is {routes[0].model.name!r}"
            )
        if default.label not in config.labels:
            raise ValueError(f"the default's label {default.label!r} is not accepted")
        self.config, self.routes, self.budget = config, list(routes), budget
        self.default, self.clock = default, clock
        self.cache = cache if cache is not None else ResponseCache()
        self.deadline_s, self.tries = deadline_s, tries

    def answer(self, message: str) -> Reply:
        """Answer one message. A model's failure never raises: it is a fallback."""
        start = self.clock()
        text, redacted = redact(message)
        key = cache_key(self.config.version, self.config.model, text)
        usage, fallbacks = Usage(), list[str]()
        answer, answered_by = self.cache.get(key), "cache"
        if answer is None:
            prompt = self.config.render(text)
            answer, answered_by = self._ask(prompt, usage, fallbacks, start)
            if answered_by == self.config.model:  # never cache a fallback's answer
                self.cache.put(key, answer)
        trace = {
            "app.prompt.name": self.config.name,
            "app.prompt.version": self.config.version,
            "app.prompt.model": self.config.model,
            "app.answered_by": answered_by,
            "app.cache_hit": answered_by == "cache",
            "app.fallbacks": fallbacks,
            "app.calls": usage.calls,
            "app.input_tokens": usage.input_tokens,
            "app.output_tokens": usage.output_tokens,
            "app.cost_usd": round(usage.cost, 6),
            "app.latency_s": round(self.clock() - start, 3),
            "app.redacted": redacted,
            "app.message_tokens": count_tokens(text),
            "app.label": answer.label,
        }
        logger.info(json.dumps(trace, sort_keys=True))
        return Reply(answer, answered_by, trace)

    def _ask(
        self, prompt: str, usage: Usage, fallbacks: list[str], start: float
    ) -> tuple[Triage, str]:
        """The first usable answer along the routes, and who gave it."""
        for route in self.routes:
            call = partial(self._call, route, usage, start)
            try:
                answer = parse_with_repair(call, prompt, Triage, self.tries)
            except LLMCallError as error:
                fallbacks.append(f"{route.model.name}: {error.kind}")
                continue
            if check_output(answer, self.config.labels):
                fallbacks.append(f"{route.model.name}: guardrail")
                continue
            return answer, route.model.name
        return self.default, "default"

    def _call(self, route: Route, usage: Usage, start: float, prompt: str) -> str:
        """One call to one model, inside the deadline, the budget and the quota."""
        remaining = self.deadline_s - (self.clock() - start)
        if remaining <= 0:
            raise ModelTimeout("the request's deadline has passed")
        prompt_tokens = count_tokens(prompt)
        pricing = route.model.pricing
        worst_case = pricing.cost(prompt_tokens, self.config.max_tokens)
        self.budget.check(worst_case, usage.cost)  # first: a refusal spends no quota
        if route.bucket is not None:
            route.bucket.take(prompt_tokens + self.config.max_tokens, self.clock())
        call = {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": route.model.name,
        }
        usage.calls.append(call)  # sent: counted whether or not it answers
        try:
            completion = route.model.complete(
                prompt,
                max_tokens=self.config.max_tokens,
                timeout_s=min(route.timeout_s, remaining),
            )
        except LLMCallError as error:
            call["error.type"] = error.kind
            raise
        call["gen_ai.usage.input_tokens"] = completion.input_tokens
        call["gen_ai.usage.output_tokens"] = completion.output_tokens
        cost = pricing.cost(completion.input_tokens, completion.output_tokens)
        usage.input_tokens += completion.input_tokens
        usage.output_tokens += completion.output_tokens
        usage.cost += cost
        self.budget.record(cost)
        return completion.text


# --8<-- [end:assistant]


# --8<-- [start:evaluate]
@dataclass(frozen=True)
class Case:
    """One evaluation case: a message, and the fields its answer must have."""

    message: str
    expected: dict[str, Any]


@dataclass(frozen=True)
class Evaluation:
    """A prompt version's score on the cases (the share right) and what it got wrong."""

    version: str
    score: float
    failures: tuple[str, ...]


def evaluate(assistant: Assistant, cases: Sequence[Case]) -> Evaluation:
    """Answer every case and score the share whose answer has every expected field.

    Only the answers of the model the prompt was written for count (or the cache's,
    which holds only those): a case a fallback or the safe default answered fails
    whatever its fields, so an outage during the evaluation cannot score another
    model under this prompt's version.

    Raises:
        ValueError: If there are no cases.
    """
    if not cases:
        raise ValueError("no cases: an empty evaluation set proves nothing")
    own = (assistant.config.model, "cache")
    failures = []
    for case in cases:
        reply = assistant.answer(case.message)
        got = reply.answer.model_dump()
        wrong = {
            name: got.get(name)
            for name, want in case.expected.items()
            if got.get(name) != want
        }
        if reply.answered_by not in own:
            failures.append(
                f"{case.message!r}: answered by {reply.answered_by},"
                f" not {assistant.config.model}"
            )
        elif wrong:
            failures.append(f"{case.message!r}: got {wrong}, want {case.expected}")
    score = round(1 - len(failures) / len(cases), 4)
    return Evaluation(assistant.config.version, score, tuple(failures))


@dataclass(frozen=True)
class PromptGate:
    """What a new prompt version must score before it replaces the champion.

    Attributes:
        min_score: The floor: a version below it is useless.
        max_drop: How much worse than the champion, on the same cases, it may be.
    """

    min_score: float = 0.8
    max_drop: float = 0.0


@dataclass(frozen=True)
class GateDecision:
    """Whether a prompt version may be promoted, and every reason if not."""

    promote: bool
    reasons: tuple[str, ...]


def prompt_gate(
    candidate: Evaluation, champion: Evaluation | None, rules: PromptGate
) -> GateDecision:
    """Apply the promotion rules: a floor, and no regression against the champion.

    Args:
        candidate: The new version's evaluation.
        champion: The serving version's evaluation on the same cases, or None if
            nothing serves yet.
        rules: The thresholds.

    Returns:
        The decision, with a reason for each rule the candidate broke.
    """
    reasons = []
    if candidate.score < rules.min_score:
        reasons.append(
            f"score {candidate.score:.2f} is below the floor {rules.min_score}"
        )
    if champion is not None and candidate.score < champion.score - rules.max_drop:
        reasons.append(
            f"score {candidate.score:.2f} is worse than the champion's"
            f" {champion.score:.2f} by more than {rules.max_drop}"
        )
    return GateDecision(promote=not reasons, reasons=tuple(reasons))


# --8<-- [end:evaluate]


# --8<-- [start:drift]
LENGTHS = ((16, "under 16 tokens"), (64, "16 to 63"), (256, "64 to 255"))


def length_band(tokens: int) -> str:
    """A message's length as a band, so lengths compare like categories."""
    return next((name for limit, name in LENGTHS if tokens < limit), "256 or more")


def watched(trace: dict[str, Any]) -> dict[str, str]:
    """The fields of a trace whose distribution is watched, as categories."""
    return {
        "label": trace["app.label"],
        "message length": length_band(trace["app.message_tokens"]),
    }


@dataclass(frozen=True)
class Shift:
    """How far one watched field moved between two windows of traces."""

    name: str
    psi: float
    band: str
    p_value: float
    drifted: bool


def compare_windows(
    reference: Sequence[dict[str, Any]],
    current: Sequence[dict[str, Any]],
    alpha: float = 0.01,
) -> list[Shift]:
    """Compare each watched field of two windows of traces, as the drift report does.

    A field drifts when both hold: its chi-square test says the move is more than
    chance (p below ``alpha`` shared over the fields, Bonferroni), and its PSI says
    the move is big enough to act on (at least ``churn.monitor.MIN_PSI``).

    Raises:
        ValueError: If a window is empty.
    """
    # The drift tools of the reference system, imported here so that the rest of
    # this module needs only pydantic.
    from churn.monitor import MIN_PSI, categorical_psi, chi2_test, psi_band

    if not reference or not current:
        raise ValueError("both windows need traces to compare")
    before, after = [watched(t) for t in reference], [watched(t) for t in current]
    threshold = alpha / len(before[0])
    shifts = []
    for name in before[0]:
        old, new = [row[name] for row in before], [row[name] for row in after]
        value, p_value = categorical_psi(old, new), chi2_test(old, new)
        drifted = p_value < threshold and value >= MIN_PSI
        shifts.append(Shift(name, value, psi_band(value), p_value, drifted))
    return shifts


# --8<-- [end:drift]
