"""A domain error in the visitor's language. The services' messages are English and the API keeps
them; a page says what went wrong from the error's stable code and field (or, for a message that
carries no values, the message itself) through the catalogue, and falls back to the English."""

from __future__ import annotations

from dataclasses import dataclass
from gettext import NullTranslations

from clearinghouse.core.errors import DomainError


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


# (code, field) -> what the person can do about it. A field is matched by its first part
# ("channels.0", "identifiers[0].value" and "body.accept_partial" count as channels, identifiers,
# accept_partial), so that every problem with one field of a form gets the same advice.
BY_FIELD = {
    ("validation_failed", "work_id"): N_("Choose the work to license."),
    ("not_found", "work_id"): N_("No such work here. It may have been removed."),
    ("forbidden", "work_id"): N_("This work is not one of yours."),
    ("validation_failed", "seconds"): N_("The length of the use is a whole number of seconds, from 1 to 36000."),
    ("validation_failed", "portion"): N_("The length of the use is a whole number of seconds, from 1 to 36000."),
    ("validation_failed", "term_days"): N_("The period is a whole number of days, from 1 to 36600."),
    ("validation_failed", "start"): N_("The start is a date such as 2026-12-01, today or later."),
    ("validation_failed", "channels"): N_("Choose a platform from the list."),
    ("validation_failed", "territories"): N_("Choose a territory from the list."),
    ("validation_failed", "expected_total_minor"): N_("Reload the checkout page and buy again."),
    ("conflict", "expected_total_minor"): N_("The price changed since you saw it. Check the new price and buy again."),
    ("conflict", "quote_id"): N_("The price or the holders changed since you saw it. Reload the page and buy again."),
    ("conflict", "accept_partial"): N_("Some rights cannot be cleared at once; buy the rest, or ask their holders."),
    ("validation_failed", "title"): N_("Give the work a title."),
    ("validation_failed", "type"): N_("Choose what kind of work it is."),
    ("validation_failed", "length"): N_("The length is a whole number of seconds (or the type's unit)."),
    ("validation_failed", "identifiers"): N_("This identifier is not valid for its scheme."),
    ("conflict", "identifiers"): N_("This identifier is already registered to another work."),
    ("validation_failed", "email"): N_("Enter an email address such as name@example.com."),
    ("conflict", "email"): N_("An account with this email exists; sign in instead."),
    ("validation_failed", "password"): N_("Choose a password of at least 10 characters."),
    ("unauthenticated", "password"): N_("The email or the password is wrong."),
    ("validation_failed", "kind"): N_("Choose creator or brand."),
    ("forbidden", "csrf_token"):
        N_("This form has expired or did not come from this site. Reload the page and send it again."),
    ("validation_failed", "at"): N_("The day must be a valid date."),
    ("not_found", "license_id"): N_("No such licence here. Check the licence id."),
}
# (code, English message) for the messages that carry no values.
BY_MESSAGE = {
    ("unauthenticated", "sign in to see this page"): N_("Sign in to see this page."),
    ("forbidden", "only a licensee may do this"): N_("Only a licensee account may do this."),
    ("forbidden", "only a licensee buys licences; sign in with a licensee account"):
        N_("Only a licensee buys licences. Sign in with a licensee account."),
    ("forbidden", "only an owner has works here"): N_("Only an owner's account has works here."),
}
# The last resort before English: one sentence per kind of error.
BY_CODE = {
    "too_many_requests": N_("Too many failed attempts. Wait a few minutes, then try again."),
    "payload_too_large": N_("The file is too large."),
    "request_invalid": N_("Check the form and send it again."),
}


@dataclass(frozen=True)
class ErrorWords:
    text: str
    lang: str  # "en" when no translation was found: the page marks it so

    def __str__(self) -> str:
        return self.text


def field_root(field: str | None) -> str | None:
    if not field:
        return None
    name = field.removeprefix("body.").removeprefix("query.")
    return name.split(".")[0].split("[")[0] or None


def msgid_of(error: DomainError) -> str | None:
    """The catalogue's message for this error, or None (then the English message is shown)."""
    return (BY_FIELD.get((error.code, field_root(error.field) or ""))
            or BY_MESSAGE.get((error.code, error.message))
            or BY_CODE.get(error.code))


def explain(error: DomainError, translations: NullTranslations, lang: str) -> ErrorWords:
    msgid = msgid_of(error)
    if msgid is None:
        return ErrorWords(error.message, "en")
    text = translations.gettext(msgid)
    return ErrorWords(text, lang if text != msgid or lang == "en" else "en")
