"""Lead quality: deterministic and explained. `low` marks a potential spam lead.

See docs/product.md#contact-validation-and-quality.
"""

from __future__ import annotations

from leaddesk.domain.models import Customer, EmailValidity, LeadQuality, PhoneValidity


def assess_quality(
    customer: Customer,
    email_validity: EmailValidity,
    phone_validity: PhoneValidity,
    email_reason: str | None = None,
    phone_reason: str | None = None,
    email_lookalike: str | None = None,
) -> tuple[LeadQuality, list[str]]:
    """The rule, in order:

    - low: the email is spam, or its domain is a look-alike (a label mixing scripts), or
      there is no usable channel at all (no well-formed email —
      missing or invalid — *and* no valid phone), or the customer names neither a person
      nor a company. A well-formed email whose domain could not be checked (`unknown`) is
      still a channel: an unanswered DNS query is no evidence of spam;
    - high: email valid and phone valid and a company named;
    - medium: everything else.
    Every lead gets the reasons that decided it.
    """
    reasons: list[str] = []
    reasons.append(f"email {email_validity.value}" + (f": {email_reason}" if email_reason else ""))
    reasons.append(f"phone {phone_validity.value}" + (f": {phone_reason}" if phone_reason else ""))
    has_person = bool((customer.first_name or "").strip() or (customer.last_name or "").strip())
    has_company = bool((customer.company or "").strip())
    if not has_company:
        reasons.append("no company named")
    if email_lookalike:
        reasons.append(email_lookalike)

    if email_validity is EmailValidity.SPAM:
        reasons.append("low: email address is a known spam source")
        return LeadQuality.LOW, reasons
    if email_lookalike:
        reasons.append("low: the email's domain imitates another one")
        return LeadQuality.LOW, reasons
    email_usable = email_validity is EmailValidity.VALID or (
        email_validity is EmailValidity.UNKNOWN and bool((customer.email or "").strip())
    )
    if not email_usable and phone_validity is not PhoneValidity.VALID:
        reasons.append("low: no usable contact channel")
        return LeadQuality.LOW, reasons
    if not has_person and not has_company:
        reasons.append("low: neither a person nor a company is named")
        return LeadQuality.LOW, reasons
    if email_validity is EmailValidity.VALID and phone_validity is PhoneValidity.VALID and has_company:
        reasons.append("high: email and phone both valid and a company named")
        return LeadQuality.HIGH, reasons
    reasons.append("medium: reachable through one channel")
    return LeadQuality.MEDIUM, reasons
