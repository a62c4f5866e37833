"""The marketplaces' historical `LeadSource` string and `ActionCode` (docs/product.md).

`"<Source>-<Action> | <publisherid>.<offerid>"`, e.g.
`AppSource (SPZA)-PLT | bitnami.openedxcypress`. Parsing never raises: what it cannot map is
kept verbatim and reported in `flags`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from leaddesk.domain.models import CallToAction, LeadSourceKind


class ActionCode(StrEnum):
    """What the customer did, as the marketplace codes it."""

    INSTALL = "INS"  # install / purchase (also used for free trials)
    PARTNER_LED_TRIAL = "PLT"  # the customer chose "Contact me"
    DO_NOT_CONTACT = "DNC"  # cross-sold: tell the partner, never contact the customer
    CREATE = "Create"  # portal purchase
    START_TEST_DRIVE = "StartTestDrive"


_SOURCES: dict[str, LeadSourceKind] = {
    "appsource": LeadSourceKind.APPSOURCE,
    "appsource(spza)": LeadSourceKind.APPSOURCE,
    "spza": LeadSourceKind.APPSOURCE,
    "azuremarketplace": LeadSourceKind.AZURE_MARKETPLACE,
    "azureportal": LeadSourceKind.AZURE_PORTAL,
    "powerbi": LeadSourceKind.POWER_BI,
}

_ACTIONS: dict[str, ActionCode] = {code.value.lower(): code for code in ActionCode}

_CALL_TO_ACTION: dict[ActionCode, CallToAction | None] = {
    ActionCode.INSTALL: CallToAction.GET_IT_NOW,
    ActionCode.PARTNER_LED_TRIAL: CallToAction.CONTACT_ME,
    ActionCode.DO_NOT_CONTACT: None,
    ActionCode.CREATE: CallToAction.CREATE,
    ActionCode.START_TEST_DRIVE: CallToAction.TEST_DRIVE,
}


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


def parse_source(text: str | None) -> LeadSourceKind | None:
    """`AppSource (SPZA)`, `azure_marketplace`, ` AzurePortal ` → the canonical source, or None."""
    if not text:
        return None
    squashed = _squash(text)
    if squashed in _SOURCES:
        return _SOURCES[squashed]
    try:
        return LeadSourceKind(squashed)
    except ValueError:
        return _SOURCES.get(squashed.replace("_", ""))


def parse_action(text: str | None) -> ActionCode | None:
    if not text:
        return None
    return _ACTIONS.get(_squash(text))


def call_to_action_of(action: ActionCode) -> CallToAction | None:
    return _CALL_TO_ACTION[action]


@dataclass(frozen=True)
class ParsedLeadSource:
    raw: str | None
    source: LeadSourceKind | None = None
    source_text: str | None = None
    action: ActionCode | None = None
    action_text: str | None = None
    publisher_id: str | None = None
    offer_id: str | None = None
    flags: tuple[str, ...] = field(default_factory=tuple)


def parse_lead_source(raw: str | None) -> ParsedLeadSource:
    """Split a LeadSource string; tolerant of spacing and case, never raises."""
    if raw is None or not raw.strip():
        return ParsedLeadSource(raw=raw)
    head, _, tail = raw.partition("|")
    source_text, dash, action_text = head.strip().rpartition("-")
    if not dash:  # no action part at all: the whole head is the source
        source_text, action_text = head.strip(), ""
    source_text, action_text = source_text.strip(), action_text.strip()
    flags: list[str] = []

    source = parse_source(source_text)
    if source_text and source is None:
        flags.append(f"unknown_source:{source_text}")
    action = parse_action(action_text)
    if action_text and action is None:
        flags.append(f"unknown_action:{action_text}")

    publisher_id = offer_id = None
    tail = tail.strip()
    if tail:
        publisher, dot, offer = tail.partition(".")
        publisher_id = publisher.strip() or None
        offer_id = offer.strip() or None if dot else None
    return ParsedLeadSource(
        raw=raw,
        source=source,
        source_text=source_text or None,
        action=action,
        action_text=action_text or None,
        publisher_id=publisher_id,
        offer_id=offer_id,
        flags=tuple(flags),
    )


@dataclass(frozen=True)
class ResolvedAction:
    action: ActionCode | None
    flags: tuple[str, ...]


def resolve_action(lead_source_action: ActionCode | None, action_code_text: str | None) -> ResolvedAction:
    """The one rule for `LeadSource` vs `ActionCode` disagreement.

    `ActionCode` is the dedicated, current field, so a *known* ActionCode wins; the action
    embedded in the historical LeadSource string is the fallback. A disagreement between two
    known codes is flagged (`action_conflict:<LeadSource>!=<ActionCode>`), and an unknown
    ActionCode is flagged and kept verbatim in the lead's `raw_action_code`.
    """
    flags: list[str] = []
    action_code = parse_action(action_code_text)
    if action_code_text and action_code_text.strip() and action_code is None:
        flags.append(f"unknown_action_code:{action_code_text.strip()}")
    if action_code and lead_source_action and action_code != lead_source_action:
        flags.append(f"action_conflict:{lead_source_action.value}!={action_code.value}")
    return ResolvedAction(action=action_code or lead_source_action, flags=tuple(flags))
