"""Fixtures of the LLM tests: a clock you move by hand and two stand-in models on it."""

import pytest

from skills.llm import ManualClock, StandInModel
from tests.skills.llm_support import LARGE, SMALL


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def large(clock) -> StandInModel:
    return StandInModel("large", LARGE, clock, latency_s=0.8)


@pytest.fixture
def small(clock) -> StandInModel:
    return StandInModel("small", SMALL, clock, latency_s=0.3)
