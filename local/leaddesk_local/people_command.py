"""`leaddesk users add|list`: the partners' people in the stack's Cognito user pool.

The local stack's user pool lives in its moto server (created from template.yaml), so the
notifier and the settings API read these people exactly as they read Cognito in AWS: a user's
`custom:partner_id` is its partner, its groups its roles. `--aws` manages the deployed pool.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from leaddesk.adapters.people import PAGE_SIZE, PARTNER_ATTRIBUTE  # what the notifier reads
from leaddesk_local import tokens
from leaddesk_local.target import CliError, Target

SAMPLE_PEOPLE = Path(__file__).resolve().parents[2] / "events" / "people.json"


@dataclass(frozen=True)
class PersonRow:
    email: str
    name: str | None
    partner_id: str
    roles: list[str]
    status: str


def add_person(cognito: Any, pool_id: str, partner: str, email: str, role: str, name: str | None) -> str:
    """Create the user (unless it exists: then it must be the same partner's) and put it in the
    role's group. Returns "added" or "updated"."""
    attributes = [
        {"Name": "email", "Value": email},
        {"Name": "email_verified", "Value": "true"},
        {"Name": PARTNER_ATTRIBUTE, "Value": partner},
    ]
    if name:
        attributes.append({"Name": "name", "Value": name})
    outcome = "added"
    try:
        cognito.admin_create_user(
            UserPoolId=pool_id, Username=email, UserAttributes=attributes, MessageAction="SUPPRESS"
        )
    except cognito.exceptions.UsernameExistsException:
        user = cognito.admin_get_user(UserPoolId=pool_id, Username=email)
        values = {a["Name"]: a.get("Value") for a in user.get("UserAttributes", [])}
        if values.get(PARTNER_ATTRIBUTE) != partner:
            raise CliError(
                f"{email} belongs to partner {values.get(PARTNER_ATTRIBUTE)!r}, not {partner!r}"
            ) from None
        if name:
            cognito.admin_update_user_attributes(
                UserPoolId=pool_id, Username=email, UserAttributes=[{"Name": "name", "Value": name}]
            )
        outcome = "updated"
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=role)
    return outcome


def partner_people(cognito: Any, pool_id: str, partner: str) -> list[PersonRow]:
    """The partner's users and their roles (each role group listed, every page)."""
    users: dict[str, dict[str, Any]] = {}
    roles: dict[str, list[str]] = {}
    for role in tokens.ROLES:
        request: dict[str, Any] = {"UserPoolId": pool_id, "GroupName": role, "Limit": PAGE_SIZE}
        while True:
            answer = cognito.list_users_in_group(**request)
            for user in answer.get("Users", []):
                users[user["Username"]] = user
                roles.setdefault(user["Username"], []).append(role)
            if not answer.get("NextToken"):
                break
            request["NextToken"] = answer["NextToken"]
    rows = []
    for username, user in users.items():
        values = {a["Name"]: a.get("Value") for a in user.get("Attributes", [])}
        if values.get(PARTNER_ATTRIBUTE) != partner:
            continue
        rows.append(
            PersonRow(
                email=values.get("email") or username,
                name=values.get("name"),
                partner_id=partner,
                roles=roles[username],
                status=user.get("UserStatus", "") if user.get("Enabled", True) else "DISABLED",
            )
        )
    return sorted(rows, key=lambda row: row.email.lower())


def cmd_users_add(args: argparse.Namespace) -> int:
    target = Target(args)
    outcome = add_person(
        target.client("cognito-idp"),
        target.output("UserPoolId"),
        args.partner,
        args.email,
        args.role,
        args.name,
    )
    print(f"{outcome} {args.email}: partner {args.partner}, role {args.role}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    target = Target(args)
    rows = partner_people(target.client("cognito-idp"), target.output("UserPoolId"), args.partner)
    if args.json:
        print(json.dumps([asdict(row) for row in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(
            f"Partner {args.partner} has nobody yet. Add someone: "
            f"leaddesk users add --partner {args.partner} --email E --role referrals_admin"
        )
        return 0
    for row in rows:
        name = f"  ({row.name})" if row.name else ""
        print(f"{row.email}{name}  {', '.join(row.roles)}  {row.status}")
    return 0


def add_parsers(sub: Any) -> list[argparse.ArgumentParser]:
    users = sub.add_parser("users", help="the partners' people (the stack's Cognito user pool)")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add a person to a partner with a role (a user pool group)")
    add.add_argument("--partner", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, choices=tokens.ROLES)
    add.add_argument("--name")
    add.set_defaults(run=cmd_users_add)
    listing = users_sub.add_parser("list", help="a partner's people and their roles")
    listing.add_argument("--partner", required=True)
    listing.add_argument("--json", action="store_true", help="one JSON array of {email, name, roles, …}")
    listing.set_defaults(run=cmd_users_list)
    return [add, listing]


def add_sample_people(cognito: Any, pool_id: str, path: Path = SAMPLE_PEOPLE) -> int:
    """The sample partners' people (`make run`): so that a fresh stack emails someone."""
    people = json.loads(path.read_text(encoding="utf-8"))
    for person in people:
        add_person(cognito, pool_id, person["partner"], person["email"], person["role"], person.get("name"))
    return len(people)
