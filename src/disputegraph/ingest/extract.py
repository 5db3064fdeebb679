"""Names in a dispute's text: organisations, compounds, buildings, villages, projects, divisions.

Pure and offline (docs/architecture.md §5): rules over the text, a gazetteer of
names the store already knows, and the adcode table that ships with ``cpca``
(province, city, county; townships by their 街道/镇/乡 suffix). Nothing is
downloaded at run time::

    >>> found = extract({"title": "反映鑫达劳务拖欠工资。在水一方大厦2栋"})
    >>> [(m.kind.value, m.name, m.sentence) for m in found]  # doctest: +NORMALIZE_WHITESPACE
    [('organization', '鑫达劳务', 1), ('residential_community', '在水一方大厦', 2),
     ('building', '在水一方大厦2栋', 2)]

How it works, per field:

1. **Clean** (:func:`clean`): full-width → half-width, traditional →
   simplified, HTML tags and entities, tabs and line breaks → spaces. Every
   character keeps its place, so a mention's ``start``/``end`` index the text
   as stored.
2. **Find**: a :class:`Gazetteer` of known names (Aho–Corasick, ``pyahocorasick``);
   suffix rules (有限公司, 劳务班组, 合作社, 村委会 …; 小区, 花园, 大厦, 公寓 …;
   项目, 工程; 村; 街道, 镇, 乡) whose name runs left from the suffix to the
   nearest boundary (punctuation, a verb or preposition such as 反映, 在, 拖欠);
   building and unit numbers (2栋, 3幢2单元) and village groups (3组) right after
   a compound or a village; division names from the adcode table.
3. **Choose**: where spans overlap the longer one wins (then gazetteer over
   rules over divisions); a building or group keeps its compound or village.

Texts longer than :data:`MAX_CHARS` are read up to that length.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import ahocorasick
import opencc

from disputegraph.schemas import Mention, MentionKind

__all__ = [
    "EXTRACT_COLUMNS",
    "MAX_CHARS",
    "TEXT_PREFIX",
    "Gazetteer",
    "GazetteerEntry",
    "clean",
    "divisions",
    "extract",
    "extract_text",
    "generic_org",
    "strip_place",
]

#: the longest text read per field (a 100 kB description is read up to here)
MAX_CHARS = 20_000
#: a mapped row carries the text of a source header named in ``extract`` under this prefix
TEXT_PREFIX = "text:"
#: dispute columns that hold free text worth searching for names
EXTRACT_COLUMNS = ("title", "description", "street", "grid")

_T2S = opencc.OpenCC("t2s")
_HTML = re.compile(r"<[^<>]{0,200}>|&(?:[a-zA-Z]{2,8}|#\d{1,6}|#x[0-9a-fA-F]{1,6});")
_SENTENCE_END = frozenset("。！？!?；;\n\r")

# name characters: CJK, Latin letters, digits and brackets inside a name
_NAME = r"[\u3400-\u9fffA-Za-z0-9()]"
_TAIL_RUN = re.compile(_NAME + r"+$")
#: words that end a name on its left (a name starts right after the last one)
_STOPS = (
    "关于|对于|鉴于|至于|同时|同样|及时|反映|投诉|举报|拖欠|欠薪|欠付|克扣|讨薪|要求|希望|请求|称|说|问|找|帮|请|让|被|把|将|向|给|对|"
    "与|和|及|跟|同|从|由|在|到|于|至|是|为|的|了|着|过|也|都|就|还|又|"
    "我们|我|你们|你|他们|他|她们|她|其|该|此|这|那|某|本|各|每|位于|住在|居住|所在|"
    "承建|承包|施工|负责|开发|建设的|所属|业主|员工|工人|农民工|名|个|家|当地|辖区|附近|"
    "以及|还有|或者|或|但|而|因|因为|由于|导致|造成|发生|出现|存在|已经|一直|多次|至今|"
    "今年|去年|年|月|日|[0-9]+号|[0-9]+弄|(?<=[0-9万千百十])元|(?<=[0-9])万|"
    # 人 ends a count (16人) or a word (本人, 老人), not 长河人才公寓 or 中人建设
    "(?<=[0-9一二三四五六七八九十百千几多个本老家工夫众他她路行])人"
)
_STOP_RE = re.compile(f"(?:{_STOPS})")
#: prepositions never split by a dictionary word inside them (关于 + 于丽景)
_WHOLE_STOPS = frozenset({"关于", "对于", "由于", "位于", "鉴于", "至于"})
_SINGLE_STOPS = frozenset(w for w in _STOPS.split("|") if len(w) == 1)

_ORG_INDUSTRY = (
    "房地产开发|房地产|劳务分包|劳务派遣|劳务|建筑安装|建筑工程|建筑|建设|工程|物业服务|物业管理|"
    "物业|置业|地产|装饰|装修|实业|科技|贸易|商贸|服务|管理|分包|农业|专业|机械|运输|餐饮|"
    "家政|保洁|保安|电子|制造|制衣|服装|食品|投资|发展|咨询|环境|园林|市政|水电|安装"
)
_ORG_FORM = (
    "股份有限公司|有限责任公司|有限公司|分公司|公司|集团|项目部|劳务班组|班组|工程队|施工队|"
    "专业合作社|合作社|村民委员会|村委会|居民委员会|居委会|经济合作社|工厂|厂|商行|门店"
)
_ORG = re.compile(
    # a form followed by 长 is a person (班组长, 厂长, 工程队长), not the organisation
    f"(?:(?:{_ORG_INDUSTRY})*(?:{_ORG_FORM}))(?!长)|(?:劳务|物业|置业)(?![\u4e00-\u9fff]{{0,1}}(?:费|款|纠纷))"
)
_ORG_END = re.compile(f"(?:{_ORG_INDUSTRY}|{_ORG_FORM})$")
_COMPOUND = re.compile(
    r"(?:小区|花园|家园|公寓|大厦|广场|新村|山庄|公馆|华庭|名苑|雅苑|花苑|嘉园|雅居|新城|公寓楼|"
    r"商住楼|写字楼|苑|府|湾|园|城)"
    r"(?:[一二三四五六七八九十\d]{1,3}(?:区|期)|[东西南北]区)?"
)
_COMPOUND_WEAK = frozenset("苑府湾园城")
_COMPOUND_END = re.compile(r"(?:小区|花园|家园|公寓|大厦|广场|新村|山庄|公馆|华庭|嘉园)$")
_PROJECT = re.compile(r"(?:工程项目|建设项目|项目|工程|工地)(?![部款费队师])")
_VILLAGE = re.compile(r"(?:村)(?![委民组长干])")
_TOWNSHIP = re.compile(r"(?:街道办事处|街道(?![办])|(?:镇|乡)(?![长政府村]))")
_BUILDING = re.compile(
    r"\s?([一二三四五六七八九十\d]{1,4})(?:号楼|栋|幢|座|号院)(?:\s?(\d{1,3})单元)?(?:\s?(\d{1,5})室)?"
)
_GROUP = re.compile(r"\s?([一二三四五六七八九十\d]{1,3})(?:组|队|社)(?![织长合])")
#: trades a labour team is named by (木工班组 alone names no team; 王建军木工班组 does)
_TRADES = frozenset(
    {"木工", "瓦工", "泥工", "钢筋", "水电", "电工", "焊工", "油漆", "架子", "模板", "粉刷", "装修"}
)
#: generic words a name must be more than
_GENERIC = frozenset(
    {"公司", "物业", "劳务", "项目", "工程", "小区", "单位", "老板", "集团", "工地", "本村", "该村"}
)


# ---------------------------------------------------------------------------
# cleaning


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "\t\n\r\f\v\u3000\xa0":
        return "\n" if ch in "\n\r" else " "
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        return ch
    if folded in "（【〔":
        return "("
    if folded in "）】〕":
        return ")"
    return folded.lower() if folded.isascii() else folded


def clean(text: str) -> str:
    """The text as extraction reads it, character for character (same length).

    Width folded, traditional → simplified, HTML tags and entities and control
    characters → spaces (line breaks stay: they end sentences)::

        >>> clean("ＡＢ<br>&nbsp;張三\\t")
        'ab          张三 '
    """
    text = text[:MAX_CHARS]
    folded = "".join(_fold_char(ch) for ch in text)
    simplified = str(_T2S.convert(folded))
    if len(simplified) == len(folded):  # a phrase conversion may change the length
        folded = simplified
    if "<" in folded or "&" in folded:
        folded = _HTML.sub(lambda m: " " * len(m.group(0)), folded)
    return folded


def _sentences(text: str) -> list[int]:
    """The start offset of each sentence (sentence n starts at ``starts[n - 1]``)."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END and i + 1 < len(text):
            starts.append(i + 1)
    return starts


