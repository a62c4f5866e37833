"""Fault injection end to end: throttling and transient 5xx at random in LeadDesk's DynamoDB, SQS,
EventBridge, SES and S3 calls, across ingest, the API, the sweep, the republishing of parked
events, notifications (emails, the action center, the digest), exports and SES's bounce and
complaint feedback; then every event,
action, email and file accounted for. Nothing lost, nothing doubled, nothing stuck.

Profiles (seeded, so a failure can be replayed): `make test` runs the quick one (300 events, 80
API actions, 8 exports); `make reliability` the full one (2,000 events, 500 API actions, 30
exports) — LEADDESK_RELIABILITY=full, LEADDESK_RELIABILITY_SEED to vary the seed. The figures
are printed.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from leaddesk.adapters import aws
from leaddesk_local.template import Template
from tests.reliability import exports, webhooks
from tests.reliability.actions import ApiWorkload, SweepWorkload
from tests.reliability.faults import FaultInjector
from tests.reliability.feedback import FeedbackWorkload
from tests.reliability.harness import moto_stage
from tests.reliability.notifications import NotificationsWorkload, SettingsWorkload
from tests.reliability.workloads import Figures, IngestWorkload

PROFILES = {"quick": (300, 80, 8), "full": (2000, 500, 30)}
# Of LeadDesk's requests to each service. botocore's three attempts absorb most faults; at this
# rate about 1 call in 60 still fails after them, which LeadDesk's own retries must absorb.
FAULT_RATE = 0.25


def workloads(events: int, actions: int, jobs: int, seed: int) -> list[Any]:
    """In order: each works on what the ones before it made."""
    settings = SettingsWorkload()
    endpoints = webhooks.WebhookEndpointsWorkload(seed + 6)
    return [
        settings,
        endpoints,
        IngestWorkload(events, seed),
        ApiWorkload(actions, seed + 1),
        SweepWorkload(seed + 2),
        exports.ExportWorkload(jobs, seed + 3),
        NotificationsWorkload(settings, seed + 4),
        FeedbackWorkload(seed + 5),
        webhooks.WebhookDeliveriesWorkload(endpoints),
    ]


@pytest.fixture
def quick_sdk_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retry backoff sleeps up to seconds; the suite keeps its retries, not its sleeps."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.001)


@pytest.fixture
def small_export_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker reads a few leads a page, so that every export spans pages and continuations."""
    from leaddesk.services import exports as worker

    monkeypatch.setattr(worker, "PAGE", exports.PAGE)


@pytest.fixture
def no_queue_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    """Webhook retries queued with an SQS delay come at once: the stage plays the clock, and the
    moto server would hold a delayed message for real seconds."""
    from leaddesk.adapters import webhook_queue

    monkeypatch.setattr(webhook_queue, "MAX_DELAY_SECONDS", 0)


@pytest.mark.long
def test_faults_injected_everywhere_lose_nothing_and_double_nothing(
    template: Template, quick_sdk_backoff: None, small_export_pages: None, no_queue_delays: None
) -> None:
    profile = os.environ.get("LEADDESK_RELIABILITY", "quick")
    events, actions, jobs = PROFILES[profile]
    seed = int(os.environ.get("LEADDESK_RELIABILITY_SEED", "7"))
    figures = Figures()
    started = time.monotonic()
    with moto_stage(template) as stage:
        faults = FaultInjector(seed=seed, rate=FAULT_RATE)
        faults.install([aws.dynamodb(), aws.sqs(), aws.events(), aws.sesv2(), aws.s3()])
        for workload in workloads(events, actions, jobs, seed):
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
        f"lost = {figures.lost}, doubled = {figures.doubled}, "
        f"stuck = {figures.stuck}, wrong = {figures.wrong}",
        *(f"  {note}" for note in figures.notes[:20]),
    ]
    print("\n" + "\n".join(report))
    assert faults.total > 0 and faults.sdk_retries() > 0
    assert (figures.lost, figures.doubled, figures.stuck, figures.wrong) == (0, 0, 0, 0), "\n".join(report)
