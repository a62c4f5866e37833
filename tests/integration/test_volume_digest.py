"""The volume rule: a partner's first 10 new leads of a UTC day emailed one by one, the rest in a
digest the day after — under concurrency, and sent once however often the digest runs."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leaddesk.adapters.action_center import ActionCenterStore
from leaddesk.adapters.dynamo.items import ItemPolicy
from leaddesk.adapters.mailer import SesMailer
from leaddesk.adapters.metrics import OperatorMetrics
from leaddesk.adapters.notify_store import NotifyStore
from leaddesk.domain.emails import EmailRenderer
from leaddesk.domain.models import LeadType
from leaddesk.domain.notify_settings import NotificationSettings
from leaddesk.services.deliveries import Deliverer
from leaddesk.services.digest import DigestService
from leaddesk.services.notify import NotifyService
from leaddesk.services.records import QueuedRecord
from leaddesk_local.inbox import SentMail, in_process
from leaddesk_local.provision import Deployment, client
from leaddesk_local.template import Template
from tests.helpers.leads import make_lead, put_leads
from tests.helpers.moto import atomic_moto_server
from tests.helpers.notify import (
    digest,
    inbox,
    lead_envelope,
    notify,
    put_settings,
    store,
    suppression_read_failing,
)
from tests.helpers.tenants import Partners

ADMIN = "ana@partner-contoso.com"
DAY = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def services(deployment: Deployment, db: Any = None) -> tuple[NotifyService, DigestService]:
    """The notifier and the digest as one Lambda instance builds them, with its own clients (its
    DynamoDB client `db` when given)."""
    db = db if db is not None else client("dynamodb", deployment.endpoint_url)
    table = deployment.refs["LeadsTable"]
    mailer = SesMailer(client("sesv2", deployment.endpoint_url), deployment.refs["SenderIdentity"])
    notify_store = NotifyStore(db, table)
    deliverer = Deliverer(notify_store, mailer, _now, OperatorMetrics())
    renderer = EmailRenderer("http://127.0.0.1:3000/app", 14)
    notifier = NotifyService(
        notify_store, deliverer, renderer, _now, OperatorMetrics(), timedelta(minutes=2), 14
    )
    return notifier, DigestService(
        notify_store, deliverer, renderer, _now, OperatorMetrics(), timedelta(minutes=2)
    )


def new_lead_mails(partner: str) -> list[SentMail]:
    return [
        m
        for m in in_process()
        if m.header("x-leaddesk-partner") == partner and m.subject.startswith("New lead")
    ]


def digests(partner: str) -> list[SentMail]:
    return [
        m
        for m in in_process()
        if m.header("x-leaddesk-partner") == partner and m.subject.startswith("Digest")
    ]


def delivery_states(db: Any, table: str, partner: str, notice: str) -> dict[str, str]:
    """Recipient → state of the partner's delivery records whose notice key begins with `notice`."""
    answer = db.query(
        TableName=table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues={":pk": {"S": f"P#{partner}"}, ":prefix": {"S": f"DLV#{notice}"}},
        ConsistentRead=True,
    )
    return {item["recipient"]["S"]: item["state"]["S"] for item in answer["Items"]}


