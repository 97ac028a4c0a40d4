"""One answer to the exercise of docs/skills/system-design.md.

The customer on the cancellation page may have changed plan an hour ago, so the
offer is decided online, from the request; no input needs events from the last
minutes, so streaming would add a stream processor for nothing. The service time is
the capstone's p99 over HTTP, rounded up. At the peak two replicas, the floor, are
busy a few percent of the time: a request waits for little beyond its own few
milliseconds, far inside the 40 ms budget. Read it after your own attempt.
"""

from skills.capacity import Workload, plan

MODE = "online"
LATENCY_BUDGET_MS = 40  # the website's 200 ms page gives the model this much

WORKLOAD = Workload(
    requests_per_day=300_000,  # visits to the cancellation page
    peak_to_average=8,  # evening peaks
    service_ms=4,  # HTTP POST /predict, one record: its p99, rounded up
    latency_ms=LATENCY_BUDGET_MS,  # the time inside the service: the budget itself
    replica_cost_per_hour=0.05,
    workers_per_replica=1,
)

ONE_PROCESS_MEETS_BUDGET = True


def test_the_plan_is_pinned() -> None:
    """The plan for WORKLOAD needs as many replicas as the design document says."""
    sized = plan(WORKLOAD)
    # 27.8 requests/s at the peak, 250 per replica: the floor of two decides.
    assert sized.replicas == 2
    assert sized.peak_utilization < 0.1