def _sentence_of(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid
    # empty sentences (。。) are not counted
    return 1 + sum(1 for k in range(1, lo + 1) if starts[k] - starts[k - 1] > 1)


# ---------------------------------------------------------------------------
# divisions (the adcode table shipped with cpca)


class Division(NamedTuple):
    name: str
    adcode: str
    level: str  # province, city, county


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """Name (and short name of provinces and cities) → the division, from cpca's adcode table."""
    out: dict[str, Division] = {}
    table = resources.files("cpca").joinpath("resources", "adcodes.csv")
    with table.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            name = row["name"].strip()
            level = (
                "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
            )
            div = Division(name, code, level)
            out.setdefault(name, div)
            # a county-level city is written without 市 too (临江宏达 for 临江市宏达)
            if (level != "county" or name.endswith("市")) and len(name) >= 3:
                short = re.sub(r"(?:省|市|自治区|自治州|地区|盟|特别行政区)$", "", name)
                short = re.sub(r"(?:壮族|回族|维吾尔|藏族|蒙古族)?$", "", short)
                if len(short) >= 2:
                    out.setdefault(short, div)
    return out


@lru_cache(maxsize=1)
def _division_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for name, div in divisions().items():
        automaton.add_word(name, (name, div))
    automaton.make_automaton()
    return automaton


_GENERIC_ORG = re.compile(
    f"(?:{_ORG_INDUSTRY}|家政|商务|电子|餐饮|汽车|机电|物流|集团|建工)+(?:{_ORG_FORM})?"
)


def generic_org(name: str) -> bool:
    """Whether an organisation name is nothing but industry words (建筑工程, 家政服务)."""
    return _GENERIC_ORG.fullmatch(name) is not None


def strip_place(name: str) -> str:
    """A name without the divisions it starts with (``杭州市西湖区力诚劳务`` → ``力诚劳务``)."""
    table = divisions()
    changed = True
    stripped = False
    while changed and len(name) > 2:
        changed = False
        for size in range(min(8, len(name) - 2), 1, -1):
            div = table.get(name[:size])
            if div is None:
                continue
            # a county-level city without 市 leads the name (临江宝中物业) or is its brand
            # (宁波瑞安电子商务, 海城建筑工程)
            county_short = div.level == "county" and div.name != name[:size]
            if county_short and (stripped or generic_org(name[size:])):
                continue
            name = name[size:]
            changed = stripped = True
            break
    return name


# ---------------------------------------------------------------------------
# the gazetteer


class GazetteerEntry(NamedTuple):
    """A known name: the alias as written in text, the node it names and how sure."""

    alias: str
    kind: MentionKind | None  # None: an agency, found only so nothing else claims its span
    node_id: str
    confidence: float


@dataclass
class Gazetteer:
    """Known names found anywhere in a text (one Aho–Corasick pass).

    Build it from :class:`GazetteerEntry` values; aliases are cleaned like the
    text, and shorter than three characters are left out (too many false hits).
    """

    automaton: ahocorasick.Automaton | None = None
    size: int = 0

    @classmethod
    def of(cls, entries: Iterable[GazetteerEntry]) -> Gazetteer:
        automaton = ahocorasick.Automaton()
        size = 0
        best: dict[str, GazetteerEntry] = {}
        for e in entries:
            alias = clean(e.alias).strip()
            if len(alias) < 3:
                continue
            have = best.get(alias)
            if have is None or e.confidence > have.confidence:
                best[alias] = e._replace(alias=alias)
        for alias, e in best.items():
            automaton.add_word(alias, e)
            size += 1
        if not size:
            return cls()
        automaton.make_automaton()
        return cls(automaton, size)

    def find(self, text: str) -> Iterator[tuple[int, int, GazetteerEntry]]:
        if self.automaton is None:
            return
        for end, entry in self.automaton.iter(text):
            yield end + 1 - len(entry.alias), end + 1, entry


# ---------------------------------------------------------------------------
# rules


class _Span(NamedTuple):
    start: int
    end: int
    kind: MentionKind | None
    rule: str
    confidence: float
    priority: int  # 3 gazetteer, 2 rule, 1 division
    known_id: str | None = None
    adcode: str | None = None


#: jieba's dictionary tags of words that may begin a name (idioms, proper and common nouns)
_NAME_TAGS = frozenset({"i", "l", "n", "nr", "ns", "nt", "nz"})


@lru_cache(maxsize=1)
def _protected() -> frozenset[str]:
    """Words of jieba's dictionary that begin with a one-character stop (在水一方, 和平, 同心):
    such a character starts a name rather than ending the text before it."""
    singles = _SINGLE_STOPS
    words: set[str] = set()
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            word, _, rest = line.partition(" ")
            if (
                2 <= len(word) <= 4
                and word[0] in singles
                and rest.rstrip().endswith(tuple(f" {t}" for t in _NAME_TAGS))
            ):
                words.add(word)
    return frozenset(words)


#: conjunctions that also begin brands (同成服饰, 和顺物业, 与众装饰)
_CONJ = frozenset("同和与及")
_NAME_CHAR = re.compile(_NAME)
#: words a conjunction begins that are no name (同时, 及时, 和解)
_CONJ_WORDS = frozenset({"同时", "同意", "同样", "同事", "同学", "同志", "和解", "及时", "与其"})


def _latin(text: str, at: int) -> bool:
    return text[at].isascii() and text[at].isalpha()


def _left_name(text: str, tail_start: int, floor: int, max_len: int = 16) -> int:
    """Where a name ending at ``tail_start`` begins (``tail_start`` when it has none)."""
    lo = max(floor, tail_start - max_len)
    run = _TAIL_RUN.search(text, lo, tail_start)
    if run is None:
        return tail_start
    begin = run.start()
    protected = _protected()
    # where a word (反映, 关于), the text or a known name ends: no conjunction can stand there
    # (西湖区与鑫达劳务: after a division's suffix 与 still joins; 临江同成服饰: after a short
    # form it begins the brand)
    edge = begin if begin == 0 or not _NAME_CHAR.match(text[begin - 1]) else -1
    if begin == floor and text[begin - 1] not in "省市区县镇乡道":
        edge = begin
    for stop in _STOP_RE.finditer(text, begin, tail_start):
        cut = stop.end()
        word = stop.group(0)
        if word in _CONJ and stop.start() == edge and text[cut - 1 : cut + 1] not in _CONJ_WORDS:
            # 反映同成服饰有限公司: 同 joins nothing here, it begins the brand
            begin = max(begin, stop.start())
            continue
        if len(word) > 1:
            edge = cut
        inner = range(0) if stop.group(0) in _WHOLE_STOPS else range(stop.start(), stop.end())
        for at in inner:
            # 住在水一方大厦: 在 starts a word of the dictionary, so it starts the name
            if any(
                text[at : at + k] in protected
                for k in (4, 3, 2)
                if stop.end() < at + k <= tail_start
            ):
                cut = at
                break
        begin = max(begin, cut)
    # Latin words of one name (Green Valley花园) are kept together across their spaces
    limit = max(floor, tail_start - 2 * max_len)
    while begin > limit and _latin(text, begin - 1):
        begin -= 1  # a Latin word the length cut into (Green)
    while begin - 2 >= limit and text[begin - 1] == " " and _latin(text, begin):
        if not _latin(text, begin - 2):
            break
        begin -= 2
        while begin > limit and _latin(text, begin - 1):
            begin -= 1
    # a leading number is a count (8名, 3个) or a house number, not part of a name
    while begin < tail_start and text[begin].isdigit():
        begin += 1
    return begin


def _rule_spans(text: str, blocked: list[tuple[int, int]]) -> Iterator[_Span]:
    blocked = list(blocked)

    def floor_of(pos: int) -> int:
        # a name does not run left into a known name, a division or a township
        return max((e for s, e in blocked if e <= pos), default=0)

    for m in _TOWNSHIP.finditer(text):
        begin = _left_name(text, m.start(), floor_of(m.start()), 4)
        brand = text[begin : m.start()]
        if not 2 <= len(brand) <= 4 or brand in _GENERIC:
            continue
        blocked.append((begin, m.end()))
        yield _Span(begin, m.end(), MentionKind.DIVISION, f"suffix:{m.group(0)}", 0.8, 1)

    for m in _ORG.finditer(text):
        begin = _left_name(text, m.start(), floor_of(m.start()))
        brand = text[begin : m.start()]
        if len(brand) < 2 or brand in _GENERIC or brand in _TRADES:
            continue
        compound = _COMPOUND_END.search(brand)
        if compound is not None and len(brand) - len(compound.group(0)) >= 1:
            continue  # 幸福花园小区物业公司: the compound's manager; the compound is the name
        tail = m.group(0)
        weak = tail in ("劳务", "物业", "置业")
        yield _Span(
            begin, m.end(), MentionKind.ORGANIZATION, f"suffix:{tail}", 0.75 if weak else 0.9, 2
        )
    for m in _COMPOUND.finditer(text):
        tail = m.group(0)
        begin = _left_name(text, m.start(), floor_of(m.start()), 10)
        brand = text[begin : m.start()]
        if not brand or len(brand) + len(tail) < 3 or brand in _GENERIC:
            continue
        strong = tail[0] not in _COMPOUND_WEAK or len(tail) > 1
        followed = _BUILDING.match(text, m.end()) is not None
        if not strong and not followed:
            continue
        conf = 0.85 if strong else 0.75
        yield _Span(begin, m.end(), MentionKind.RESIDENTIAL_COMMUNITY, f"suffix:{tail}", conf, 2)
    for m in _PROJECT.finditer(text):
        begin = _left_name(text, m.start(), floor_of(m.start()))
        brand = text[begin : m.start()]
        if len(brand) < 2 or brand in _GENERIC:
            continue
        tail = m.group(0)
        if tail == "工地" and _ORG_END.search(brand):
            continue  # 鑫达劳务工地, 宏达建设工地: the company's site names the company
        yield _Span(begin, m.end(), MentionKind.CONSTRUCTION_PROJECT, f"suffix:{tail}", 0.8, 2)
    for m in _VILLAGE.finditer(text):
        begin = _left_name(text, m.start(), floor_of(m.start()), 4)
        brand = text[begin : m.start()]
        if not 2 <= len(brand) <= 4 or brand in _GENERIC or brand.endswith("新"):
            continue
        yield _Span(begin, m.end(), MentionKind.VILLAGE, "suffix:村", 0.8, 2)


_PLACE_KINDS = frozenset({MentionKind.RESIDENTIAL_COMMUNITY, MentionKind.BUILDING})


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _choose(spans: list[_Span]) -> list[_Span]:
    """Non-overlapping spans: longer first, then higher priority, then leftmost."""
    chosen: list[_Span] = []
    taken: list[tuple[int, int]] = []
    for sp in sorted(spans, key=lambda s: (-(s.end - s.start), -s.priority, s.start)):
        if any(sp.start < e and s < sp.end for s, e in taken):
            continue
        taken.append((sp.start, sp.end))
        chosen.append(sp)
    return sorted(chosen, key=lambda s: s.start)


def extract_text(
    text: str, field: str = "text", gazetteer: Gazetteer | None = None
) -> list[Mention]:
    """The mentions in one field's text (see the module docstring)."""
    if not text or not text.strip():
        return []
    raw = text[:MAX_CHARS]
    folded = clean(raw)
    spans: list[_Span] = []
    known: list[tuple[int, int]] = []
    if gazetteer is not None:
        for start, end, entry in gazetteer.find(folded):
            spans.append(
                _Span(start, end, entry.kind, "gazetteer", entry.confidence, 3, entry.node_id)
            )
            known.append((start, end))
    for end, (name, div) in _division_automaton().iter(folded):
        start = end + 1 - len(name)
        after = folded[end + 1] if end + 1 < len(folded) else ""
        if name != div.name and _is_cjk(after) and after not in _SINGLE_STOPS:
            continue  # a short form inside a word (城西安置房 is not 西安; 宁波的 is 宁波)
        spans.append(
            _Span(start, end + 1, MentionKind.DIVISION, "division", 0.95, 1, None, div.adcode)
        )
        known.append((start, end + 1))
    spans.extend(_rule_spans(folded, sorted(known)))
    chosen = _choose(spans)
    starts = _sentences(folded)
    out: list[Mention] = []
    for sp in chosen:
        if sp.kind is None:
            continue  # an agency
        name = "".join(folded[sp.start : sp.end].split())
        if name in _GENERIC:
            continue
        mention = Mention(
            kind=sp.kind,
            text=raw[sp.start : sp.end],
            name=name,
            field=field,
            start=sp.start,
            end=sp.end,
            sentence=_sentence_of(starts, sp.start),
            rule=sp.rule,
            confidence=sp.confidence,
            known_id=sp.known_id,
            adcode=sp.adcode,
        )
        out.append(mention)
        child = _child(folded, raw, sp, mention, starts)
        if child is not None:
            out.append(child)
    return out


def _child(folded: str, raw: str, sp: _Span, parent: Mention, starts: list[int]) -> Mention | None:
    """A building right after a compound, a village group right after a village."""
    if sp.kind in _PLACE_KINDS:
        pattern, kind, rule = _BUILDING, MentionKind.BUILDING, "unit"
    elif sp.kind is MentionKind.VILLAGE:
        pattern, kind, rule = _GROUP, MentionKind.VILLAGE_GROUP, "group"
    else:
        return None
    m = pattern.match(folded, sp.end)
    if m is None:
        return None
    if kind is MentionKind.BUILDING:
        # the building, not the unit or the room: 3幢2单元501室 links to 3幢
        end = m.start(2) if m.group(2) else (m.start(3) if m.group(3) else m.end())
        number = folded[sp.end : end].strip()
    else:
        end = m.end()
        number = folded[sp.end : end].strip()
    return Mention(
        kind=kind,
        text=raw[sp.start : end],
        name=parent.name + "".join(number.split()),
        field=parent.field,
        start=sp.start,
        end=end,
        sentence=parent.sentence,
        rule=rule,
        confidence=round(min(parent.confidence, 0.9), 3),
        parent=parent.name,
    )


def extract(fields: Mapping[str, str | None], gazetteer: Gazetteer | None = None) -> list[Mention]:
    """The mentions of every field (``{"title": …, "description": …, "address": …}``)."""
    out: list[Mention] = []
    for field, text in fields.items():
        if isinstance(text, str):
            out.extend(extract_text(text, field, gazetteer))
    return out
