"""Validators for the registry's codes and contact data (credit codes, division codes, phone numbers)."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code uses 31 characters (no I, O, S, V, Z).
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997: the organisation code (characters 9-17 of a credit code) has a check character of its own.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

DIVISION_CODE_LENGTHS = {"district": 6, "street": 9, "community": 12}

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_LOCAL_LANDLINE = re.compile(r"^[2-9]\d{7}$")  # a Beijing number dialled without 010


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a credit code, computed from the first 17 (GB 32100-2015, section 5)."""
    total = sum(CREDIT_CODE_CHARS.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714-1997): digits and capital letters A=10 … Z=35."""
    total = sum(int(ch, 36) * w for ch, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(division_code: str, serial: int, registration: str = "9", org_type: str = "1") -> str:
    """Build a valid credit code from a 6-digit division code and a serial number (demo and test data)."""
    org8 = f"{serial:08d}"[-8:]
    body = f"{registration}{org_type}{division_code[:6]}{org8}{org_code_check_char(org8)}"
    return body + credit_code_check_char(body)


def validate_credit_code(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="credit_code_length",
            params={"count": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_CHARS})
    if bad:
        raise ValidationError(
            _(
                "A unified social credit code cannot contain: %(chars)s (the letters I, O, S, V and Z are not used)."
            ),
            code="credit_code_chars",
            params={"chars": " ".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _(
                "Characters 3 to 8 of a credit code are the 6-digit division code of the registering authority."
            ),
            code="credit_code_division",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character of this credit code is wrong (expected %(expected)s); please check for a typo."
            ),
            code="credit_code_check",
            params={"expected": expected},
        )


def validate_digits(value: str) -> None:
    if not (value or "").isdigit():
        raise ValidationError(_("Enter digits only."), code="digits")


def validate_division_code(code: str, level: str, parent_code: str | None) -> None:
    """A division code has 6/9/12 digits for district/street/community and starts with its parent's code."""
    validate_digits(code)
    expected_length = DIVISION_CODE_LENGTHS[level]
    if len(code) != expected_length:
        raise ValidationError(
            _("The division code of this level has %(expected)d digits; this one has %(count)d."),
            code="division_code_length",
            params={"expected": expected_length, "count": len(code)},
        )
    if parent_code and not code.startswith(parent_code):
        raise ValidationError(
            _("The division code must start with the parent committee's code %(parent)s."),
            code="division_code_prefix",
            params={"parent": parent_code},
        )
    if level == "district" and not code.startswith("11"):
        raise ValidationError(_("Beijing division codes start with 11."), code="division_code_province")


def validate_phone(value: str) -> None:
    phone = re.sub(r"[\s()]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone) or _LOCAL_LANDLINE.match(phone)):
        raise ValidationError(
            _("Enter an 11-digit mobile number (e.g. 13812345678) or a landline such as 010-64012345."),
            code="phone",
        )


# Control characters (C0, DEL, C1) are invisible, are often pasted in from other programs, and break what reads
# the text later (an xlsx ledger cannot hold them). Long texts keep tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _refuse_control(pattern: re.Pattern, value) -> None:
    found = pattern.search(value) if isinstance(value, str) else None
    if found:
        raise ValidationError(
            _("Remove the invisible control character %(char)s (often pasted in from another program)."),
            code="control_character",
            params={"char": f"U+{ord(found.group()):04X}"},
        )


def validate_single_line(value) -> None:
    """A name, title or short reason: no control character at all."""
    _refuse_control(_CONTROL, value)


def validate_text(value) -> None:
    """A long text: tab and line breaks allowed, no other control character."""
    _refuse_control(_CONTROL_IN_TEXT, value)


def validate_deadline_not_past(value) -> None:
    """A need's deadline set or published now: today or later (records already past it keep their date)."""
    if value is not None and value < timezone.localdate():
        raise ValidationError(
            _("The deadline has passed; enter today or a later date."), code="deadline_past"
        )
