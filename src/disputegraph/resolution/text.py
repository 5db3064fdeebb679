"""Name normalisation and similarity for entity resolution.

Person names are compared after folding width, case, spaces and traditional
characters (OpenCC ``t2s``), and through their toneless pinyin, so that
``張偉``, ``张 伟`` and ``张玮`` (same pinyin) come out close::

    >>> person_key("張　偉")
    '张伟'
    >>> pinyin_key("张玮") == pinyin_key("張偉")
    True
    >>> name_similarity("王小明", "王晓明")[0]
    0.95

Organisation names additionally lose their legal form (有限公司, 有限责任公司,
股份有限公司 …), the word 集团, brackets, and a place written in brackets
moves to the front, so ``華東建築（集團）有限公司`` and ``华东建筑集团`` agree::

    >>> org_key("杭州華東建築（集團）有限公司") == org_key("华东建筑(杭州)有限责任公司")
    True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import lazy_pinyin
from rapidfuzz.distance import Levenshtein

__all__ = [
    "name_similarity",
    "org_key",
    "org_similarity",
    "person_key",
    "pinyin_key",
    "simplify",
]

_T2S = opencc.OpenCC("t2s")

#: characters dropped from person names (separators, dots in minority names, spaces)
_PERSON_DROP = str.maketrans("", "", " \t\u3000·・.-_'\"")
#: legal forms and group words removed from organisation names (longest first)
_ORG_WORDS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "责任公司",
    "股份公司",
    "集团公司",
    "集团",
    "公司",
    "co.,ltd",
    "co.ltd",
    "coltd",
    "ltd",
    "limited",
    "company",
    "group",
)
_BRACKETS = re.compile(r"[(\[{【〔](.*?)[)\]}】〕]")
_ORG_DROP = re.compile(r"[\s()\[\]{}【】〔〕·・.,，、&\-_'\"]+")
_PLACE_SUFFIX = re.compile(r"^(.{2,3}?)(?:省|市|区|县)")


@lru_cache(maxsize=1_000_000)
def simplify(text: str) -> str:
    """NFKC (full-width → half-width), casefold, traditional → simplified."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return str(_T2S.convert(folded))


@lru_cache(maxsize=1_000_000)
def person_key(name: str) -> str:
    """A person's name folded for comparison (no spaces or separators, simplified)."""
    return simplify(name).translate(_PERSON_DROP)


@lru_cache(maxsize=50_000)
def _char_pinyin(ch: str) -> str:
    return "".join(lazy_pinyin(ch))


@lru_cache(maxsize=1_000_000)
def pinyin_key(name: str) -> str:
    """Toneless pinyin of a folded person name, syllables joined by spaces.

    Character by character (cached), so the same character always sounds the
    same on both sides of a comparison (曾 is ``ceng`` in a surname too).
    """
    return " ".join(_char_pinyin(ch) for ch in person_key(name))


@lru_cache(maxsize=1_000_000)
def org_key(name: str) -> str:
    """An organisation name folded to its core.

    Simplified, half-width, lower case; legal forms and 集团 removed; a short
    bracketed place (``(杭州)``) moved to the front; other brackets dropped
    with their content kept; a ``市/省/区/县`` right after a leading place name
    removed (``杭州市华东`` → ``杭州华东``).
    """
    text = simplify(name)
    place = ""

    def bracket(match: re.Match[str]) -> str:
        nonlocal place
        inner = match.group(1).strip()
        core = inner.rstrip("市省区县")
        if not place and 2 <= len(core) <= 3 and inner not in ("集团",) and match.start() > 0:
            place = core
            return ""
        return inner

    text = _BRACKETS.sub(bracket, text)
    text = _ORG_DROP.sub("", text)
    for word in _ORG_WORDS:
        text = text.replace(word, "")
    text = place + text
    m = _PLACE_SUFFIX.match(text)
    if m is not None:
        text = m.group(1) + text[m.end() :]
    return text


def name_similarity(a: str, b: str) -> tuple[float, str]:
    """How alike two person names are (0–1) and why, in words.

    1.0 for the same folded name; 0.95 for the same pinyin (homophone or
    traditional/simplified spelling); otherwise the larger of the character
    and the pinyin edit similarity (the pinyin one scaled by 0.9).
    """
    ka, kb = person_key(a), person_key(b)
    if not ka or not kb:
        return 0.0, "a name is empty"
    if ka == kb:
        return 1.0, f"same name {ka}"
    pa, pb = pinyin_key(a), pinyin_key(b)
    if pa == pb:
        return 0.95, f"same pinyin {pa} ({a} / {b})"
    chars = Levenshtein.normalized_similarity(ka, kb)
    sounds = 0.9 * Levenshtein.normalized_similarity(pa, pb)
    score = round(max(chars, sounds), 3)
    how = "characters" if chars >= sounds else "pinyin"
    return score, f"similar names {a} / {b} ({how} similarity {score:.2f})"


def org_similarity(a: str, b: str) -> tuple[float, str]:
    """How alike two organisation names are (0–1) and why."""
    ka, kb = org_key(a), org_key(b)
    if not ka or not kb:
        return 0.0, "a name is empty"
    if ka == kb:
        return 1.0, f"same normalised name {ka}"
    score = round(Levenshtein.normalized_similarity(ka, kb), 3)
    return score, f"similar names {a} / {b} (similarity {score:.2f})"
