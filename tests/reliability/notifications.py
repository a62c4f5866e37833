"""Notifications under faults: the partners' settings first, then — once every other workload has
run and the queues are empty — the daily digest, and every email and action-center item
accounted for.

What is expected is derived from the product rules (docs/product.md, Notifications), the
settings the suite saved and the leads as stored, never from what the notifier says it did:

- who receives a new-lead (and an expiring-soon) email: the recipients table (preferred email,
  business-profile location, the seller's contact, else the referral admins — the settings'
  addresses, else the partner's referrals_admin users in the user pool); a new lead that reaches
  nobody adds one `no_recipient` item per partner, lead type and UTC day; a sweep run's reminders
  go as one email per recipient listing that recipient's leads of the run, each lead once; a
  decline emails the customer unless do-not-contact, the address is unusable or the reason is
  spam/phishing; an expiry the referrer; an export the person who asked. Test and informational
  leads send nothing and add no item.
- the volume rule is the notifier's own count, so which leads were emailed one by one and which
  were collected for the digest is read from the stored state (the new-lead item's `mode`), and
  checked against the rule: at most 10 a partner's day, fewer only by the leads a failed batch
  counted twice (the day's count says how many), the rest in one digest per recipient.

Then, read from moto's SES (its server's inbox, which no fault reaches): no email twice (per
recipient and notice — a customer's email carries no LeadDesk header, so its notice is found by
SES's message id in the delivery records, else by its recipient among the declined leads), none
the rules do not ask for; every delivery record ends `sent` with
exactly one email, or `failed` / `unconfirmed` with an action-center item saying so, never
`sending` or `deferred`; every item once; every dead letter with its reason; a lead's items
resolved once the lead is no longer waiting for an answer, open while it is.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tests.reliability.harness import Stage
from tests.reliability.workloads import Figures, _stored_leads, redrive_exhausted, table_items, take_all

LANGUAGES = ("en", "fr", "it", "nl", "hu", "tr")
INDIVIDUAL_EMAILS = 10  # a partner's first 10 new leads of a UTC day, then the day's digest
DIGEST_LISTED = 200  # a digest lists this many leads and counts the rest
WELL_FORMED = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LISTED_LEAD = re.compile(r"/leads/([0-9A-Z]{26})")


def settings_for(index: int) -> dict[str, Any]:
    """Partner `index`'s settings: admins (two, one or none), a preferred email on some, locations
    on others, each language in turn."""
    settings: dict[str, Any] = {
        "referral_admin_emails": [f"admin{n}.prel{index}@fabrikam.com" for n in range(2 - index % 3)],
        "language": LANGUAGES[index % len(LANGUAGES)],
    }
    if index % 4 == 1:
        settings["preferred_email"] = f"leads.prel{index}@fabrikam.com"
    if index % 2 == 0:
        settings["locations"] = {"US": f"us.prel{index}@fabrikam.com", "DE": f"de.prel{index}@fabrikam.com"}
    return settings


@dataclass
class SettingsWorkload:
    """Each partner's notification settings, saved through the notifications API (PUT /settings as
    a profile admin) before any lead arrives; the last partner never saves any: its new leads go
    to its one referrals_admin user in the user pool (and a viewer who is no recipient). Partners
    whose settings name no admin and no preferred email have new leads that reach nobody."""

    partners: int = 10
    saved: dict[str, dict[str, Any]] = field(default_factory=dict)
    people: dict[str, list[str]] = field(default_factory=dict)  # partner → its referrals_admin users

    def run(self, stage: Stage) -> None:
        from leaddesk_local.people_command import add_person

        cognito, pool = stage.client("cognito-idp"), stage.deployment.refs["UserPool"]
        last = f"p-rel-{self.partners - 1}"
        add_person(cognito, pool, last, f"una.{last}@fabrikam.com", "referrals_admin", "Una")
        add_person(cognito, pool, last, f"vic.{last}@fabrikam.com", "viewer", None)
        self.people[last] = [f"una.{last}@fabrikam.com"]
        for index in range(self.partners - 1):
            partner = f"p-rel-{index}"
            wanted = settings_for(index)
            status, answer, _ = stage.api(
                "PUT",
                "/settings",
                "/settings",
                partner,
                wanted,
                role="profile_admin",
                function="notifications_api.app",
            )
            assert status == 200, answer
            self.saved[partner] = wanted

    def account(self, stage: Stage, figures: Figures) -> None:
        for partner, wanted in self.saved.items():
            status, stored, _ = stage.api(
                "GET", "/settings", "/settings", partner, role="viewer", function="notifications_api.app"
            )
            assert status == 200, stored
            figures.lost += any(stored.get(name) != value for name, value in wanted.items())
        figures.say(f"settings: {len(self.saved)} partners' notification settings saved and read back")


def lead_recipients(lead: dict[str, Any], settings: dict[str, Any], people: list[str]) -> list[str]:
    """The recipients table of docs/product.md, for a new-lead or expiring-soon email; the
    referral admins are the settings' addresses, else the partner's referrals_admin users."""
    admins: list[str] = settings.get("referral_admin_emails", []) or people
    preferred = settings.get("preferred_email")
    kind = lead["lead_type"]
    if kind in ("offer", "profile", "joint_planning") and preferred:
        return [preferred]
    if kind == "profile":
        location = settings.get("locations", {}).get(lead["customer"].get("country") or "")
        return [location] if location else admins
    if kind in ("marketing_qualified", "sales_qualified", "shared_marketing"):
        contact = (lead.get("assigned_contact") or {}).get("email") or ""
        return [contact] if WELL_FORMED.match(contact) else admins
    return admins


def customer_reachable(lead: dict[str, Any]) -> bool:
    email = lead["customer"].get("email") or ""
    unusable = lead.get("email_validity") in ("invalid", "spam")
    silent = (lead.get("closure") or {}).get("reason") == "abuse_spam_or_phishing"
    return not (lead.get("do_not_contact") or unusable or silent) and WELL_FORMED.match(email) is not None


Mail = tuple[str, str, str]  # (recipient, notice key, partner)


@dataclass
class NotificationsWorkload:
    """The notifier's part: redrive what exhausted its retries (as an operator would), fire the
    digest's schedule after the leads' day(s), then account for every email and item."""

    settings: SettingsWorkload
    seed: int
    digest_runs: list[dict[str, Any]] = field(default_factory=list)
    redriven: int = 0

    def run(self, stage: Stage) -> None:
        stage.pump()
        self._redrive_exhausted(stage)
        leads = _stored_leads(stage)
        last_day = max(datetime.fromisoformat(lead["created_at"]).astimezone(UTC).date() for lead in leads)
        at = datetime.combine(last_day + timedelta(days=1), time(0, 15), UTC)
        for _ in range(5):  # a day whose run failed after Lambda's retries is caught up by the next
            stage.wait_until(at)
            from digest.app import handler

            report = stage.scheduled(handler, at, "NotifyDigestFunction")
            if report is not None:
                self.digest_runs.append(report)
                break
            at += timedelta(days=1)
        stage.pump()

    def _redrive_exhausted(self, stage: Stage) -> None:
        """Letters moved by the notify queue's redrive policy (no reason: retries exhausted) go
        back to the notify queue once, as `aws sqs start-message-move-task` would move them."""
        moved, self.kept = redrive_exhausted(stage, "NotifyDeadLetterQueueUrl", "NotifyQueue")
        self.redriven += moved

    # --- what was asked for ---------------------------------------------------------------------
    def account(self, stage: Stage, figures: Figures) -> None:
        items = table_items(stage)
        leads = {lead["lead_id"]: lead for lead in _stored_leads(stage)}
        actions = _actions(items)
        expected_mails: set[Mail] = set()
        expected_items: Counter[tuple[str, str]] = Counter()  # (kind, subject) → 1
        reminders: dict[tuple[str, str], set[str]] = defaultdict(set)  # (partner, to) → leads reminded
        digests: dict[tuple[str, date, str], set[str]] = defaultdict(set)  # (partner, day, to) → leads
        days: dict[tuple[str, date], Counter[str]] = defaultdict(Counter)  # (partner, day) → modes
        for lead_id, lead in leads.items():
            partner = lead["partner_id"]
            settings = self.settings.saved.get(partner, {})
            people = self.settings.people.get(partner, [])
            if lead.get("is_test"):
                continue
            was_received = lead["status"] != "informational" and lead.get("outcome") != "aged_out"
            if was_received and not lead.get("do_not_contact"):
                expected_items[("new_lead", lead_id)] += 1
                day = datetime.fromisoformat(lead["created_at"]).astimezone(UTC).date()
                mode = actions.get(("new_lead", lead_id), {}).get("mode")
                days[(partner, day)][mode or "missing"] += 1
                if not lead_recipients(lead, settings, people):  # one a partner, lead type and day
                    expected_items[("no_recipient", f"{partner}:{lead['lead_type']}-{day.isoformat()}")] = 1
                for to in lead_recipients(lead, settings, people):
                    if mode == "digest":
                        digests[(partner, day, to.lower())].add(lead_id)
                    else:
                        expected_mails.add((to.lower(), f"new_lead#{lead_id}", partner))
                if lead.get("expiry_reminded_at"):
                    expected_items[("expiring_soon", lead_id)] += 1
                    for to in lead_recipients(lead, settings, people):
                        reminders[(partner, to.lower())].add(lead_id)
            if lead.get("outcome") == "declined" and customer_reachable(lead):
                expected_mails.add((lead["customer"]["email"].lower(), f"declined#{lead_id}", partner))
            referrer = (lead.get("referrer") or {}).get("email") or ""
            if lead.get("outcome") == "expired" and WELL_FORMED.match(referrer):
                expected_mails.add((referrer.lower(), f"expired#{lead_id}", partner))
        exports = [item for item in items if item["SK"]["S"].startswith("X#")]
        for job in exports:
            status, export_id = job["status"]["S"], job["SK"]["S"][2:]
            kind = {"succeeded": "export_ready", "failed": "export_failed"}.get(status)
            if kind is None:
                continue  # an export still running is the export workload's finding
            if _doc(job).get("reason") == "could not be queued; try again":
                continue  # refused by POST /exports itself (5xx at once): no export.failed is published
            expected_items[(kind, export_id)] += 1
            doc = _doc(job)
            if doc.get("requester_email"):
                partner = job["PK"]["S"][2:]
                expected_mails.add((doc["requester_email"].lower(), f"{kind}#{export_id}", partner))
        for (partner, day, to), _listed in digests.items():
            expected_mails.add((to, f"digest#{day.isoformat()}", partner))

        self._volume_rule(items, days, figures)
        customers = {mail for mail in expected_mails if mail[1].startswith("declined#")}
        sent = self._sent(stage, digests, _records_by_message(items), customers, figures)
        self._reminders(items, reminders, sent, expected_mails, figures)
        self._states(items, leads, figures)
        self._deliveries(items, expected_mails, sent, actions, expected_items, figures)
        self._items(actions, expected_items, figures)
        self._dead_letters(stage, figures)
        by_kind = Counter(key.split("#", 1)[0] for _, key, _ in sent.elements())
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(by_kind.items()))
        figures.say(
            f"notifications: {sum(sent.values())} emails sent ({kinds}), "
            f"{sum(len(leads) for leads in digests.values())} leads in {len(digests)} digests "
            f"({sum(r.get('sent', 0) for r in self.digest_runs)} sent by the run, "
            f"{stage.scheduled_failures} runs failed after Lambda's retries); {len(actions)} action items, "
            f"{self.problems['unconfirmed']} sends unconfirmed "
            f"({self.problems['unconfirmed, yet sent']} of them accepted by SES after all) "
            f"and {self.problems['failed']} failed, each with its item; "
            f"{self.redriven} redriven after retries exhausted; {self.reminder_mails} reminder emails "
            f"listing {sum(len(v) for v in self.listed.values())} leads; "
            f"{self.resolved} lead items resolved, "
            f"{sum(1 for kind, _ in actions if kind == 'no_recipient')} no_recipient items"
        )

    def _volume_rule(
        self, items: list[dict[str, Any]], days: dict[tuple[str, date], Counter[str]], figures: Figures
    ) -> None:
        counted = {
            (item["PK"]["S"][2:], date.fromisoformat(item["SK"]["S"][4:])): int(
                item.get("n", {"N": "0"})["N"]
            )
            for item in items
            if item["SK"]["S"].startswith("VOL#")
        }
        for (partner, day), modes in days.items():
            total = sum(modes.values())
            twice = counted.get((partner, day), 0) - total  # leads a failed batch counted again
            individual = modes["individual"]
            figures.lost += modes["missing"]  # a new lead without its item (and its decision)
            if (
                twice < 0
                or individual > INDIVIDUAL_EMAILS
                or individual < min(INDIVIDUAL_EMAILS, total) - twice
            ):
                figures.wrong += 1
                figures.note(f"volume rule of {partner} {day}: {dict(modes)}, counted {twice} twice")

    def _sent(
        self,
        stage: Stage,
        digests: dict[tuple[str, date, str], set[str]],
        by_message: dict[str, Mail],
        customers: set[Mail],
        figures: Figures,
    ) -> Counter[Mail]:
        """What moto's SES sent, by recipient, notice and partner; each digest lists its leads."""
        from leaddesk_local.inbox import fetch

        sent: Counter[Mail] = Counter()
        self.listed: dict[Mail, list[str]] = {}
        for mail in fetch(stage.endpoint_url):
            key, partner = mail.header("x-leaddesk-key") or "?", mail.header("x-leaddesk-partner") or "?"
            if mail.header("x-leaddesk-key") is None:  # to a customer: no LeadDesk header on it
                found = by_message.get(mail.message_id or "")
                if found is None:  # SES accepted it, but its record never learnt its id
                    to = mail.to[0].lower() if mail.to else ""
                    found = next((c for c in sorted(customers) if c[0] == to and not sent[c]), None)
                if found is not None:
                    key, partner = found[1], found[2]
            for to in mail.to:
                sent[(to.lower(), key, partner)] += 1
                if key.startswith("reminders#"):
                    self.listed[(to.lower(), key, partner)] = list(
                        dict.fromkeys(LISTED_LEAD.findall(mail.text))
                    )
                if key.startswith("digest#"):
                    day = date.fromisoformat(key.split("#", 1)[1])
                    wanted = digests.get((partner, day, to.lower()), set())
                    listed = set(LISTED_LEAD.findall(mail.text))
                    complete = listed == wanted if len(wanted) <= DIGEST_LISTED else listed < wanted
                    if not complete:
                        figures.wrong += 1
                        figures.note(f"digest {partner} {day} to {to}: {len(listed)} listed of {len(wanted)}")
        figures.doubled += sum(count - 1 for count in sent.values() if count > 1)
        return sent

    def _reminders(
        self,
        items: list[dict[str, Any]],
        wanted: dict[tuple[str, str], set[str]],
        sent: Counter[Mail],
        expected: set[Mail],
        figures: Figures,
    ) -> None:
        """A sweep run's reminders: each recipient's emails of a partner list every lead reminded
        for them exactly once, across the runs (a reminder that failed or went unconfirmed is
        told in the action center: its leads are not asked of the others)."""
        self.reminder_mails = 0
        listed: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for to, key, partner in sent:
            if key.startswith("reminders#"):
                self.reminder_mails += 1
                listed[(partner, to)].update(self.listed.get((to, key, partner), []))
        told = set()
        for item in items:
            key = item.get("notice", {}).get("S", "")
            if item["SK"]["S"].startswith("DLV#") and key.startswith("reminders#"):
                mail = (item["recipient"]["S"].lower(), key, item["PK"]["S"][2:])
                if (mail[2], mail[0]) in wanted:
                    expected.add(mail)  # a reminder to someone who has leads to be reminded of
                if item["state"]["S"] in ("failed", "unconfirmed"):
                    told.add((mail[2], mail[0]))
        for recipient in set(wanted) | set(listed):
            got, leads = listed.get(recipient, Counter()), wanted.get(recipient, set())
            figures.doubled += sum(n - 1 for n in got.values() if n > 1) + len(set(got) - leads)
            if recipient not in told and set(got) != leads:
                figures.lost += len(leads - set(got))
                figures.note(f"reminders to {recipient}: {len(leads - set(got))} leads never listed")

    def _states(
        self, items: list[dict[str, Any]], leads: dict[str, dict[str, Any]], figures: Figures
    ) -> None:
        """A lead's items are resolved once it no longer waits for an answer, open while it does."""
        self.resolved = 0
        for item in items:
            if not item["SK"]["S"].startswith("AC#"):
                continue
            doc = _doc(item)
            if doc["kind"] not in ("new_lead", "expiring_soon"):
                continue
            lead = leads.get(doc.get("lead_id") or "")
            waiting = lead is not None and lead["status"] == "received"
            is_open = "OPENPK" in item
            self.resolved += not is_open
            if waiting != is_open:
                figures.stuck += 1
                state = "open" if is_open else "resolved"
                figures.note(f"{doc['kind']} item of a {lead and lead['status']} lead is {state}")

    def _deliveries(
        self,
        items: list[dict[str, Any]],
        expected: set[Mail],
        sent: Counter[Mail],
        actions: dict[tuple[str, str], dict[str, Any]],
        expected_items: Counter[tuple[str, str]],
        figures: Figures,
    ) -> None:
        records: dict[Mail, str] = {}
        for item in items:
            if item["SK"]["S"].startswith("DLV#"):
                mail = (item["recipient"]["S"].lower(), item["notice"]["S"], item["PK"]["S"][2:])
                records[mail] = item["state"]["S"]
        self.problems: Counter[str] = Counter()
        for mail in expected | set(records) | set(sent):
            state = records.get(mail)
            if mail not in expected:
                figures.doubled += 1  # an email (or its record) the rules do not ask for
                figures.note(f"unexpected {state or 'email'}: {mail}")
            elif state is None:
                figures.lost += 1
                figures.note(f"no delivery record: {mail}")
            elif state == "sent" and sent[mail] != 1:
                figures.lost += sent[mail] == 0
                figures.note(f"sent {sent[mail]} times: {mail}")
            elif state in ("failed", "unconfirmed"):
                self.problems[state] += 1
                self.problems[f"{state}, yet sent"] += sent[mail]  # SES had accepted it after all
                kind = "send_failed" if state == "failed" else "send_unconfirmed"
                subject = f"{mail[1].replace('#', '-')}-"
                reported = [k for k in actions if k[0] == kind and k[1].startswith(subject)]
                reported = [k for k in reported if actions[k].get("recipient", "").lower() == mail[0]]
                for found in reported:
                    expected_items[found] += 1
                if not reported:
                    figures.lost += 1  # a send that did not go, and nobody is told
                    figures.note(f"{state} without its item: {mail}")
            elif state in ("sending", "deferred"):
                figures.stuck += 1
                figures.note(f"left {state}: {mail}")

    def _items(
        self,
        actions: dict[tuple[str, str], dict[str, Any]],
        expected: Counter[tuple[str, str]],
        figures: Figures,
    ) -> None:
        for key in set(actions) | set(expected):
            found = actions.get(key, {}).get("count", 0)
            if key not in expected:
                figures.doubled += found
                figures.note(f"unexpected item: {key}")
            elif found == 0:
                figures.lost += 1
                figures.note(f"missing item: {key}")
            elif found > 1:
                figures.doubled += found - 1
                figures.note(f"item {found} times: {key}")

    def _dead_letters(self, stage: Stage, figures: Figures) -> None:
        sqs = stage.client("sqs")
        for message in [*self.kept, *take_all(sqs, stage.queue_url("NotifyDeadLetterQueueUrl"))]:
            attributes = message.get("MessageAttributes", {})
            reason = attributes.get("leaddesk-reason", {}).get("StringValue")
            if reason is None:
                figures.lost += 1  # retries exhausted twice: nobody redrove it
                continue
            figures.dead_letters[f"notify: {reason.split(':')[0]}"] += 1


def _records_by_message(items: list[dict[str, Any]]) -> dict[str, Mail]:
    """The delivery records that know SES's message id of their email."""
    return {
        item["message_id"]["S"]: (item["recipient"]["S"].lower(), item["notice"]["S"], item["PK"]["S"][2:])
        for item in items
        if item["SK"]["S"].startswith("DLV#") and "message_id" in item
    }


def _doc(item: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(item["doc"]["S"])
    return doc


def _actions(items: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The action-center items by (kind, lead / export / delivery subject), with their count."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        if not item["SK"]["S"].startswith("AC#"):
            continue
        doc = _doc(item)
        subject = doc.get("lead_id") or doc.get("export_id") or ""
        if doc["kind"] in ("send_failed", "send_unconfirmed", "no_recipient"):
            subject = doc["notification_id"].split(".", 2)[2]
        if doc["kind"] == "no_recipient":  # one a partner, lead type and day
            subject = f"{item['PK']['S'][2:]}:{subject}"
        key = (doc["kind"], subject)
        entry = found.setdefault(key, {"count": 0, "recipient": doc.get("recipient") or ""})
        entry["count"] += 1
        if "mode" in item:
            entry["mode"] = item["mode"]["S"]
    return found
