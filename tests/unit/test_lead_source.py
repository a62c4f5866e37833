from hypothesis import given
from hypothesis import strategies as st

from leaddesk.domain.lead_source import ActionCode, parse_lead_source, resolve_action
from leaddesk.domain.models import LeadSourceKind


def test_documented_examples() -> None:
    parsed = parse_lead_source("AzureMarketplace-INS | checkpoint.check-point-r77-10sg-byol")
    assert (parsed.source, parsed.action) == (LeadSourceKind.AZURE_MARKETPLACE, ActionCode.INSTALL)
    assert (parsed.publisher_id, parsed.offer_id) == ("checkpoint", "check-point-r77-10sg-byol")
    assert parsed.flags == ()

    spza = parse_lead_source("AppSource (SPZA)-PLT | bitnami.openedxcypress")
    assert (spza.source, spza.action, spza.publisher_id, spza.offer_id) == (
        LeadSourceKind.APPSOURCE,
        ActionCode.PARTNER_LED_TRIAL,
        "bitnami",
        "openedxcypress",
    )

    portal = parse_lead_source("AzurePortal-Create | docusign.3701c77e-1cfa-4c56-91e6-3ed0b622145")
    assert (portal.source, portal.action, portal.offer_id) == (
        LeadSourceKind.AZURE_PORTAL,
        ActionCode.CREATE,
        "3701c77e-1cfa-4c56-91e6-3ed0b622145",
    )


def test_tolerant_of_spacing_and_case() -> None:
    parsed = parse_lead_source("  spza - starttestdrive|  pub.offer.v2 ")
    assert parsed.source is LeadSourceKind.APPSOURCE
    assert parsed.action is ActionCode.START_TEST_DRIVE
    # split at the first dot: the rest belongs to the offer id
    assert (parsed.publisher_id, parsed.offer_id) == ("pub", "offer.v2")


def test_unknown_source_and_action_are_kept_and_flagged() -> None:
    parsed = parse_lead_source("Bing-XYZ | pub.offer")
    assert parsed.source is None and parsed.action is None
    assert parsed.source_text == "Bing" and parsed.action_text == "XYZ"
    assert parsed.flags == ("unknown_source:Bing", "unknown_action:XYZ")


def test_action_code_wins_over_lead_source_and_conflict_is_flagged() -> None:
    resolved = resolve_action(ActionCode.INSTALL, "PLT")
    assert resolved.action is ActionCode.PARTNER_LED_TRIAL
    assert resolved.flags == ("action_conflict:INS!=PLT",)
    assert resolve_action(ActionCode.INSTALL, "bogus").action is ActionCode.INSTALL
    assert resolve_action(None, None).action is None


@given(st.text())
def test_never_raises_on_any_string(text: str) -> None:
    parsed = parse_lead_source(text)
    assert parsed.raw == text
