"""LLM applications: the contract around a model you call but do not train.

A large language model behind an API is still a model in production: its answers
need a contract, its prompt a version, and its calls budgets and a cache. This
module builds each of them around a deterministic stand-in for a hosted model, so
that every path runs in a test: no network, no API key, no download.
`skills.llm_ops` builds the rest on it: guardrails, rate limits and fallbacks,
traces, an evaluation gate and drift monitoring.
"""

from __future__ import annotations

# --8<-- [start:imports]
import hashlib
import json
import math
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import ClassVar, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
        """The prompt for one message: the template with ``message`` in its place.

        The message loses any ``<message>`` tags of its own first, so a message
        cannot close the part of the prompt that holds it and write past it.
        """
        for tag in ("<message>", "</message>"):
            message = message.replace(tag, "")
        return self.template.replace("{{message}}", message)


# --8<-- [end:prompts]


# --8<-- [start:structured]
class Triage(BaseModel):
    """What the application needs from the model, written as a contract."""

    # A changed answer shape is an error; frozen, so a cached answer cannot change.
    model_config = ConfigDict(extra="forbid", frozen=True)

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


def repair_prompt(prompt: str, answer: str, problems: list[tuple[str, str]]) -> str:
    """The first prompt again, the last answer, and what was wrong with it.

    A provider's API keeps no memory between calls, so the answer to fix is sent
    back with the prompt (in a chat API, as the assistant's turn).
    """
    wrong = "\n".join(f"- {name}: {message}" for name, message in problems)
    return (
        f"{prompt}\n\n{REPAIR_MARKER} It was:\n{answer}\n"
        f"Fix these fields, reply with JSON only:\n{wrong}"
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
            current = repair_prompt(prompt, text, problems)
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
