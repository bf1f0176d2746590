"""Norwegian phone numbers, parsed and formatted with the phonenumbers library."""

from __future__ import annotations

import phonenumbers


def normalise_phone(raw: str) -> str | None:
    """E.164 form (+4791234567) of a valid number, Norway as the default region; ``None`` if invalid."""
    try:
        number = phonenumbers.parse(raw, "NO")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value: str) -> str:
    """How a stored number is shown: «912 34 567» for Norwegian numbers, international form otherwise."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "NO")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 47:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
