"""SES feedback under faults: once the notifications are accounted for, hard bounces and
complaints about addresses LeadDesk emailed arrive through the stack's own path (the feedback
topic, its subscription, the feedback queue, MailFeedbackFunction), some of them twice, with a
soft bounce and malformed feedback among them; then each partner emails the suppressed
addresses again.

What is expected is derived from the rules (docs/product.md, Notifications), never from what
the handler says it did: each hard bounce or complaint suppresses its address for the partner
the email was sent for, exactly once, with exactly one `address_suppressed` item; a soft bounce
suppresses nothing; malformed feedback ends in the feedback dead-letter queue with its reason;
an email to a suppressed address is recorded `suppressed` and never reaches SES.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from leaddesk.domain.feedback import FeedbackKind, ses_event
from tests.reliability.harness import Stage
from tests.reliability.workloads import Figures, redrive_exhausted, table_items, take_all

Address = tuple[str, str]  # (partner, lower-case address)


@dataclass
class FeedbackWorkload:
    seed: int
    bounces: int = 6
    expected: set[Address] = field(default_factory=set)
    soft: set[Address] = field(default_factory=set)
    exports: dict[str, Address] = field(default_factory=dict)  # export id → the suppressed requester
    redriven: int = 0
    kept: list[dict[str, Any]] = field(default_factory=list)

    def run(self, stage: Stage) -> None:
        from leaddesk_local.inbox import fetch

        rng = random.Random(self.seed)
        emailed = sorted(
            {
                (mail.header("x-leaddesk-partner") or "", to.lower())
                for mail in fetch(stage.endpoint_url)
                for to in mail.to
                if mail.header("x-leaddesk-partner")
            }
        )
        chosen = rng.sample(emailed, min(self.bounces + 1, len(emailed)))
        sns, topic = stage.client("sns"), stage.deployment.outputs["MailFeedbackTopicArn"]
        for index, (partner, address) in enumerate(chosen):
            last = index == len(chosen) - 1
            kind = FeedbackKind.COMPLAINT if index % 3 == 1 and not last else FeedbackKind.BOUNCE
            event = ses_event(kind, address, partner, f"m-{index}", stage.now(), f"fb-{index}")
            if last:
                event["bounce"]["bounceType"] = "Transient"  # a soft bounce: nothing to suppress
                self.soft.add((partner, address))
            else:
                self.expected.add((partner, address))
            for _ in range(1 + index % 2):  # every other one published twice (at least once delivery)
                sns.publish(TopicArn=topic, Message=json.dumps(event))
        untagged = ses_event(FeedbackKind.BOUNCE, "x@fabrikam.com", "p-rel-0", "m-x", stage.now(), "fb-x")
        untagged["mail"]["tags"] = {}
        sns.publish(TopicArn=topic, Message=json.dumps(untagged))
        sns.publish(TopicArn=topic, Message="not json")
        stage.pump()
        self._redrive_exhausted(stage)
        # Each partner emails a suppressed address again (an export ready for it): never sent.
        sqs, queue = stage.client("sqs"), stage.queue_url("NotifyQueue")
        for partner, address in sorted(self.expected):
            export_id = f"rel-fb-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}"
            detail = {
                "partner_id": partner,
                "export_id": export_id,
                "requester_email": address,
                "row_count": 1,
            }
            envelope = {"detail-type": "export.completed", "source": "leaddesk", "detail": detail}
            sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(envelope))
            self.exports[export_id] = (partner, address)
        stage.pump()

    def _redrive_exhausted(self, stage: Stage) -> None:
        """Letters the feedback queue's redrive policy moved (no reason) go back once, as an
        operator would move them; letters with a reason stay for the account."""
        moved, kept = redrive_exhausted(stage, "MailFeedbackDeadLetterQueueUrl", "MailFeedbackQueue")
        self.redriven += moved
        self.kept += kept

    def account(self, stage: Stage, figures: Figures) -> None:
        from leaddesk_local.inbox import fetch

        items = table_items(stage)
        suppressed = {
            (item["PK"]["S"][2:], item["SK"]["S"][4:]) for item in items if item["SK"]["S"].startswith("SUP#")
        }
        said: Counter[Address] = Counter()
        for item in items:
            if item["SK"]["S"].startswith("AC#"):
                doc = json.loads(item["doc"]["S"])
                if doc["kind"] == "address_suppressed":
                    said[(item["PK"]["S"][2:], doc["recipient"].lower())] += 1
        for address in self.expected - suppressed:
            figures.lost += 1
            figures.note(f"feedback not suppressed: {address}")
        for address in suppressed - self.expected:
            figures.doubled += 1  # a soft bounce, or an address nobody complained about
            figures.note(f"suppressed without a hard bounce or complaint: {address}")
        for address in self.expected:
            if said[address] == 0:
                figures.lost += 1
                figures.note(f"suppressed without its item: {address}")
            figures.doubled += max(said[address] - 1, 0)
        records = {
            item["notice"]["S"]: item["state"]["S"]
            for item in items
            if item["SK"]["S"].startswith("DLV#export_")
        }
        sent = Counter(mail.header("x-leaddesk-key") for mail in fetch(stage.endpoint_url))
        held = 0
        for export_id, address in self.exports.items():
            key = f"export_ready#{export_id}"
            figures.doubled += sent[key]  # an email to a suppressed address
            if records.get(key) != "suppressed":
                figures.lost += 1
                figures.note(f"{key} to suppressed {address}: {records.get(key) or 'no record'}")
            else:
                held += 1
        malformed = 0
        for message in [
            *self.kept,
            *take_all(stage.client("sqs"), stage.queue_url("MailFeedbackDeadLetterQueueUrl")),
        ]:
            reason = message.get("MessageAttributes", {}).get("leaddesk-reason", {}).get("StringValue")
            if reason is None:
                figures.lost += 1  # retries exhausted twice: nobody redrove it
                continue
            malformed += 1
            figures.dead_letters[f"feedback: {reason.split(':')[0][:40]}"] += 1
        figures.lost += max(2 - malformed, 0)  # the untagged and the non-JSON feedback
        figures.say(
            f"feedback: {len(self.expected)} hard bounces and complaints suppressed "
            f"({len(suppressed)} suppressions, {sum(said.values())} items), "
            f"{len(self.soft)} soft bounce ignored, {malformed} malformed dead-lettered, "
            f"{held} later emails to suppressed addresses held back; {self.redriven} redriven"
        )