def test_thirty_leads_in_parallel_make_ten_emails_and_one_digest_of_twenty(
    template: Template, partners: Partners
) -> None:
    partner = partners("volume")
    with atomic_moto_server(template, "volume") as deployment:
        table = deployment.refs["LeadsTable"]
        settings = NotificationSettings(referral_admin_emails=[ADMIN])
        ActionCenterStore(client("dynamodb", deployment.endpoint_url), table).save_settings(partner, settings)
        leads = [make_lead(partner=partner, created_at=DAY + timedelta(seconds=n)) for n in range(30)]
        put_leads(leads, table, deployment.endpoint_url, ItemPolicy())
        instances = [services(deployment)[0] for _ in range(10)]  # ten Lambda instances
        start = threading.Barrier(len(leads))
        failures: list[BaseException] = []

        def deliver(n: int) -> None:
            body = json.dumps(lead_envelope("lead.received", leads[n]))
            start.wait()
            try:
                results = instances[n % len(instances)].handle([QueuedRecord(f"m-{n}", body)])
                assert results[0].fate.value == "done", results
            except BaseException as error:  # reported below
                failures.append(error)

        threads = [threading.Thread(target=deliver, args=(n,)) for n in range(len(leads))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not failures, failures
        assert len(new_lead_mails(partner)) == 10
        assert digests(partner) == []  # the day is not over

        _, digest_service = services(deployment)
        report = digest_service.run(DAY + timedelta(days=1, minutes=15))
        [sent] = digests(partner)
        assert sent.to == [ADMIN] and report.sent == 1
        listed = set(re.findall(r"/app/leads/(\w+)", sent.text))
        emailed = {m.header("x-leaddesk-key").split("#")[1] for m in new_lead_mails(partner)}  # type: ignore[union-attr]
        assert (
            len(listed) == 20
            and not listed & emailed
            and listed | emailed == {lead.lead_id for lead in leads}
        )
        assert sent.subject.endswith(": 20 more new leads")
        again = digest_service.run(DAY + timedelta(days=1, hours=3))
        assert again.sent == 0 and len(digests(partner)) == 1  # the same day twice: nothing the second time


@pytest.mark.fresh_deployment  # the digest run sends every partner's owed digests, and counts them
def test_each_recipient_gets_one_digest_of_its_own_leads_and_late_leads_are_not_lost(
    deployment: Deployment,
) -> None:
    table = deployment.refs["LeadsTable"]
    put_settings(referral_admin_emails=[ADMIN], locations={"IT": "milano@partner-contoso.com"}, language="it")
    offers = [make_lead(created_at=DAY + timedelta(minutes=n)) for n in range(12)]
    profiles = [
        make_lead(created_at=DAY + timedelta(hours=1, minutes=n), lead_type=LeadType.PROFILE, country="IT")
        for n in range(3)
    ]
    store(table, *offers, *profiles)
    for chunk in (offers[:10], offers[10:] + profiles):
        assert notify(*[lead_envelope("lead.received", lead) for lead in chunk]) == {"batchItemFailures": []}
    assert len(inbox(ADMIN)) == 10 and inbox("milano@partner-contoso.com") == []

    first = digest("2026-11-21T00:15:00Z")
    assert (first["sent"], first["leads_listed"], first["leads_collected"]) == (2, 5, 5)
    [to_admin] = [m for m in inbox(ADMIN) if "Riepilogo" in m.subject]
    [to_milano] = inbox("milano@partner-contoso.com")
    assert to_admin.subject == "Riepilogo del 20 novembre 2026: altri 2 nuovi lead"
    assert to_milano.subject == "Riepilogo del 20 novembre 2026: altri 3 nuovi lead"
    assert all(f"/app/leads/{lead.lead_id}" in to_milano.text for lead in profiles)

    # A lead of that day arriving after its digest went is emailed on its own, not dropped.
    late = make_lead(created_at=DAY + timedelta(hours=15, minutes=59))
    store(table, late)
    assert notify(lead_envelope("lead.received", late)) == {"batchItemFailures": []}
    assert any(late.lead_id in m.text and m.subject.startswith("Nuovo lead") for m in inbox(ADMIN))
    assert digest("2026-11-21T06:00:00Z")["sent"] == 0
    assert digest("2026-11-22T00:15:00Z")["sent"] == 0


def test_a_digest_run_whose_suppression_read_fails_claims_nothing_and_its_retry_sends_it_once(
    template: Template, partners: Partners
) -> None:
    """The run reads the recipients' suppressions before it claims their deliveries: when the read
    fails (throttled past the SDK's retries), no digest is left `sending` — which the next run
    could only call unconfirmed, though it never reached SES — the other partner's digest still
    goes, the run tries the failed day once more after the others, then reports the failure
    (Lambda retries it) and the retry sends the digest once."""
    first, second = partners("digest-read"), partners("digest-read-2")
    with atomic_moto_server(template, "digest-read") as deployment:
        table = deployment.refs["LeadsTable"]
        db = client("dynamodb", deployment.endpoint_url)
        notifier, digest_service = services(deployment, db)
        for partner in (first, second):
            settings = NotificationSettings(referral_admin_emails=[ADMIN])
            ActionCenterStore(db, table).save_settings(partner, settings)
            leads = [make_lead(partner=partner, created_at=DAY + timedelta(seconds=n)) for n in range(12)]
            put_leads(leads, table, deployment.endpoint_url, ItemPolicy())
            for lead in leads:
                body = json.dumps(lead_envelope("lead.received", lead))
                [result] = notifier.handle([QueuedRecord(f"m-{lead.lead_id}", body)])
                assert result.fate.value == "done", result
            assert len(new_lead_mails(partner)) == 10

        at = DAY + timedelta(days=1, minutes=15)
        # Both partners' reads fail, and the first partner's again when the run tries it once more.
        with suppression_read_failing(db, times=3) as failed:
            report = digest_service.run(at)
        assert failed == ["BatchGetItem"] * 3
        assert (report.days, report.errors, report.sent) == (2, 1, 1)
        [behind] = [p for p in (first, second) if not digests(p)]  # the partner whose read failed
        assert delivery_states(db, table, behind, "digest#") == {}  # nothing claimed, nothing `sending`

        retry = digest_service.run(at + timedelta(minutes=1))  # Lambda retries the failed run
        assert (retry.sent, retry.pending, retry.errors) == (1, 0, 0)
        for partner in (first, second):
            [sent] = digests(partner)
            assert sent.to == [ADMIN] and sent.subject.endswith(": 2 more new leads")
            assert delivery_states(db, table, partner, "digest#") == {ADMIN: "sent"}
        assert digest_service.run(at + timedelta(days=1)).sent == 0
        assert [len(digests(p)) for p in (first, second)] == [1, 1]


def test_a_partner_day_that_fails_once_is_sent_by_the_same_run(
    template: Template, partners: Partners
) -> None:
    """A throttled moment on one partner's day: the run tries that day again after the others and
    sends every digest, so the run succeeds and nothing waits for Lambda's retry."""
    first, second = partners("digest-again"), partners("digest-again-2")
    with atomic_moto_server(template, "digest-again") as deployment:
        table = deployment.refs["LeadsTable"]
        db = client("dynamodb", deployment.endpoint_url)
        notifier, digest_service = services(deployment, db)
        for partner in (first, second):
            ActionCenterStore(db, table).save_settings(
                partner, NotificationSettings(referral_admin_emails=[ADMIN])
            )
            leads = [make_lead(partner=partner, created_at=DAY + timedelta(seconds=n)) for n in range(11)]
            put_leads(leads, table, deployment.endpoint_url, ItemPolicy())
            for lead in leads:
                notifier.handle(
                    [QueuedRecord(f"m-{lead.lead_id}", json.dumps(lead_envelope("lead.received", lead)))]
                )
        with suppression_read_failing(db) as failed:
            report = digest_service.run(DAY + timedelta(days=1, minutes=15))
        assert failed == ["BatchGetItem"]
        assert (report.days, report.errors, report.sent, report.pending) == (2, 0, 2, 0)
        for partner in (first, second):
            assert [len(digests(partner))] == [1]
            assert delivery_states(db, table, partner, "digest#") == {ADMIN: "sent"}
