"""One answer to the exercise of docs/skills/llm-operations.md.

The evaluation set gets a case with an address, and a check that finds addresses in
what the stand-in was sent. A ``LimitedPrompt`` carries ``max_message_tokens``, and a
``LimitedAssistant`` gives a longer message the default with the reason in the trace.
The gate's cost comes from the traces of the replies the evaluation got. Read it after
your own attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from skills.llm import PromptConfig, Triage, count_tokens
from skills.llm_ops import (
    EMAIL,
    Assistant,
    Case,
    Evaluation,
    GateDecision,
    PromptGate,
    Reply,
    Usage,
    evaluate,
    prompt_gate,
    redact,
)

# 1. Personal data in the evaluation set.

PII_CASE = Case(
    "My invoice is wrong, write to jo.smith@example.com", {"label": "billing"}
)


def sent_addresses(prompts: Sequence[str]) -> list[str]:
    """Every email address in ``prompts``, e.g. the ``prompts`` a stand-in received."""
    return [address for prompt in prompts for address in EMAIL.findall(prompt)]


# 2. A limit on the length of a message.


@dataclass(frozen=True)
class LimitedPrompt(PromptConfig):
    """A ``PromptConfig`` with a limit on the length of the message, in tokens.

    Attributes:
        max_message_tokens: The longest message the models are sent, in tokens
            (``count_tokens``); a longer one gets the default without a call.
    """

    max_message_tokens: int = 500

    def __post_init__(self) -> None:
        super().__post_init__()
        limit = self.max_message_tokens
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(
                f"max_message_tokens must be a whole number, at least 1, got {limit!r}"
            )


class LimitedAssistant(Assistant):
    """An ``Assistant`` that answers a message longer than the limit with the default.

    Its ``config`` is a ``LimitedPrompt``.
    """

    config: LimitedPrompt
    _message_tokens = 0

    def answer(self, message: str) -> Reply:
        """Answer one message; one longer than the limit gets the default, uncalled."""
        self._message_tokens = count_tokens(redact(message)[0])
        return super().answer(message)

    def _ask(
        self, prompt: str, usage: Usage, fallbacks: list[str], start: float
    ) -> tuple[Triage, str]:
        limit = self.config.max_message_tokens
        if self._message_tokens > limit:
            fallbacks.append(
                f"message too long: {self._message_tokens} tokens,"
                f" over max_message_tokens={limit}"
            )
            return self.default, "default"
        return super()._ask(prompt, usage, fallbacks, start)


# 3. Cost in the prompt gate.


@dataclass(frozen=True)
class CostedEvaluation(Evaluation):
    """An ``Evaluation`` with the mean cost of a case, in dollars."""

    mean_cost: float


@dataclass
class _Recorder:
    """Stands in for an assistant in ``evaluate``, keeping the trace of each reply."""

    assistant: Assistant
    traces: list[dict[str, Any]] = field(default_factory=list)

    @property
    def config(self) -> PromptConfig:
        """The assistant's prompt, which ``evaluate`` reads."""
        return self.assistant.config

    def answer(self, message: str) -> Reply:
        """The assistant's reply, its trace kept."""
        reply = self.assistant.answer(message)
        self.traces.append(reply.trace)
        return reply


def evaluate_with_cost(assistant: Assistant, cases: Sequence[Case]) -> CostedEvaluation:
    """Evaluate as ``evaluate`` does, and add the mean cost per case from the traces."""
    recorder = _Recorder(assistant)
    result = evaluate(cast(Assistant, recorder), cases)
    cost = sum(trace["app.cost_usd"] for trace in recorder.traces) / len(cases)
    return CostedEvaluation(result.version, result.score, result.failures, cost)


def cost_gate(
    candidate: CostedEvaluation,
    champion: CostedEvaluation | None,
    rules: PromptGate,
    max_cost_rise: float = 0.2,
) -> GateDecision:
    """``prompt_gate``'s rules, and no candidate more than ``max_cost_rise`` dearer.

    Args:
        candidate: The new version's evaluation, with its cost.
        champion: The serving version's, on the same cases, or None.
        rules: The floor and the drop allowed in score.
        max_cost_rise: How much dearer a case may be, as a share: 0.2 is 20%.

    Returns:
        The decision, with a reason for each rule the candidate broke.
    """
    decision = prompt_gate(candidate, champion, rules)
    reasons = list(decision.reasons)
    if champion is not None:
        ceiling = champion.mean_cost * (1 + max_cost_rise)
        if candidate.mean_cost > ceiling:
            reasons.append(
                f"mean cost ${candidate.mean_cost:.6f} a case is more than"
                f" {max_cost_rise:.0%} over the champion's ${champion.mean_cost:.6f}"
            )
    return GateDecision(promote=not reasons, reasons=tuple(reasons))
