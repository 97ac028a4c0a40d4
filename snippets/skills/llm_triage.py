"""The triage application both LLM pages build on: a clock, two models, one prompt.

The first page (LLM applications) defines these lines as it goes; the second
(Running an LLM application) starts from them, so each page runs on its own. Both
include them from here, so the two pages can never start from different prompts.
"""

from __future__ import annotations

from skills.llm import ManualClock, Pricing, PromptConfig, StandInModel

# --8<-- [start:models]
clock = ManualClock()
LARGE = Pricing(input_per_1k=0.0025, output_per_1k=0.01)
SMALL = Pricing(input_per_1k=0.00015, output_per_1k=0.0006)
large = StandInModel("large-model", LARGE, clock, latency_s=0.8)
small = StandInModel("small-model", SMALL, clock, latency_s=0.3)
# --8<-- [end:models]

# --8<-- [start:prompt]
LABELS = ("billing", "cancellation", "technical", "other")
TEMPLATE = """You sort customer messages for the support team.
Labels, with the words that signal each:
- billing: charge, invoice, refund
- cancellation: cancel, leave
- technical: error, login, crash
Reply with JSON only: label, urgency (an integer from 1 to 3), summary.
<message>
{{message}}
</message>"""

v1 = PromptConfig("triage", TEMPLATE, model="large-model", labels=LABELS)
# --8<-- [end:prompt]
