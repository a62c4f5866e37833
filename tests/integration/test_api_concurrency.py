"""Races on one lead (accept vs decline vs expiry) against a real moto server: exactly one wins.

A threaded moto server on 127.0.0.1 gives true concurrency: each contender has its own
boto3 client and service, as separate Lambda instances would. The server is the local
stack's `AtomicMotoServer`: moto itself does not apply a conditional write atomically under
concurrent requests (DynamoDB does), so each single write is made atomic there and the
races under test are LeadDesk's own read → decide → conditional write sequences.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from leaddesk.api.errors import answer
from leaddesk.domain.lifecycle import Action, NotAllowed
from leaddesk.domain.requests import AcceptRequest, DeclineRequest
from leaddesk_local.provision import Deployment
from leaddesk_local.template import Template
from tests.helpers.leads import ACCEPT_BODY, make_lead, put_leads
from tests.helpers.moto import atomic_moto_server
from tests.helpers.services import lead_store, leads_service, sweep_service

ROUNDS = 30


@pytest.fixture(scope="module")
def moto_server(template: Template) -> Iterator[Deployment]:
    with atomic_moto_server(template, "race") as deployment:
        yield deployment


def test_accept_decline_and_expiry_never_both_succeed(moto_server: Deployment) -> None:
    table = moto_server.refs["LeadsTable"]
    accept_body = AcceptRequest.model_validate(ACCEPT_BODY)
    decline_body = DeclineRequest(reason="not_a_customer")
    people = [leads_service(moto_server) for _ in range(2)]
    sweeper = sweep_service(moto_server)
    winners_seen: set[str] = set()
    rng = random.Random(4)
    for round_ in range(ROUNDS):
        now = datetime.now(UTC)
        lead = make_lead(partner=f"p-race-{round_}", created_at=now - timedelta(days=15))
        put_leads([lead], table, moto_server.endpoint_url)
        barrier = threading.Barrier(3)
        results: dict[str, Any] = {}

        # A rotating head start (a few ms) so that every contender wins some rounds even on a
        # loaded machine; the others still start within the same few milliseconds.
        leader = ("accept", "decline", "expiry")[round_ % 3]
        delays = {
            name: 0.0 if name == leader else rng.uniform(0.002, 0.02)
            for name in ("accept", "decline", "expiry")
        }

        def run(
            name: str,
            call: Any,
            barrier: threading.Barrier = barrier,
            results: dict[str, Any] = results,
            delays: dict[str, float] = delays,
        ) -> None:
            barrier.wait()
            time.sleep(delays[name])
            try:
                results[name] = call()
            except NotAllowed as refused:
                results[name] = refused

        calls = {
            "accept": partial(
                people[0].act, lead.partner_id, lead.lead_id, Action.ACCEPT, accept_body, "u-a"
            ),
            "decline": partial(
                people[1].act, lead.partner_id, lead.lead_id, Action.DECLINE, decline_body, "u-d"
            ),
            "expiry": partial(sweeper.sweep, now),
        }
        threads = [threading.Thread(target=run, args=item) for item in calls.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        winners = [name for name in ("accept", "decline") if not isinstance(results[name], NotAllowed)]
        if results["expiry"].changed:
            winners.append("expiry")
        assert len(winners) == 1, (round_, winners, results)
        winners_seen.add(winners[0])

        final = lead_store(moto_server).get_lead(lead.partner_id, lead.lead_id)
        assert final is not None and final.version == 2 and len(final.history) == 1
        for name in ("accept", "decline"):
            outcome = results[name]
            if isinstance(outcome, NotAllowed):
                # what the API answers: 409 with the lead's current state
                response = answer(outcome)
                body = json.loads(response.body) if isinstance(response.body, str) else response.body
                assert response.status_code == 409
                assert (body["status"], body["outcome"]) == (
                    final.status.value,
                    final.outcome and final.outcome.value,
                )
                assert body["etag"] == final.etag
    assert len(winners_seen) >= 2, winners_seen  # the race is real: different contenders win
