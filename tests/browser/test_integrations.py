"""The Integrations page in a real browser on a local stack: a referral admin adds an endpoint (a
receiver on this machine, as `leaddesk webhooks listen` runs it), copies the secret shown once,
sends a test event and sees it delivered in the log, verified by the receiver; a viewer is told
only referral admins manage endpoints."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from leaddesk_local.webhooks_command import Listener
from tests.browser.test_workspace import accessible, browser, sign_in
from tests.helpers.stack import RunningStack

pytestmark = pytest.mark.e2e
PARTNER = "p-web-hooks"
__all__ = ["browser"]  # the module's fixture, shared


def test_a_referral_admin_adds_an_endpoint_and_sees_its_test_event_delivered(
    browser: Browser, local_stack: RunningStack
) -> None:
    listener = Listener(port=0).start()
    try:
        page = sign_in(browser, local_stack, PARTNER, "referrals_admin")
        page.get_by_role("link", name="Integrations").click()
        expect(page.get_by_role("heading", name="Integrations")).to_be_visible()
        form = page.get_by_role("form", name="Add an endpoint")
        form.get_by_label("Endpoint URL (https)").fill(listener.url)
        form.get_by_label("Description").fill("This machine")
        form.get_by_role("button", name="Add endpoint").click()
        secret = page.locator("code.secret")
        expect(secret).to_have_text(re.compile(r"^whsec_"))
        listener.secret = secret.inner_text()
        page.get_by_role("button", name="Done").click()

        card = page.get_by_role("article", name=listener.url)
        card.get_by_role("button", name="Send test event").click()
        log = card.get_by_role("table", name="Delivery log")
        expect(log.get_by_role("cell", name="Delivered")).to_be_visible(timeout=15_000)
        expect(log.get_by_role("cell", name="webhook.test", exact=True)).to_be_visible()
        (delivery,) = listener.deliveries
        assert delivery.verified, delivery.reason
        assert delivery.body["type"] == "webhook.test"
        accessible(page, "integrations")
        page.close()

        viewer = sign_in(browser, local_stack, PARTNER, "viewer")
        viewer.goto(f"{local_stack.api_url}/app/integrations")
        expect(viewer.get_by_text("Only referral admins manage the CRM endpoints.")).to_be_visible()
        expect(viewer.get_by_role("form", name="Add an endpoint")).to_have_count(0)
        viewer.close()
    finally:
        listener.stop()
