"""Phones: one stored form however they are typed, grouped for reading, masked keeping the right digits.
Property tests (hypothesis), bounded so the suite stays quick."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_app.services.phones import NotAPhone, format_phone, normalise_phone, split_phones
from tenant_app.services.privacy import mask_phone

BOUNDED = settings(max_examples=200, deadline=None)

mobiles = st.builds(lambda second, rest: f"1{second}{rest}", st.sampled_from("3456789"),
                    st.text("0123456789", min_size=9, max_size=9))
# area codes: 010 and 02x are three digits with an 8-digit number; the others four with 7 or 8
short_area = st.builds(lambda d: f"02{d}", st.sampled_from("0123456789")) | st.just("010")
long_area = st.builds(lambda a, b, c: f"0{a}{b}{c}", st.sampled_from("3456789"), st.sampled_from("0123456789"),
                      st.sampled_from("0123456789"))
local8 = st.builds(lambda f, r: f + r, st.sampled_from("23456789"), st.text("0123456789", min_size=7, max_size=7))
local7 = st.builds(lambda f, r: f + r, st.sampled_from("23456789"), st.text("0123456789", min_size=6, max_size=6))
landlines = st.tuples(short_area, local8) | st.tuples(long_area, local7 | local8)

FULL_WIDTH = str.maketrans("0123456789+-()", "０１２３４５６７８９＋－（）")


@st.composite
def typed(draw, digits_strategy):
    """A number as people type it: separators anywhere, a country prefix, full-width digits, spaces around."""
    digits = draw(digits_strategy)
    out = ""
    for ch in digits:
        out += ch + draw(st.sampled_from(["", "", "", " ", "-", "–"]))
    prefix = draw(st.sampled_from(["", "", "+86 ", "+86-", "0086 ", "86"])) if digits.startswith("1") else ""
    text = prefix + out.strip(" -–")
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return draw(st.sampled_from(["", " ", "\t"])) + text + draw(st.sampled_from(["", " "])), digits


@BOUNDED
@given(typed(mobiles))
def test_a_mobile_typed_any_way_is_its_eleven_digits(case):
    text, digits = case
    assert normalise_phone(text) == digits


@BOUNDED
@given(landlines.flatmap(lambda t: typed(st.just(t[0] + t[1])).map(lambda c: (c, t))))
def test_a_landline_keeps_its_area_code(case):
    (text, digits), (area, local) = case
    stored = normalise_phone(text)
    assert stored == digits and stored.startswith(area)
    assert format_phone(stored).split(" ")[0] == area, "the area code is the first group"


@BOUNDED
@given(typed(mobiles) | landlines.flatmap(lambda t: typed(st.just(t[0] + t[1]))))
def test_the_stored_form_is_stable_and_reads_back_from_its_grouped_form(case):
    text, _ = case
    stored = normalise_phone(text)
    assert normalise_phone(stored) == stored, "idempotent"
    assert normalise_phone(format_phone(stored)) == stored, "the grouped form types back to the same number"


@BOUNDED
@given(mobiles)
def test_mobiles_are_grouped_3_4_4_and_masked_keeping_first_three_and_last_four(digits):
    assert format_phone(digits) == f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    for written in (digits, f"+86 {digits}", format_phone(digits)):
        assert mask_phone(written) == f"{digits[:3]}****{digits[-4:]}"


@BOUNDED
@given(landlines)
def test_landlines_are_masked_keeping_area_code_and_last_four(parts):
    area, local = parts
    assert mask_phone(f"({area}){local}") == f"{area}****{local[-4:]}"


@BOUNDED
@given(st.text(max_size=30))
def test_anything_else_is_refused_or_a_number_of_the_known_shapes(text):
    try:
        stored = normalise_phone(text)
    except NotAPhone:
        return
    assert stored == "" or stored.lstrip("+").isdigit()
    if stored and not stored.startswith("+"):
        assert len(stored) in (7, 8, 10, 11, 12)


@pytest.mark.parametrize("text", ["138 00", "很多", "13812345678901", "1234", "00123456789", "138-1234-567x",
                                  "0772-31000", "+", "1381234567８9"])
def test_not_a_phone(text):
    with pytest.raises(NotAPhone) as e:
        normalise_phone(text)
    assert "不是电话号码" in str(e.value)


@pytest.mark.parametrize("text,stored,shown", [
    ("１３８１２３４５６７８", "13812345678", "138 1234 5678"),
    ("+86 138-1234-5678", "13812345678", "138 1234 5678"),
    ("(0772)3100000", "07723100000", "0772 310 0000"),
    ("020-88881234", "02088881234", "020 8888 1234"),
    ("+86 772 3100000", "07723100000", "0772 310 0000"),
    ("3100000", "3100000", "310 0000"),
    ("400-800-1234", "4008001234", "400 800 1234"),
    ("+84 912 345 678", "+84912345678", "+84912345678"),
    ("", "", ""),
])
def test_examples(text, stored, shown):
    assert normalise_phone(text) == stored
    assert format_phone(stored) == shown


def test_two_numbers_in_one_cell_split():
    assert split_phones("13812345678/139 1234 5678") == ["13812345678", "139 1234 5678"]
    assert split_phones("138 1234 5678") == ["138 1234 5678"]
    assert split_phones("") == []


def test_a_legacy_value_is_shown_as_stored_and_masked_by_its_digits():
    assert format_phone("138-1234-567x") == "138-1234-567x"
    assert mask_phone("138 00") == "*****"
