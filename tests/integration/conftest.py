"""Fixtures the integration tests share."""

from __future__ import annotations

import pytest

from leaddesk.domain.models import Lead
from leaddesk_local.provision import Deployment
from tests.helpers.leads import put_leads, random_leads
from tests.helpers.tenants import Partners


@pytest.fixture
def seeded(deployment: Deployment, partners: Partners) -> list[Lead]:
    """90 random leads of the test's partner (the ones returned) and 20 of another partner, stored."""
    leads = random_leads(90, partner=partners.contoso)
    put_leads(leads, deployment.refs["LeadsTable"])
    put_leads(random_leads(20, seed=8, partner=partners.other), deployment.refs["LeadsTable"])
    return leads
