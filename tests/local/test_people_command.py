"""`leaddesk users add|list` against the template's user pool in moto: a person added again is
updated (a further role, a name), never moved to another partner; a partner's list shows each of
its people once with every role, and nobody of another partner."""

from __future__ import annotations

import pytest

from leaddesk_local.people_command import add_person, partner_people
from leaddesk_local.provision import Deployment, client
from leaddesk_local.target import CliError
from tests.helpers.tenants import Partners


def test_a_person_added_again_is_updated_and_never_moved_to_another_partner(
    deployment: Deployment, partners: Partners
) -> None:
    cognito, pool = client("cognito-idp", None), deployment.refs["UserPool"]
    partner, una = partners.contoso, f"una@{partners.contoso}.com"
    assert add_person(cognito, pool, partner, una, "referrals_admin", None) == "added"
    assert add_person(cognito, pool, partner, una, "viewer", "Una Admin") == "updated"
    with pytest.raises(CliError, match=f"belongs to partner '{partner}', not '{partners.other}'"):
        add_person(cognito, pool, partners.other, una, "profile_admin", None)
    assert add_person(cognito, pool, partner, f"vic@{partner}.com", "viewer", None) == "added"
    assert add_person(cognito, pool, partners.other, f"oz@{partners.other}.com", "viewer", None) == "added"

    people = partner_people(cognito, pool, partner)
    assert [(p.email, p.name, p.partner_id, p.roles) for p in people] == [
        (una, "Una Admin", partner, ["referrals_admin", "viewer"]),  # not profile_admin: refused
        (f"vic@{partner}.com", None, partner, ["viewer"]),
    ]
    assert [p.email for p in partner_people(cognito, pool, partners.other)] == [f"oz@{partners.other}.com"]
    assert partner_people(cognito, pool, partners("nobody")) == []
