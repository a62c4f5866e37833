import pytest

from leaddesk.domain.access import Forbidden, Role, Unauthenticated, caller_from_claims


@pytest.mark.parametrize(
    "groups",
    [
        ["referrals_admin", "viewer"],
        "[referrals_admin viewer]",
        '["referrals_admin","viewer"]',
        "referrals_admin",
    ],
)
def test_groups_in_every_shape_api_gateway_sends(groups: object) -> None:
    caller = caller_from_claims({"custom:partner_id": "p1", "cognito:groups": groups, "sub": "u"})
    assert caller.partner_id == "p1"
    assert Role.REFERRALS_ADMIN in caller.roles


def test_missing_partner_is_unauthenticated() -> None:
    with pytest.raises(Unauthenticated):
        caller_from_claims({"cognito:groups": "[viewer]"})
    with pytest.raises(Unauthenticated):
        caller_from_claims(None)


def test_unknown_roles_only_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        caller_from_claims({"custom:partner_id": "p1", "cognito:groups": "[admins]"})


def test_require_names_the_role() -> None:
    caller = caller_from_claims({"custom:partner_id": "p1", "cognito:groups": "[viewer]"})
    with pytest.raises(Forbidden, match="referrals_admin"):
        caller.require(Role.REFERRALS_ADMIN)


def test_the_caller_is_named_by_the_token_name_else_its_email() -> None:
    base = {"custom:partner_id": "p1", "cognito:groups": ["viewer"], "sub": "9f1c-uuid"}
    assert caller_from_claims({**base, "name": "Ana Lopez", "email": "ana@contoso.com"}).name == "Ana Lopez"
    assert caller_from_claims({**base, "email": "ana@contoso.com"}).name == "ana@contoso.com"
    # API Gateway renders a missing or null claim as text: that is no name.
    assert caller_from_claims({**base, "name": "None", "email": " "}).name is None
    assert caller_from_claims(base).name is None
