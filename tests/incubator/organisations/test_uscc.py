import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from incubator.organisations.uscc import check_character, validate_uscc


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108551385082Q"])
def test_accepts_published_codes(code):
    assert validate_uscc(code) == code


@pytest.mark.parametrize("first17", [
    "Y1500108MA5U7XK0P",   # a 其他 registration with letters in its organisation code
    "51AB0108MA5U7XK0P",   # letters inside the first eight positions (GB 32100 allows them)
    "N2K500T8123456789",
])
def test_accepts_letters_anywhere_in_the_first_seventeen(first17):
    code = first17 + check_character(first17)
    assert validate_uscc(code) == code


def test_normalises_spaces_and_lower_case():
    assert validate_uscc(" 9135 0100 m000 100y43 ") == "91350100M000100Y43"


def test_check_character_mapping_of_31_is_zero():
    # Σ value·weight ≡ 0 (mod 31) must give check value 0, not 31 (out of range).
    assert check_character("00000000000000000") == "0"


@pytest.mark.parametrize("code", ["91350100M000100Y44", "91350100M000100Y4A", "81350100M000100Y43"])
def test_refuses_a_wrong_check_character(code):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == "check"


@pytest.mark.parametrize("letter", "IOZSV")
def test_refuses_the_five_forbidden_letters(letter):
    with pytest.raises(ValidationError) as error:
        validate_uscc("91350100M000100Y4" + letter)
    assert error.value.code == "characters"
    assert letter in error.value.messages[0]


@pytest.mark.parametrize("code", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_refuses_the_wrong_length(code):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == "length"


def test_messages_are_in_the_readers_language():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_uscc("123")
    assert "18 位" in error.value.messages[0]
