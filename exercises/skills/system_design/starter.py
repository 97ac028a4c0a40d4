"""Exercise: design the retention offer on the cancellation page.

From docs/skills/system-design.md. Marketing wants a retention offer on the
website's cancellation page for customers the model scores above 0.7. The page is
visited 300,000 times a day, with evening peaks at eight times the average, and must
render in 200 ms, of which the website team gives you 40 ms. Choose the prediction
mode, size the online path with ``plan``, and pin the plan with a test.

Edit this file, then run ``make exercise NAME=skills/system_design``.
"""

from skills.capacity import Workload, plan

# TODO: "batch", "online" or "streaming". Are the inputs known in advance? Is the
# customer cancelling right now the one scored last night?
MODE: str | None = None

# The worked design's workload, for the support agents: change it for the need above.
# TODO: the need's traffic, and for service_ms the capstone's benchmark for one record
# over HTTP (docs/capstone/generated/performance.md). One process per replica.
WORKLOAD = Workload(
    requests_per_day=200_000,
    peak_to_average=5,
    service_ms=2,
    latency_ms=10,
    replica_cost_per_hour=0.05,
)

# TODO: True or False. Look at plan(WORKLOAD): how busy is a replica at the peak?
ONE_PROCESS_MEETS_BUDGET: bool | None = None


def test_the_plan_is_pinned() -> None:
    """The plan for WORKLOAD needs as many replicas as the design document says."""
    sized = plan(WORKLOAD)
    # TODO: assert sized.replicas == the number the plan gives, written here as a
    # number, so that a change to WORKLOAD fails this test and shows up in review.
    assert sized.replicas >= 1
