"""Fault injection end to end: throttling and transient 5xx at random in LeadDesk's DynamoDB, SQS
and EventBridge calls, across ingest, the API, the sweep and the republishing of parked events;
then every event and action accounted for. Nothing lost, nothing doubled.

Profiles (seeded, so a failure can be replayed): `make test` runs the quick one (300 events and 80
API actions); `make reliability` the full one (2,000 events and 500 API actions)
— LEADDESK_RELIABILITY=full, LEADDESK_RELIABILITY_SEED to vary the seed. The figures are printed.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from leaddesk.adapters import aws
from leaddesk_local.template import Template
from tests.reliability.actions import ApiWorkload, SweepWorkload
from tests.reliability.faults import FaultInjector
from tests.reliability.harness import moto_stage
from tests.reliability.workloads import Figures, IngestWorkload

PROFILES = {"quick": (300, 80), "full": (2000, 500)}
# Of LeadDesk's requests to each service. botocore's three attempts absorb most faults; at this
# rate about 1 call in 60 still fails after them, which LeadDesk's own retries must absorb.
FAULT_RATE = 0.25


def workloads(events: int, actions: int, seed: int) -> list[Any]:
    """In order: each works on what the ones before it made."""
    return [IngestWorkload(events, seed), ApiWorkload(actions, seed + 1), SweepWorkload(seed + 2)]


@pytest.fixture
def quick_sdk_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retry backoff sleeps up to seconds; the suite keeps its retries, not its sleeps."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.001)


def test_faults_injected_everywhere_lose_nothing_and_double_nothing(
    template: Template, quick_sdk_backoff: None
) -> None:
    profile = os.environ.get("LEADDESK_RELIABILITY", "quick")
    events, actions = PROFILES[profile]
    seed = int(os.environ.get("LEADDESK_RELIABILITY_SEED", "7"))
    figures = Figures()
    started = time.monotonic()
    with moto_stage(template) as stage:
        faults = FaultInjector(seed=seed, rate=FAULT_RATE)
        faults.install([aws.dynamodb(), aws.sqs(), aws.events()])
        for workload in workloads(events, actions, seed):
            phase = time.monotonic()
            workload.run(stage)
            workload.account(stage, figures)
            figures.lines[-1] += f" [{time.monotonic() - phase:.0f} s]"
    elapsed = time.monotonic() - started
    report = [
        f"reliability, profile {profile}, seed {seed}, {elapsed:.0f} s",
        *figures.lines,
        f"faults injected: {faults.total} of {sum(faults.attempts.values())} requests "
        f"({', '.join(f'{s} {n}' for s, n in faults.by_service().items())})",
        f"retries: {faults.sdk_retries()} by the SDK, {stage.redeliveries} SQS redeliveries, "
        f"{stage.handler_failures} failed invocations retried",
        f"dead letters: {sum(figures.dead_letters.values())} "
        f"({', '.join(f'{r} {n}' for r, n in sorted(figures.dead_letters.items()))})",
        f"lost = {figures.lost}, doubled = {figures.doubled}",
    ]
    print("\n" + "\n".join(report))
    assert faults.total > 0 and faults.sdk_retries() > 0
    assert (figures.lost, figures.doubled) == (0, 0), "\n".join(report)
