"""LLM applications: the engineering around a model you call but do not train.

A large language model behind an API is still a model in production: its answers
need a contract, its prompt a version, a change to it a gate, its calls budgets, a
cache, a rate limit and a fallback, its inputs and outputs guards, and its traffic
traces and drift monitoring. This module builds each of them around a deterministic
stand-in for a hosted model, so that every path runs in a test: no network, no API
key, no download.
"""

from __future__ import annotations

# --8<-- [start:imports]
import hashlib
import json
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, ClassVar, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from churn.monitor import MIN_PSI, categorical_psi, chi2_test, psi_band

# --8<-- [end:imports]


# --8<-- [start:tokens]
def count_tokens(text: str) -> int:
    """Approximate the tokens in ``text``: one per four characters, rounded up.

    This is a rule of thumb for English, good enough to plan a budget before a
    call. It is not a tokenizer: each model family splits text its own way, and
    code, numbers and other languages take more tokens per character. Bill from
    the usage the provider reports, never from this estimate.
    """
    return math.ceil(len(text) / 4)


@dataclass(frozen=True)
class Pricing:
    """What a model costs, in dollars per 1,000 input and per 1,000 output tokens."""

    input_per_1k: float
    output_per_1k: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """Dollars for a call that read ``input_tokens`` and wrote ``output_tokens``."""
        spent = input_tokens * self.input_per_1k + output_tokens * self.output_per_1k
        return spent / 1000


# --8<-- [end:tokens]


# --8<-- [start:model]
class ManualClock:
    """A clock that moves only when told to: latency you can count, not wait for."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        """The time now, in seconds."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        self.now += seconds


@dataclass(frozen=True)
class Completion:
    """A model's text and the usage it reports, as a provider's API returns them."""

    text: str
    input_tokens: int
    output_tokens: int


class LLMCallError(Exception):
    """A call that gave no usable answer; ``kind`` names why, for the trace."""

    kind: ClassVar[str] = "error"


class ModelError(LLMCallError):
    """The provider answered with an error, as it does in an outage (HTTP 5xx)."""


class ModelTimeout(LLMCallError):
    """No answer within the deadline."""

    kind = "timeout"


class Model(Protocol):
    """What the application needs of a model: a name, a price and ``complete``."""

    name: str
    pricing: Pricing

    def complete(self, prompt: str, *, max_tokens: int, timeout_s: float) -> Completion:
        """Answer ``prompt`` in at most ``max_tokens`` tokens within ``timeout_s``."""


# Where a repair prompt starts: text after it asks the model to fix its last answer.
REPAIR_MARKER = "Your previous answer was not valid."
# A prompt's label rules, one a line: "- billing: charge, invoice, refund".
RULE = re.compile(r"^- (\w+): (.+)$", re.MULTILINE)
URGENT = ("urgent", "asap", "today", "immediately")


