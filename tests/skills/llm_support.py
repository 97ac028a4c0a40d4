"""What the tests of skills.llm and skills.llm_ops share: a prompt, prices, helpers."""

from dataclasses import replace

from skills.llm import Budget, PromptConfig, StandInModel, Triage
from skills.llm_ops import Assistant

# The prompt and prices the pages use; the tests name their models "large", "small".
from skills.llm_triage import LABELS, LARGE, SMALL, TEMPLATE

__all__ = ["LABELS", "LARGE", "SMALL", "TEMPLATE"]

SAFE = Triage(label="other", urgency=2, summary="Passed to a person.")
TODAY = "2026-12-03"


def config(**changes) -> PromptConfig:
    base = PromptConfig("triage", TEMPLATE, model="large", labels=LABELS)
    return replace(base, **changes)


def replace_triage(**changes) -> Triage:
    return SAFE.model_copy(update=changes)


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
