"""Check digits and shapes of the identifiers a source row may carry.

* the **unified social credit code** (统一社会信用代码, GB 32100-2015) of an
  employer or an organisation party: 18 characters from the code set
  ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z) — position 1 the
  registration authority, 2 the category, 3–8 the administrative division
  code (digits), 9–17 the organisation code body, 18 a check character
  (weights 3^(i-1) mod 31, i.e. 1, 3, 9, 27, 19, …; mod 31);
* the **resident id number** (居民身份证号码, GB 11643-1999): 17 digits (region,
  birth date ``YYYYMMDD`` in positions 7–14, sequence) and a check character
  (ISO 7064 MOD 11-2: weights 7, 9, 10, 5, …; ``"10X98765432"[sum % 11]``).
  An old 15-digit number (issued before 1999: region, ``YYMMDD`` of a birth in
  the 1900s, sequence; no check character) is accepted when its birth date is
  a real date, and kept as it is (not converted to 18 digits). A birth date
  must be a real date between 1800 and today;
* a **phone** number: 6 to 20 digits, optionally after a ``+``.

Each ``*_problem`` function takes a value already passed through
:func:`~disputegraph.pii.normalise_identifier` (width-folded, no spaces
or dashes, upper case) and returns ``None`` when it is in shape, else what is
wrong, without repeating the characters a mask hides::

    >>> credit_code_check("91350100M000100Y4")
    '3'
    >>> credit_code_problem("91350100M000100Y43")
    >>> credit_code_problem("91350100M000100Y4")
    '18 characters expected, got 17'
    >>> id_number_problem("11010519491231002X")
    >>> id_number_problem("110105194912310021")
    'check character should be X, got 1'
"""

from __future__ import annotations

import re
from datetime import date
from operator import mul

__all__ = [
    "CREDIT_CODE_CHARSET",
    "CREDIT_CODE_WEIGHTS",
    "ID_NUMBER_CHECK",
    "ID_NUMBER_WEIGHTS",
    "credit_code_check",
    "credit_code_problem",
    "id_number_check",
    "id_number_problem",
    "phone_problem",
]

#: GB 32100-2015 code set: digits and capital letters without I, O, S, V, Z.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: weight of position i (1-based) is 3^(i-1) mod 31
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
#: GB 11643-1999 weights of positions 1–17 (2^(18-i) mod 11)
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
#: check character by the weighted sum mod 11
ID_NUMBER_CHECK = "10X98765432"

_CC_VALUE = {c: i for i, c in enumerate(CREDIT_CODE_CHARSET)}
#: position 1, the registration authority: 1–9 or a letter of the code set (N, Y …)
_AUTHORITY = CREDIT_CODE_CHARSET[1:]
_CODE_SET = "digits and capital letters except I, O, S, V, Z"
_PHONE = re.compile(r"\+?[0-9]+")


def credit_code_check(body: str) -> str:
    """The check character of a credit code's first 17 characters (from the code set)."""
    if len(body) != 17:
        raise ValueError(f"17 characters expected, got {len(body)}")
    total = sum(map(mul, map(_CC_VALUE.__getitem__, body), CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_CHARSET[-total % 31]


def credit_code_problem(code: str) -> str | None:
    """What is wrong with a unified social credit code, or ``None``."""
    if len(code) != 18:
        return f"18 characters expected, got {len(code)}"
    if code[0] not in _AUTHORITY:
        return f"position 1 (registration authority) must be 1–9 or a capital letter ({_CODE_SET})"
    if code[1] not in _CC_VALUE:
        return f"position 2 (category) must be one of the code set ({_CODE_SET})"
    if not code[2:8].isdigit() or not code[2:8].isascii():
        return "positions 3–8 (administrative division code) must be digits"
    bad = [i + 1 for i in range(8, 17) if code[i] not in _CC_VALUE]
    if bad:
        where = "position" if len(bad) == 1 else "positions"
        return (
            f"{where} {', '.join(map(str, bad))} of the organisation code (9–17) "
            f"must be {_CODE_SET}"
        )
    check = credit_code_check(code[:17])
    if code[17] not in _CC_VALUE:
        return f"check character should be {check}, got a character outside the code set"
    if code[17] != check:
        return f"check character should be {check}, got {code[17]}"
    return None


def id_number_check(body: str) -> str:
    """The check character of an id number's first 17 digits."""
    if len(body) != 17:
        raise ValueError(f"17 digits expected, got {len(body)}")
    return ID_NUMBER_CHECK[sum(map(mul, map(int, body), ID_NUMBER_WEIGHTS)) % 11]


def _birth_problem(text: str, where: str, today: date | None) -> str | None:
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return f"positions {where} are not a valid birth date (YYYYMMDD)"
    if born.year < 1800:
        return f"the birth date in positions {where} is before 1800"
    if born > (today or date.today()):
        return f"the birth date in positions {where} is in the future"
    return None


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def id_number_problem(value: str, today: date | None = None) -> str | None:
    """What is wrong with a resident id number (18 characters, or an old 15-digit one)."""
    if len(value) == 15:
        if not _digits(value):
            return "an old 15-character id number must be all digits"
        return _birth_problem("19" + value[6:12], "7–12", today)
    if len(value) != 18:
        return f"18 characters expected (or 15 for an old id number), got {len(value)}"
    if not _digits(value[:17]):
        return "positions 1–17 must be digits"
    if not (_digits(value[17]) or value[17] == "X"):
        return "position 18 (check character) must be a digit or X"
    problem = _birth_problem(value[6:14], "7–14", today)
    if problem is not None:
        return problem
    check = id_number_check(value[:17])
    if value[17] != check:
        return f"check character should be {check}, got {value[17]}"
    return None


def phone_problem(value: str) -> str | None:
    """What is wrong with a phone number (6–20 digits, optionally after a ``+``)."""
    if _PHONE.fullmatch(value) is None:
        return "only digits expected (with spaces, dashes, brackets or a leading +)"
    digits = len(value.lstrip("+"))
    if not 6 <= digits <= 20:
        return f"6 to 20 digits expected, got {digits}"
    return None
