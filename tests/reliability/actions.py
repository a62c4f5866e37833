"""Workloads after ingest: people working leads through the API, and the timed rules' sweep."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tests.reliability.harness import Stage
from tests.reliability.workloads import Figures, _stored_leads

ACCEPT = {"deal_name": "Rollout", "estimated_value": 1200, "estimated_close_date": "2027-03-31"}
EVALUATE = {"budget": "can_buy", "authority": True, "need": "must_have", "timeline": "this_quarter"}


@dataclass
class Planned:
    """What the suite expects of one lead after its actions."""

    partner: str
    status: str
    outcome: str | None = None
    favorite: bool = False
    steps: list[str] = field(default_factory=list)  # accepted: qualify, evaluate done


@dataclass
class ApiWorkload:
    """Referral admins working received leads: accept → qualify → evaluate → won, decline, lost,
    close as error, edits with If-Match, favorites, reads. Every 200 of a change is a version
    whose event must reach the bus (directly, or parked and republished)."""

    actions: int
    seed: int
    plan: dict[str, Planned] = field(default_factory=dict)
    changes: set[tuple[str, int]] = field(default_factory=set)  # (lead id, version) answered 200
    answers: Counter[int] = field(default_factory=Counter)

    def run(self, stage: Stage) -> None:
        rng = random.Random(self.seed)
        for lead in _stored_leads(stage):
            if lead["status"] in ("received", "informational"):
                self.plan[lead["lead_id"]] = Planned(lead["partner_id"], lead["status"])
        workable = sorted(i for i, p in self.plan.items() if p.status == "received")
        for _ in range(self.actions):
            lead_id = rng.choice(workable)
            self._act(stage, rng, lead_id, self.plan[lead_id])
        stage.pump()  # events parked on the way go back on the bus

    def _act(self, stage: Stage, rng: random.Random, lead_id: str, planned: Planned) -> None:
        roll = rng.random()
        if roll < 0.15:
            planned.favorite = not planned.favorite
            self._call(stage, "PUT" if planned.favorite else "DELETE", lead_id, "/favorite", planned, None)
        elif roll < 0.25:
            status, _, _ = stage.api("GET", f"/leads/{lead_id}", "/leads/{lead_id}", planned.partner)
            self.answers[status] += 1
        elif planned.status == "received":
            choice = rng.choice(["accept", "accept", "accept", "decline", "close-as-error"])
            body: dict[str, Any] = (
                ACCEPT
                if choice == "accept"
                else {"reason": "timeline_too_short"}
                if choice == "decline"
                else {"reason": "duplicate"}
            )
            if self._call(stage, "POST", lead_id, f"/{choice}", planned, body) == 200:
                planned.status, planned.outcome = {
                    "accept": ("accepted", None),
                    "decline": ("archived", "declined"),
                    "close-as-error": ("archived", "error"),
                }[choice]
        elif planned.status == "accepted":
            self._accepted(stage, rng, lead_id, planned)
        else:  # archived: what is left to do with it is to read it
            status, _, _ = stage.api("GET", f"/leads/{lead_id}", "/leads/{lead_id}", planned.partner)
            self.answers[status] += 1

    def _accepted(self, stage: Stage, rng: random.Random, lead_id: str, planned: Planned) -> None:
        if "qualify" not in planned.steps:
            if self._call(stage, "POST", lead_id, "/qualify", planned, {"customer_responded": True}) == 200:
                planned.steps.append("qualify")
        elif "evaluate" not in planned.steps:
            if self._call(stage, "POST", lead_id, "/evaluate", planned, EVALUATE) == 200:
                planned.steps.append("evaluate")
        elif rng.random() < 0.3:
            _, lead, _ = stage.api("GET", f"/leads/{lead_id}", "/leads/{lead_id}", planned.partner)
            self._call(
                stage, "PATCH", lead_id, "", planned, {"notes": "called back"}, {"If-Match": lead["etag"]}
            )
        else:
            choice = rng.choice(["won", "lost"])
            body = {} if choice == "won" else {"reason": "budget_not_adequate"}
            if self._call(stage, "POST", lead_id, f"/{choice}", planned, body) == 200:
                planned.status, planned.outcome = "archived", choice

    def _call(
        self,
        stage: Stage,
        method: str,
        lead_id: str,
        suffix: str,
        planned: Planned,
        body: Any,
        headers: dict[str, str] | None = None,
    ) -> int:
        route = "/leads/{lead_id}" + suffix
        status, answer, _ = stage.api(
            method, f"/leads/{lead_id}{suffix}", route, planned.partner, body, headers
        )
        self.answers[status] += 1
        if status == 200 and method != "GET":
            self.changes.add((lead_id, int(answer["etag"].strip('"').rsplit(".", 1)[1])))
        assert status in (200, 204), (method, suffix, status, answer)  # the plan only asks allowed things
        return status

    def account(self, stage: Stage, figures: Figures) -> None:
        events = [
            e for e in stage.captured() if e["source"] == "leaddesk" and e["detail-type"] != "lead.received"
        ]
        published = Counter((e["detail"]["lead_id"], e["detail"]["version"]) for e in events)
        figures.lost += len(self.changes - set(published))  # a stored change whose event never arrived
        figures.say(
            f"api: {sum(self.answers.values())} actions ({dict(sorted(self.answers.items()))}), "
            f"{len(self.changes)} changes, {len(published)} change events on the bus "
            f"({sum(published.values()) - len(published)} delivered twice, deduped by lead and version)"
        )
        stored = {lead["lead_id"]: lead for lead in _stored_leads(stage)}
        for lead_id, planned in self.plan.items():
            lead = stored[lead_id]
            if planned.status not in {"received", "informational"}:
                assert (lead["status"], lead.get("outcome")) == (planned.status, planned.outcome), lead_id


@dataclass
class SweepWorkload:
    """The schedule firing after 13 days (the expiring-soon reminder of what nobody answered),
    after 15 days (expiry) and after 7 months (the informational archive); every lead changed
    has its event."""

    seed: int
    reports: list[dict[str, Any]] = field(default_factory=list)

    def run(self, stage: Stage) -> None:
        now = stage.now()
        for later in (timedelta(days=13), timedelta(days=15), timedelta(days=213)):
            self.reports.append(stage.sweep((now + later).strftime("%Y-%m-%dT%H:%M:%SZ")))

    def account(self, stage: Stage, figures: Figures) -> None:
        leads = _stored_leads(stage)
        left = [lead["lead_id"] for lead in leads if lead["status"] in ("received", "informational")]
        figures.lost += len(left)  # a timed rule due and never applied
        events = [e for e in stage.captured() if e["detail"].get("actor") == "system"]
        archived = {
            e["detail"]["lead_id"] for e in events if e["detail-type"] in ("lead.expired", "lead.archived")
        }
        by_sweep = {lead["lead_id"] for lead in leads if lead.get("outcome") in ("expired", "aged_out")}
        figures.lost += len(by_sweep - archived)
        changed = sum(report["changed"] for report in self.reports)
        runs = sum(report["runs"] for report in self.reports)
        left_for_later = sum(report["failed"] for report in self.reports)
        reminded = sum(1 for lead in leads if lead.get("expiry_reminded_at"))
        figures.say(
            f"sweep: {changed} leads changed in {runs} scheduled runs ({left_for_later} leads or shards "
            f"left for the next run), {reminded} reminded, {len(by_sweep)} expired or aged out"
        )