@dataclass
class StandInModel:
    """A deterministic stand-in for a hosted LLM: its behaviour follows the prompt.

    It labels the text between ``<message>`` tags with the first label of the
    prompt's ``- label: word, word`` lines whose words it contains ("other" if
    none). It writes the urgency as a number only if the prompt asks for an
    integer, and bare JSON only if the prompt says "JSON only"; otherwise it wraps
    the JSON in a sentence, as chat models often do. It follows a repair prompt unless
    ``repairs`` is False, and cuts its text at ``max_tokens``, as a real model does.

    Attributes:
        name: The model's name, as a route and a trace know it.
        pricing: What its tokens cost.
        clock: Moved by ``latency_s`` on each call, or by the timeout if shorter.
        latency_s: How long a call takes.
        down: Whether every call fails with `ModelError`, as in an outage.
        repairs: Whether it follows a repair prompt's instructions.
        prompts: Every prompt it was sent, so a test can check what left.
    """

    name: str
    pricing: Pricing
    clock: ManualClock
    latency_s: float = 0.5
    down: bool = False
    repairs: bool = True
    prompts: list[str] = field(default_factory=list)

    def complete(self, prompt: str, *, max_tokens: int, timeout_s: float) -> Completion:
        """Answer ``prompt`` as the class docstring describes.

        Raises:
            ModelTimeout: If ``latency_s`` is longer than ``timeout_s``; the clock
                moves by ``timeout_s``, the time the caller waited.
            ModelError: If the model is ``down``.
        """
        self.prompts.append(prompt)
        if self.latency_s > timeout_s:
            self.clock.advance(timeout_s)
            raise ModelTimeout(f"{self.name}: no answer within {timeout_s:g} s")
        self.clock.advance(self.latency_s)
        if self.down:
            raise ModelError(f"{self.name}: 503 Service Unavailable")
        text = self._answer(prompt)[: max_tokens * 4]  # out of tokens: cut mid-answer
        return Completion(text, count_tokens(prompt), count_tokens(text))

    def _answer(self, prompt: str) -> str:
        first = prompt.partition(REPAIR_MARKER)[0]
        heeded = prompt if self.repairs else first  # a stubborn model ignores repairs
        message = first.partition("<message>")[2].partition("</message>")[0].strip()
        lowered = message.lower()
        label = next(
            (
                label
                for label, words in RULE.findall(first)
                if any(word.strip() in lowered for word in words.split(","))
            ),
            "other",
        )
        urgent = any(word in lowered for word in URGENT)
        if "integer" in heeded:
            urgency: int | str = 3 if urgent else 1
        else:
            urgency = "high" if urgent else "low"
        summary = " ".join(message.split()[:8])
        answer = json.dumps({"label": label, "urgency": urgency, "summary": summary})
        return answer if "JSON only" in heeded else f"Sure! Here is the JSON: {answer}"


# --8<-- [end:model]


