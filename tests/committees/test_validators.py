import pytest
from django.core.exceptions import ValidationError

from committees.validators import (
    credit_code_check_char,
    make_credit_code,
    validate_credit_code,
    validate_division_code,
    validate_phone,
)

# A published example code (Fujian): check character 3, organisation code M000100Y4.
REAL_CODE = "91350100M000100Y43"


def test_a_published_credit_code_validates():
    validate_credit_code(REAL_CODE)


def test_it_computes_the_check_character_of_the_published_example():
    assert credit_code_check_char(REAL_CODE[:17]) == "3"


def test_lowercase_input_is_accepted_as_the_same_code():
    validate_credit_code(REAL_CODE.lower())


@pytest.mark.parametrize("wrong", "0124ABCDEFG")
def test_a_wrong_check_character_is_rejected_with_the_expected_one(wrong):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(REAL_CODE[:17] + wrong)
    assert error.value.code == "credit_code_check"
    assert "3" in error.value.messages[0]


def test_a_single_typo_in_the_body_is_caught():
    typo = REAL_CODE[:5] + "2" + REAL_CODE[6:]
    with pytest.raises(ValidationError) as error:
        validate_credit_code(typo)
    assert error.value.code == "credit_code_check"


@pytest.mark.parametrize("code", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_a_code_of_the_wrong_length_is_rejected(code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "credit_code_length"


@pytest.mark.parametrize("letter", "IOSVZ")
def test_letters_outside_the_code_alphabet_are_rejected(letter):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(REAL_CODE[:10] + letter + REAL_CODE[11:])
    assert error.value.code == "credit_code_chars"


def test_generated_codes_are_valid_and_distinct():
    codes = {make_credit_code("110101", serial) for serial in range(1, 2001)}
    assert len(codes) == 2000
    for code in codes:
        validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("110101", "district", None),
        ("110101005", "street", "110101"),
        ("110101005001", "community", "110101005"),
    ],
)
def test_division_codes_of_each_level_validate(code, level, parent):
    validate_division_code(code, level, parent)


@pytest.mark.parametrize(
    ("code", "level", "parent", "error_code"),
    [
        ("1101010", "district", None, "division_code_length"),
        ("110101", "street", "110101", "division_code_length"),
        ("110102005", "street", "110101", "division_code_prefix"),
        ("110101006001", "community", "110101005", "division_code_prefix"),
        ("11010a", "district", None, "digits"),
        ("120101", "district", None, "division_code_province"),
    ],
)
def test_division_codes_that_break_the_hierarchy_are_rejected(code, level, parent, error_code):
    with pytest.raises(ValidationError) as error:
        validate_division_code(code, level, parent)
    assert error.value.code == error_code


@pytest.mark.parametrize(
    "phone", ["13812345678", "+86 138 1234 5678", "010-64012345", "01064012345", "64012345"]
)
def test_phone_numbers_in_common_forms_validate(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "23812345678", "138123456789", "abc"])
def test_malformed_phone_numbers_are_rejected(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)
