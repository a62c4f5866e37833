from leaddesk.domain.contact import ContactValidator, Deliverability, validate_phone
from leaddesk.domain.countries import country_code
from leaddesk.domain.models import Customer, EmailValidity, LeadQuality, PhoneValidity
from leaddesk.domain.quality import assess_quality


class Answers:
    def __init__(self, verdict: Deliverability) -> None:
        self.verdict = verdict

    def check(self, domain: str) -> Deliverability:
        return self.verdict


def test_email_validity() -> None:
    validator = ContactValidator(spam_domains=["spammy.biz"])
    assert validator.email("Ada@Contoso.com")[1] is EmailValidity.VALID
    assert validator.email("not-an-email")[1] is EmailValidity.INVALID
    assert validator.email("x@foo.test")[1] is EmailValidity.INVALID
    assert validator.email("x@example.com")[1] is EmailValidity.INVALID
    assert validator.email("x@mailinator.com")[1] is EmailValidity.SPAM
    assert validator.email("x@mail.spammy.biz")[1] is EmailValidity.SPAM
    assert validator.email(None)[1] is EmailValidity.UNKNOWN
    assert (
        ContactValidator(Answers(Deliverability.UNDELIVERABLE)).email("a@contoso.com")[1]
        is EmailValidity.INVALID
    )
    assert (
        ContactValidator(Answers(Deliverability.UNKNOWN)).email("a@contoso.com")[1] is EmailValidity.UNKNOWN
    )


def test_phone_uses_country_as_default_region() -> None:
    assert validate_phone("020 7946 0958", "GB")[1] is PhoneValidity.VALID
    assert validate_phone("020 7946 0958", None)[1] is PhoneValidity.INVALID
    assert validate_phone("12", "US")[1] is PhoneValidity.INVALID
    assert validate_phone(None, "US")[1] is PhoneValidity.UNKNOWN


def test_countries_normalised() -> None:
    assert country_code("usa") == "US"
    assert country_code("Netherlands") == "NL"
    assert country_code("nl") == "NL"
    assert country_code("Atlantis") is None


def test_quality_rule() -> None:
    named = Customer(first_name="A", company="C", email="a@c.com")
    assert assess_quality(named, EmailValidity.VALID, PhoneValidity.VALID)[0] is LeadQuality.HIGH
    assert assess_quality(named, EmailValidity.VALID, PhoneValidity.UNKNOWN)[0] is LeadQuality.MEDIUM
    # well-formed but unchecked email is still a channel
    assert assess_quality(named, EmailValidity.UNKNOWN, PhoneValidity.UNKNOWN)[0] is LeadQuality.MEDIUM
    assert assess_quality(named, EmailValidity.SPAM, PhoneValidity.VALID)[0] is LeadQuality.LOW
    assert assess_quality(named, EmailValidity.INVALID, PhoneValidity.INVALID)[0] is LeadQuality.LOW
    quality, reasons = assess_quality(Customer(email="a@c.com"), EmailValidity.VALID, PhoneValidity.VALID)
    assert quality is LeadQuality.LOW and any("neither a person nor a company" in r for r in reasons)