# --8<-- [start:prompts]
@dataclass(frozen=True)
class PromptConfig:
    """A prompt template and the settings it was written for, versioned as one.

    Attributes:
        name: Where the prompt lives, e.g. ``triage``; not part of the version.
        template: The prompt, with ``{{message}}`` where the message goes (the
            double braces MLflow's Prompt Registry uses too).
        model: The model the prompt was written and evaluated for.
        labels: The labels the application accepts; the output check holds every
            answer to them.
        temperature: The sampling temperature sent with each call.
        max_tokens: The longest answer a call may have, in tokens; also the worst
            case a budget plans for.
    """

    name: str
    template: str
    model: str
    labels: tuple[str, ...]
    temperature: float = 0.0
    max_tokens: int = 80

    def __post_init__(self) -> None:
        if "{{message}}" not in self.template:
            raise ValueError("template has no {{message}} placeholder for the message")
        if not self.labels or len(set(self.labels)) != len(self.labels):
            raise ValueError(
                f"labels must be distinct and not empty, got {self.labels}"
            )
        if self.temperature < 0:
            raise ValueError(f"temperature must be 0 or more, got {self.temperature}")
        if isinstance(self.max_tokens, bool) or not isinstance(self.max_tokens, int):
            raise ValueError(
                f"max_tokens must be a whole number, got {self.max_tokens!r}"
            )
        if self.max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1, got {self.max_tokens}")

    @property
    def version(self) -> str:
        """The first 12 hex digits of the SHA-256 of the settings as canonical JSON.

        Canonical means sorted keys, no spaces and the temperature as a float, so
        equal settings give equal versions however they were written, and any
        change to the template, the model, the labels or a setting gives a new one.
        """
        settings = asdict(self)
        del settings["name"]  # renaming a prompt does not change what it does
        settings["temperature"] = float(self.temperature)  # 0 and 0.0: one setting
        canonical = json.dumps(settings, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    def render(self, message: str) -> str:
        """The prompt for one message: the template with ``message`` in its place."""
        return self.template.replace("{{message}}", message)


# --8<-- [end:prompts]


# --8<-- [start:structured]
class Triage(BaseModel):
    """What the application needs from the model, written as a contract."""

    model_config = ConfigDict(extra="forbid")  # a changed answer shape is an error

    label: str
    urgency: int = Field(ge=1, le=3)
    summary: str = Field(max_length=200)


Answer = TypeVar("Answer", bound=BaseModel)


class StructuredOutputError(LLMCallError):
    """No answer validated after every try; ``fields`` names what was still wrong."""

    kind = "invalid output"

    def __init__(
        self, schema: str, tries: int, problems: list[tuple[str, str]]
    ) -> None:
        self.fields = [name for name, _ in problems]
        wrong = "; ".join(f"{name}: {message}" for name, message in problems)
        super().__init__(f"no valid {schema} after {tries} tries; still wrong: {wrong}")


def field_errors(error: ValidationError) -> list[tuple[str, str]]:
    """Each problem pydantic found, as (field, message).

    Text that is not JSON at all has no field; it is reported as ``(answer)``. The
    messages leave out the bad values, which can quote the user's text.
    """
    return [
        (".".join(str(part) for part in problem["loc"]) or "(answer)", problem["msg"])
        for problem in error.errors()
    ]


def repair_prompt(prompt: str, problems: list[tuple[str, str]]) -> str:
    """The first prompt again, followed by what was wrong with the last answer."""
    wrong = "\n".join(f"- {name}: {message}" for name, message in problems)
    return (
        f"{prompt}\n\n{REPAIR_MARKER} Fix these fields, reply with JSON only:\n{wrong}"
    )


def parse_with_repair(
    call: Callable[[str], str], prompt: str, schema: type[Answer], tries: int = 2
) -> Answer:
    """Call the model, validate its JSON against ``schema``, and repair what fails.

    After a failed answer the model gets a repair prompt that quotes pydantic's
    field-level errors, so it is told what to fix rather than asked again. Every
    try is a paid call: keep ``tries`` small.

    Args:
        call: Sends a prompt to the model and returns its text.
        prompt: The first prompt.
        schema: The pydantic model the answer must validate against.
        tries: Calls in all, at least 1: the first, then its repairs.

    Returns:
        The first answer that validated.

    Raises:
        StructuredOutputError: If none did; it names the fields still wrong.
        ValueError: If ``tries`` is not a whole number of at least 1.
    """
    if isinstance(tries, bool) or not isinstance(tries, int) or tries < 1:
        raise ValueError(f"tries must be a whole number, at least 1, got {tries!r}")
    current, problems = prompt, []
    for _ in range(tries):
        text = call(current)
        try:
            return schema.model_validate_json(text)
        except ValidationError as error:
            problems = field_errors(error)
            current = repair_prompt(prompt, problems)
    raise StructuredOutputError(schema.__name__, tries, problems)


# --8<-- [end:structured]


# --8<-- [start:budget]
class BudgetExceeded(LLMCallError):
    """A call that could take spending over a limit, refused before it was sent."""

    kind = "budget"


def utc_today() -> str:
    """Today's date in UTC, ``YYYY-MM-DD``: the day a daily budget counts."""
    return datetime.now(UTC).date().isoformat()


class Budget:
    """Spending limits in dollars: for one request (all its calls) and for one day.

    A call is checked before it is sent, at its worst case: the prompt's tokens and
    ``max_tokens`` of answer. What it really cost, from the usage the model
    reports, is recorded after.

    Args:
        per_request: The most one request may cost, retries and fallbacks included.
        per_day: The most all requests of one day may cost.
        today: Names the current day; tests pass their own.

    Raises:
        ValueError: If a limit is not positive, or a request could cost more than
            a day.
    """

    def __init__(
        self,
        per_request: float,
        per_day: float,
        today: Callable[[], str] = utc_today,
    ) -> None:
        if not 0 < per_request <= per_day:
            raise ValueError(
                f"need 0 < per_request <= per_day, got {per_request} and {per_day}"
            )
        self.per_request, self.per_day, self.today = per_request, per_day, today
        self.spent: dict[str, float] = {}  # dollars per day

    def check(self, worst_case: float, request_spent: float) -> None:
        """Refuse a call that could take its request or the day over a limit.

        Args:
            worst_case: The most the call can cost.
            request_spent: What the request's earlier calls cost.

        Raises:
            BudgetExceeded: Naming the limit the call could break.
        """
        if request_spent + worst_case > self.per_request:
            raise BudgetExceeded(
                f"this request could cost ${request_spent + worst_case:.4f},"
                f" over its ${self.per_request:g} limit"
            )
        day = self.spent.get(self.today(), 0.0) + worst_case
        if day > self.per_day:
            raise BudgetExceeded(
                f"today's spend could reach ${day:.4f},"
                f" over the ${self.per_day:g} daily limit"
            )

    def record(self, cost: float) -> None:
        """Add what a call cost to today's spend."""
        day = self.today()
        self.spent[day] = self.spent.get(day, 0.0) + cost


# --8<-- [end:budget]


# --8<-- [start:cache]
def cache_key(prompt_version: str, model: str, message: str) -> str:
    """A key equal for the same message sent with the same prompt version and model.

    It is a hash, so the message's text is not kept in the key, and a new prompt
    version or model never matches an old answer.
    """
    canonical = json.dumps([prompt_version, model, message], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class ResponseCache:
    """The most recent answers, up to ``max_entries``; least recently used go first."""

    def __init__(self, max_entries: int = 10_000) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int):
            raise ValueError(f"max_entries must be a whole number, got {max_entries!r}")
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Triage] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: str) -> Triage | None:
        """The answer stored under ``key``, or None."""
        answer = self._entries.get(key)
        if answer is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)  # recently used: evicted last
        self.hits += 1
        return answer

    def put(self, key: str, answer: Triage) -> None:
        """Store an answer, evicting the least recently used past ``max_entries``."""
        self._entries[key] = answer
        self._entries.move_to_end(key)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


