"""A partner's notification settings: who is emailed, and in which language (docs/product.md#notifications).

Addresses are checked with the rules ingest applies to a customer's email (well-formed, not a
reserved example domain, not a disposable or spam domain); countries are ISO 3166-1 alpha-2
(names and alpha-3 codes are normalised); the language is one of the product's own. The display
name is how customer-facing email names the partner: plain text, never a link or an address.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from leaddesk.domain.models import LeadType
from leaddesk.domain.text import ADDRESS_PATTERN, VISIBLE_PATTERN, clean_text


class Language(StrEnum):
    """The languages LeadDesk writes its emails in (English is the fallback of every message)."""

    ENGLISH = "en"
    FRENCH = "fr"
    ITALIAN = "it"
    DUTCH = "nl"
    HUNGARIAN = "hu"
    TURKISH = "tr"


MAX_ADDRESSES = 20
MAX_LOCATIONS = 250
MAX_DISPLAY_NAME = 80
# What would turn a name into a link, an address or markup in a customer's mail client.
_NOT_IN_A_NAME = re.compile(r"[<>@{}\[\]|`\\]|://|\b[\w-]+\.[a-z]{2,}\b", re.IGNORECASE)


def checked_email(value: str) -> str:
    """The normalised address, or ValueError naming why it cannot receive notifications."""
    # Imported on first use: the settings API pays for the contact libraries only when it writes.
    from leaddesk.domain.contact import ContactValidator, lookalike_domain
    from leaddesk.domain.models import EmailValidity

    address, validity, reason = ContactValidator().email(value)
    if validity is not EmailValidity.VALID or address is None:
        raise ValueError(f"{value!r} is not a usable email address ({reason or validity.value})")
    lookalike = lookalike_domain(address.rpartition("@")[2])  # what ingest flags in a customer's
    if lookalike is not None:
        raise ValueError(f"{value!r} is not a usable email address ({lookalike})")
    return address


def checked_country(value: str) -> str:
    from leaddesk.domain.countries import country_code

    country = country_code(value)
    if country is None:
        raise ValueError(f"{value!r} names no country (a code such as US or TUR, or a name such as Turkey)")
    return country


# The document states what every accepted address has (one @, no spaces or control characters);
# the check refuses more than a pattern can say: bad syntax, reserved, disposable and spam domains.
def checked_display_name(value: str) -> str:
    """The name as customer-facing email shows it (one line, clean), or ValueError naming why not."""
    name = clean_text(value)
    if not name:
        raise ValueError("the display name is empty")
    if len(name) > MAX_DISPLAY_NAME:
        raise ValueError(f"the display name is longer than {MAX_DISPLAY_NAME} characters")
    if _NOT_IN_A_NAME.search(name):
        raise ValueError("a display name is plain text: no link, domain, email address or markup")
    return name


ContactEmail = Annotated[
    str, Field(min_length=3, max_length=320, pattern=ADDRESS_PATTERN), AfterValidator(checked_email)
]
CountryCode = Annotated[str, Field(min_length=2, max_length=60), AfterValidator(checked_country)]
DisplayName = Annotated[
    str,
    Field(min_length=1, max_length=MAX_DISPLAY_NAME, pattern=VISIBLE_PATTERN),
    AfterValidator(checked_display_name),
]
DISPLAY_NAME_DOC = (
    "How emails to customers name the partner (plain text, no link or address); when unset they "
    'say "the partner you contacted"'
)


class SettingsUpdate(BaseModel):
    """`PUT /settings`: the whole settings (what is left out is cleared)."""

    model_config = ConfigDict(extra="forbid")

    preferred_email: ContactEmail | None = Field(
        default=None,
        description="When set, receives new-lead emails of offer, profile and joint-planning leads",
    )
    referral_admin_emails: list[ContactEmail] = Field(
        default_factory=list,
        max_length=MAX_ADDRESSES,
        description="The partner's referral admins: default recipients of new-lead emails",
    )
    locations: dict[CountryCode, ContactEmail] = Field(
        default_factory=dict,
        max_length=MAX_LOCATIONS,
        description="Business-profile locations: country (ISO alpha-2) → the location's contact email",
    )
    language: Language = Field(default=Language.ENGLISH, description="The language of the partner's emails")
    display_name: DisplayName | None = Field(default=None, description=DISPLAY_NAME_DOC)


class NotificationSettings(BaseModel):
    """The settings as stored and answered (defaults when the partner never saved any)."""

    preferred_email: str | None = None
    referral_admin_emails: list[str] = Field(default_factory=list)
    locations: dict[str, str] = Field(default_factory=dict)
    language: Language = Language.ENGLISH
    display_name: str | None = Field(default=None, description=DISPLAY_NAME_DOC)
    updated_at: datetime | None = None
    updated_by: str | None = Field(default=None, description="The token subject who saved them last")

    @classmethod
    def from_update(cls, update: SettingsUpdate, at: datetime, by: str) -> NotificationSettings:
        admins = list(dict.fromkeys(update.referral_admin_emails))  # each admin once, in order
        fields = update.model_dump(exclude={"referral_admin_emails"})
        return cls(**fields, referral_admin_emails=admins, updated_at=at, updated_by=by)


class SettingsView(NotificationSettings):
    """`GET /settings` and `PUT /settings`: the settings, and who they reach."""

    referrals_admin_users: list[str] = Field(
        default_factory=list,
        description=(
            "The partner's users in the identity provider's referrals_admin group: the referral "
            "admins when `referral_admin_emails` is empty"
        ),
    )
    unreached_lead_types: list[LeadType] = Field(
        default_factory=list,
        description="Lead types some of whose new leads would notify nobody with these settings",
    )
