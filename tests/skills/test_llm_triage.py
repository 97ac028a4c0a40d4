import re

from skills.llm import RULE, Triage, parse_with_repair
from skills.llm_triage import LABELS, LARGE, SMALL, TEMPLATE, clock, large, small, v1


def test_every_label_but_other_has_a_rule_in_the_prompt():
    ruled = [label for label, _ in RULE.findall(TEMPLATE)]
    assert ruled == [label for label in LABELS if label != "other"]
    assert v1.labels == LABELS


def test_the_prompt_asks_for_the_fields_of_the_answer():
    asked = re.search(r"Reply with JSON only: (.+)\.", TEMPLATE)
    assert asked is not None
    fields = [part.split(" ")[0] for part in asked[1].split(", ")]
    assert fields == list(Triage.model_fields)


def test_both_models_share_one_clock_and_the_small_one_is_cheaper():
    assert large.clock is clock
    assert small.clock is clock
    assert SMALL.cost(1000, 1000) < LARGE.cost(1000, 1000)


def test_the_first_prompt_gets_a_valid_answer_without_repair():
    prompt = v1.render("I was charged twice, please refund me today")
    calls = []

    def call(text: str) -> str:
        calls.append(text)
        return large.complete(text, max_tokens=v1.max_tokens, timeout_s=2.0).text

    answer = parse_with_repair(call, prompt, Triage)
    assert answer.label == "billing"
    assert answer.urgency == 3
    assert len(calls) == 1