# --8<-- [end:cache]


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
        The text that may leave, and the kind of each replacement, in order.
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
        self.tokens = self.capacity  # start full

    def take(self, cost: float, now: float) -> None:
        """Spend ``cost`` tokens, or refuse the call.

        Args:
            cost: Tokens the call may use.
            now: The time, in seconds, from a clock that never goes back.

        Raises:
            RateLimited: If the bucket holds fewer than ``cost``; says how long to wait.
            ValueError: If ``cost`` is more than the bucket can ever hold.
        """
        if cost > self.capacity:
            raise ValueError(
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
    """What one request's calls used, summed over every try of every route."""

    calls: int = 0
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
        usage, fallbacks = Usage(), []
        answer, answered_by = self.cache.get(key), "cache"
        if answer is None:
            prompt = self.config.render(text)
            answer, answered_by = self._ask(prompt, usage, fallbacks, start)
            if answered_by == self.config.model:  # never cache a fallback's answer
                self.cache.put(key, answer)
        trace = {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": self.config.model,
            "gen_ai.usage.input_tokens": usage.input_tokens,
            "gen_ai.usage.output_tokens": usage.output_tokens,
            "app.prompt.name": self.config.name,
            "app.prompt.version": self.config.version,
            "app.answered_by": answered_by,
            "app.cache_hit": answered_by == "cache",
            "app.fallbacks": fallbacks,
            "app.model_calls": usage.calls,
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
        completion = route.model.complete(
            prompt,
            max_tokens=self.config.max_tokens,
            timeout_s=min(route.timeout_s, remaining),
        )
        cost = pricing.cost(completion.input_tokens, completion.output_tokens)
        usage.calls += 1
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

    A case the safe default answered fails whatever its fields: the default is what
    users get when no model could answer, not a right answer.

    Raises:
        ValueError: If there are no cases.
    """
    if not cases:
        raise ValueError("no cases: an empty evaluation set proves nothing")
    failures = []
    for case in cases:
        reply = assistant.answer(case.message)
        got = reply.answer.model_dump()
        wrong = {
            k: got.get(k) for k, want in case.expected.items() if got.get(k) != want
        }
        if reply.answered_by == "default":
            failures.append(f"{case.message!r}: no model answered")
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
    the move is big enough to act on (at least the guide's ``MIN_PSI``).

    Raises:
        ValueError: If a window is empty.
    """
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
