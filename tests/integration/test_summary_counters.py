"""The summary's counters stay exact while ingest, people's actions, favorites and the sweep race.

Several writers of one partner run at once against a moto server (one client and service per
thread, as separate Lambda instances); afterwards the counters must equal a full count of
the partner's leads by tab and status, and the summary must read a handful of items.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from leaddesk.adapters.dynamo.paging import pages
from leaddesk.domain.lifecycle import Action, NotAllowed
from leaddesk.domain.listing import LeadFilter
from leaddesk.domain.models import CloseReason, LeadStatus, Tab
from leaddesk.domain.requests import AcceptRequest, DeclineRequest
from leaddesk.services.ingest import RecordFate
from leaddesk.services.records import QueuedRecord
from leaddesk_local.metering import RequestCounter
from leaddesk_local.provision import Deployment, client
from leaddesk_local.template import Template
from tests.helpers.ingest import marketplace_lead
from tests.helpers.leads import ACCEPT_BODY
from tests.helpers.moto import atomic_moto_server
from tests.helpers.services import ingest_service, lead_store, leads_service, sweep_service

PARTNER = "p-count"
BATCHES = 10  # per ingest thread, of 3 leads
MARKETPLACE = LeadFilter(tab=Tab.MARKETPLACE).to_query()
DECLINE = DeclineRequest(reason=CloseReason.OTHER, notes="chose another partner")


@pytest.fixture(scope="module")
def moto_server(template: Template) -> Iterator[Deployment]:
    with atomic_moto_server(template, "count") as deployment:
        yield deployment


def full_count(deployment: Deployment) -> Counter[tuple[Tab, LeadStatus]]:
    """Every lead of the partner read and counted: what the counters must equal."""
    request = {
        "TableName": deployment.refs["LeadsTable"],
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :lead)",
        "ExpressionAttributeValues": {":pk": {"S": f"P#{PARTNER}"}, ":lead": {"S": "L#"}},
    }
    counted: Counter[tuple[Tab, LeadStatus]] = Counter()
    for answer in pages(client("dynamodb", deployment.endpoint_url).query, request):
        for item in answer["Items"]:
            if item["is_test"]["BOOL"]:
                continue
            status = LeadStatus(item["status"]["S"])
            counted[(Tab(item["tab"]["S"]), status)] += 1
            if item["favorite"]["BOOL"]:
                counted[(Tab.FAVORITES, status)] += 1
    return counted


def test_counters_equal_a_full_count_after_racing_writers(moto_server: Deployment) -> None:
    rng = random.Random(11)
    old = datetime.now(UTC) - timedelta(days=20)  # old enough for the sweep to expire
    ingesters = [ingest_service(moto_server, clock=lambda: old) for _ in range(3)]
    stop = threading.Event()
    errors: list[BaseException] = []

    def ingest(n: int) -> None:
        service = ingesters[n]
        for i in range(BATCHES):
            bodies = [
                json.dumps(
                    marketplace_lead(f"c-{n}-{i}-{k}", partner=PARTNER, email=f"c{n}{i}{k}@contoso.com")
                )
                for k in range(3)
            ]
            records = [QueuedRecord(f"m-{n}-{i}-{k}", body) for k, body in enumerate(bodies)]
            results = service.ingest(records)
            while any(r.fate is RecordFate.RETRY for r in results):
                results = service.ingest(records)

    def work_leads(seed: int) -> None:
        people = leads_service(moto_server)
        local = random.Random(seed)
        accept = AcceptRequest.model_validate(ACCEPT_BODY)
        rounds = 0
        # A few rounds at least: on a busy machine the producers can finish before a worker's
        # first page, and the race must really move leads (asserted below).
        while not stop.is_set() or rounds < 5:
            rounds += 1
            page = people.list(PARTNER, MARKETPLACE, 50, None)
            for lead in local.sample(page.items, min(5, len(page.items))):
                choice = local.random()
                try:
                    if choice < 0.3:
                        people.act(PARTNER, lead.lead_id, Action.ACCEPT, accept, "u")
                    elif choice < 0.5:
                        people.act(PARTNER, lead.lead_id, Action.DECLINE, DECLINE, "u")
                    else:
                        people.set_favorite(PARTNER, lead.lead_id, local.random() < 0.6)
                except NotAllowed:
                    pass

    sweeps = [0]  # whole sweeps done

    def sweep() -> None:
        sweeper = sweep_service(moto_server)
        while not stop.is_set():
            sweeper.sweep(datetime.now(UTC))
            sweeps[0] += 1

    def guarded(target: Callable[..., None], *args: object) -> threading.Thread:
        def run() -> None:
            try:
                target(*args)
            except BaseException as error:  # reported below: a thread must not die silently
                errors.append(error)

        return threading.Thread(target=run)

    producers = [guarded(ingest, n) for n in range(3)]
    others = [guarded(work_leads, rng.randrange(1000)) for _ in range(2)] + [guarded(sweep)]
    for thread in producers + others:
        thread.start()
    for thread in producers:
        thread.join(timeout=300)
    # Two whole sweeps after the last lead arrived: on a loaded machine the producers can finish
    # before the sweep has moved anything, and the race must really have moved leads.
    wanted, deadline = sweeps[0] + 2, time.monotonic() + 120
    while sweeps[0] < wanted and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    for thread in others:
        thread.join(timeout=120)
    assert not errors, errors

    expected = full_count(moto_server)
    assert (
        sum(expected[(tab, s)] for tab in (Tab.MARKETPLACE, Tab.QUALIFIED) for s in LeadStatus)
        == 3 * BATCHES * 3
    )
    assert expected[(Tab.MARKETPLACE, LeadStatus.ARCHIVED)] > 0  # the race really moved leads
    assert expected[(Tab.FAVORITES, LeadStatus.ARCHIVED)] + expected[(Tab.FAVORITES, LeadStatus.ACCEPTED)] > 0

    store = lead_store(moto_server)
    counter = RequestCounter().watch(store._db)
    counts = store.counts(PARTNER)
    assert {key: value for key, value in counts.items() if value} == dict(expected)
    assert counter.counts == {"BatchGetItem": 1}  # four small items, whatever the partner's size
