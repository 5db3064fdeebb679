"""Check characters and shapes of credit codes, id numbers and phones."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputegraph.schemas.identifiers import (
    CREDIT_CODE_CHARSET,
    credit_code_check,
    credit_code_problem,
    id_number_check,
    id_number_problem,
    phone_problem,
)
from disputegraph.synthetic.names import credit_codes, id_numbers

TODAY = date(2026, 2, 3)


def test_credit_code_check_by_hand() -> None:
    """GB 32100-2015: check = (31 - Σ value(c_i)·w_i mod 31) mod 31, weights 3^(i-1) mod 31
    = 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28.

    ``91110000100000000``: 9·1 + 1·3 + 1·9 + 1·27 + 1·20 (position 9) = 68;
    68 mod 31 = 6; 31 - 6 = 25 → the 26th character of the code set
    ``0123456789ABCDEFGHJKLMNPQRTUWXY`` is ``R``.

    ``N2110000MA0000000``: N = 22, M = 21, A = 10:
    22·1 + 2·3 + 1·9 + 1·27 + 21·20 + 10·29 = 774; 774 mod 31 = 30; 31 - 30 = 1 → ``1``.

    ``91350200776049653A``, ``913502000728319549`` and ``91440101MA5CJQ4N59`` are
    codes a public reference implementation lists as valid.
    """
    assert credit_code_check("91110000100000000") == "R"
    assert credit_code_check("N2110000MA0000000") == "1"
    for code in (
        "91110000100000000R",
        "N2110000MA00000001",
        "91350200776049653A",
        "913502000728319549",
        "91440101MA5CJQ4N59",
    ):
        assert credit_code_problem(code) is None, code


def test_id_number_check_by_hand() -> None:
    """GB 11643-1999: check = "10X98765432"[Σ d_i·w_i mod 11],
    weights 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2.

    ``11010519491231002`` (the standard's own example):
    7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → ``X``.
    ``44052418800101001``: 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195;
    195 mod 11 = 8 → ``4``.
    """
    assert id_number_check("11010519491231002") == "X"
    assert id_number_check("44052418800101001") == "4"
    assert id_number_problem("11010519491231002X", TODAY) is None
    assert id_number_problem("440524188001010014", TODAY) is None
    assert id_number_problem("110105491231002", TODAY) is None  # old 15-digit number


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91110000100000000", "18 characters expected, got 17"),
        ("91110000100000000RR", "18 characters expected, got 19"),
        ("01110000100000000R", "position 1 (registration authority) must be 1–9 or a capital"),
        ("I1110000100000000R", "position 1 (registration authority)"),
        ("9I110000100000000R", "position 2 (category) must be one of the code set"),
        ("911A0000100000000R", "positions 3–8 (administrative division code) must be digits"),
        ("91110000I00O00000R", "positions 9, 12 of the organisation code (9–17) must be"),
        ("91110000100000S00R", "position 15 of the organisation code (9–17) must be"),
        ("911100001000000005", "check character should be R, got 5"),
        ("91110000100000000Z", "check character should be R, got a character outside"),
    ],
)
def test_credit_code_defects(code: str, reason: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None and problem.startswith(reason), problem


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "18 characters expected (or 15 for an old id number), got 17"),
        ("1101051949123100", "18 characters expected (or 15 for an old id number), got 16"),
        ("1101051949123100AX", "positions 1–17 must be digits"),
        ("11010519491231002Y", "position 18 (check character) must be a digit or X"),
        ("110105194902310021", "positions 7–14 are not a valid birth date (YYYYMMDD)"),
        ("110105194913010021", "positions 7–14 are not a valid birth date (YYYYMMDD)"),
        ("110105202602040021", "the birth date in positions 7–14 is in the future"),
        ("110105179912310021", "the birth date in positions 7–14 is before 1800"),
        ("110105194912310021", "check character should be X, got 1"),
        ("110105490231002", "positions 7–12 are not a valid birth date (YYYYMMDD)"),
        ("11010549123100A", "an old 15-character id number must be all digits"),
    ],
)
def test_id_number_defects(number: str, reason: str) -> None:
    assert id_number_problem(number, TODAY) == reason


@pytest.mark.parametrize(
    ("phone", "reason"),
    [
        ("13812345678", None),
        ("057188001234", None),
        ("+4420712345678", None),
        ("12345", "6 to 20 digits expected, got 5"),
        ("1" * 21, "6 to 20 digits expected, got 21"),
        ("138ABCD5678", "only digits expected (with spaces, dashes, brackets or a leading +)"),
        ("138+12345678", "only digits expected (with spaces, dashes, brackets or a leading +)"),
    ],
)
def test_phone_shapes(phone: str, reason: str | None) -> None:
    assert phone_problem(phone) == reason


_CODES = st.builds(
    lambda head, region, org: head + region + org,
    st.sampled_from(["91", "93", "12", "11", "N2", "Y1"]),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CREDIT_CODE_CHARSET, min_size=9, max_size=9),
).map(lambda body: body + credit_code_check(body))


@given(_CODES, st.integers(0, 17), st.sampled_from(CREDIT_CODE_CHARSET))
def test_every_single_character_change_of_a_credit_code_is_caught(
    code: str, pos: int, char: str
) -> None:
    assert credit_code_problem(code) is None
    changed = code[:pos] + char + code[pos + 1 :]
    assert (credit_code_problem(changed) is None) == (changed == code)


@given(
    st.dates(date(1930, 1, 1), date(2010, 12, 31)),
    st.integers(0, 999),
    st.integers(0, 16),
    st.integers(1, 9),
)
def test_every_single_digit_change_of_an_id_number_is_caught(
    born: date, seq: int, pos: int, shift: int
) -> None:
    body = f"330106{born:%Y%m%d}{seq:03d}"
    number = body + id_number_check(body)
    assert id_number_problem(number, TODAY) is None
    digit = str((int(number[pos]) + shift) % 10)
    assert id_number_problem(number[:pos] + digit + number[pos + 1 :], TODAY) is not None


def test_the_synthetic_city_builds_valid_identifiers() -> None:
    rng = np.random.default_rng(3)
    regions = ["330102", "412723", "522401"] * 200
    for code in credit_codes(rng, regions, "91") + credit_codes(rng, regions, "93"):
        assert credit_code_problem(code) is None, code
    births = rng.integers(-20_000, 15_000, size=len(regions))
    for number in id_numbers(rng, regions, births):
        assert id_number_problem(number, TODAY) is None, number
