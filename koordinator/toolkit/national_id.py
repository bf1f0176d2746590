"""The Norwegian national identity number (fødselsnummer, D-number), checked by python-stdnum.

Test environments (ID-porten's test persons from Tenor) use *synthetic* numbers: the month plus 80, the same
check digits. They are accepted only where ``NATIONAL_ID_ACCEPT_SYNTHETIC`` is on (the demo and the tests; off in
production by default), so demo data never needs a number that could belong to a real person.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer

SYNTHETIC_MONTH_OFFSET = 80

INVALID = _("Fødselsnummeret er ikke gyldig. Det skal være 11 siffer. Sjekk at alle sifrene er riktige.")


def compact(value: str) -> str:
    """The number without spaces, dots or dashes (``"150486 12345"`` → ``"15048612345"``)."""
    return fodselsnummer.compact(value or "")


def is_synthetic(number: str) -> bool:
    number = compact(number)
    return len(number) == 11 and number.isdigit() and int(number[2:4]) > SYNTHETIC_MONTH_OFFSET


def _real_form(number: str) -> str:
    """A synthetic number as the real one it stands for (month minus 80), with its own check digits."""
    month = int(number[2:4]) - SYNTHETIC_MONTH_OFFSET
    return number[:2] + f"{month:02d}" + number[4:]


def is_valid(value: str) -> bool:
    try:
        validate_national_id(value)
    except ValidationError:
        return False
    return True


def validate_national_id(value: str) -> None:
    """A model and form validator: a fødselsnummer or D-number with correct check digits and birth date."""
    number = compact(value)
    if not number:
        return
    if len(number) != 11 or not number.isdigit():
        raise ValidationError(INVALID, code="invalid")
    if is_synthetic(number):
        if not getattr(settings, "NATIONAL_ID_ACCEPT_SYNTHETIC", False):
            raise ValidationError(INVALID, code="invalid")
        # The check digits are computed over the synthetic number itself; the date is the real one's.
        if number[9] != fodselsnummer.calc_check_digit1(number) or number[10] != fodselsnummer.calc_check_digit2(
            number
        ):
            raise ValidationError(INVALID, code="invalid")
        try:
            fodselsnummer.get_birth_date(_real_form(number))
        except StdnumError as exc:
            raise ValidationError(INVALID, code="invalid") from exc
        return
    try:
        fodselsnummer.validate(number)
    except StdnumError as exc:
        raise ValidationError(INVALID, code="invalid") from exc


def birth_date(value: str) -> datetime.date | None:
    number = compact(value)
    try:
        return fodselsnummer.get_birth_date(_real_form(number) if is_synthetic(number) else number)
    except StdnumError:
        return None


def masked(value: str) -> str:
    """What staff see without asking to see the whole number: the birth-date part and five stars."""
    number = compact(value)
    if not number:
        return ""
    return f"{number[:6]} *****"


def with_check_digits(first_nine: str) -> str:
    """The eleven digits for nine (date and individual number): for demo data and tests."""
    first = fodselsnummer.calc_check_digit1(first_nine)
    second = fodselsnummer.calc_check_digit2(first_nine + first[-1])
    if first == "10" or second == "10":
        raise ValueError("no valid number with these nine digits; take the next individual number")
    return first_nine + first + second
