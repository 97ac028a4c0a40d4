"""Exercise: close three gaps of the LLM application: personal data, length and cost.

From docs/skills/llm-operations.md. Evaluate what you ship, redaction included; answer
a message that is too long with the default before any call; and make the prompt gate
refuse a candidate that costs much more than the champion for the same score.

Edit this file, then run ``make exercise NAME=skills/llm_operations``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from skills.llm import PromptConfig
from skills.llm_ops import (
    Assistant,
    Case,
    Evaluation,
    GateDecision,
    PromptGate,
    evaluate,
    prompt_gate,
)

# 1. Personal data in the evaluation set.

# TODO: make this a billing message that holds an email address.
PII_CASE = Case("Where is my invoice?", {"label": "billing"})


def sent_addresses(prompts: Sequence[str]) -> list[str]:
    """Every email address in ``prompts``, e.g. the ``prompts`` a stand-in received."""
    # TODO: find the addresses (skills.llm_ops has a pattern for them).
    return []


# 2. A limit on the length of a message.


@dataclass(frozen=True)
class LimitedPrompt(PromptConfig):
    """A ``PromptConfig`` with a limit on the length of the message, in tokens.

    Attributes:
        max_message_tokens: The longest message the models are sent, in tokens
            (``count_tokens``); a longer one gets the default without a call.
    """

    max_message_tokens: int = 500

    # TODO: refuse a max_message_tokens that is not a whole number of at least 1,
    # naming it in the error, as PromptConfig does for max_tokens.


class LimitedAssistant(Assistant):
    """An ``Assistant`` that answers a message longer than the limit with the default.

    Its ``config`` is a ``LimitedPrompt``.
    """

    # TODO: before any call, answer a message longer than config.max_message_tokens
    # with the default, and say why in the trace's app.fallbacks, naming
    # max_message_tokens. Assistant.answer asks the models in
    # self._ask(prompt, usage, fallbacks, start), and the reasons it appends to
    # fallbacks are what the trace shows.


# 3. Cost in the prompt gate.


@dataclass(frozen=True)
class CostedEvaluation(Evaluation):
    """An ``Evaluation`` with the mean cost of a case, in dollars."""

    mean_cost: float


def evaluate_with_cost(assistant: Assistant, cases: Sequence[Case]) -> CostedEvaluation:
    """Evaluate as ``evaluate`` does, and add the mean cost per case from the traces."""
    result = evaluate(assistant, cases)
    # TODO: the mean of the replies' trace["app.cost_usd"]; evaluate calls
    # assistant.answer once a case, and only keeps the answers.
    return CostedEvaluation(result.version, result.score, result.failures, 0.0)


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
    """
    # TODO: refuse a candidate whose mean cost is more than max_cost_rise above the
    # champion's, with a reason that names the cost.
    return prompt_gate(candidate, champion, rules)
