"""How a source system garbles what it records: names typed by ear (homophones), a wrong
character, traditional characters, full-width spaces, companies that lose or change their
legal form, phone numbers written in other ways; and :class:`Home`, the records one
source (or the registry) holds."""

from __future__ import annotations

import random
from collections import defaultdict

import opencc

from disputegraph.resolution.text import pinyin_key
from disputegraph.schemas.enums import PartyKind
from disputegraph.synthetic.multisource.exports import SourceProfile

__all__ = ["Home"]

_S2T = opencc.OpenCC("s2t")

_HOMOPHONES = (
    "伟玮炜苇",
    "明铭鸣",
    "华骅桦",
    "丽莉俐",
    "军君钧",
    "静婧靖",
    "杰洁",
    "敏闽",
    "芳方",
    "娟涓",
    "燕艳雁",
    "玲琳翎",
    "霞侠",
    "涛韬",
    "斌彬",
    "刚钢纲",
    "勇涌",
    "磊垒",
    "峰锋枫",
    "辉晖",
    "鹏朋",
    "建健剑",
    "平萍坪",
    "红虹鸿",
    "春纯",
    "秀绣",
    "英瑛莹",
    "兰岚蓝",
    "梅玫",
    "文雯",
    "国帼",
    "云芸",
    "晓小",
    "海亥",
    "林琳",
    "洋阳扬",
    "婷亭",
    "俊骏",
    "志智",
    "东冬",
)
_HOMO = {ch: group for group in _HOMOPHONES for ch in group}
_TYPO = "一二三王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"


def _person_variant(name: str, rng: random.Random, p: SourceProfile) -> str:
    roll = rng.random()
    if roll < p.p_typo and len(name) >= 2:
        i = rng.randrange(1, len(name))
        for _ in range(5):
            ch = rng.choice(_TYPO)
            if ch != name[i] and pinyin_key(ch) != pinyin_key(name[i]):
                return name[:i] + ch + name[i + 1 :]
        return name
    if roll >= p.p_typo + p.p_variant:
        return name
    kind = rng.random()
    if kind < 0.5:
        spots = [i for i in range(1, len(name)) if name[i] in _HOMO]
        if spots:
            i = rng.choice(spots)
            options = [c for c in _HOMO[name[i]] if c != name[i]]
            cand = name[:i] + rng.choice(options) + name[i + 1 :]
            if pinyin_key(cand) == pinyin_key(name):
                return cand
    if kind < 0.8:
        return str(_S2T.convert(name))
    return name[0] + "\u3000" + name[1:] if len(name) >= 2 else name


_PLACES = ("杭州", "宁波", "临江", "温州", "浙江", "江西", "安徽", "上海", "江苏")


def _org_variant(name: str, rng: random.Random, p: SourceProfile) -> str:
    roll = rng.random()
    if roll < p.p_typo and len(name) >= 4:
        i = rng.randrange(2, len(name) - 2)
        return name[:i] + rng.choice(_TYPO) + name[i + 1 :]
    if roll >= p.p_typo + p.p_variant * 2:  # organisations vary more than persons
        return name
    kind = rng.random()
    if kind < 0.3 and name.endswith("有限公司"):
        return name[: -len("有限公司")] + rng.choice(("有限责任公司", "公司", ""))
    if kind < 0.5 and name.endswith("集团有限公司"):
        return name.replace("集团有限公司", "(集团)有限公司")
    if kind < 0.7:
        for place in _PLACES:
            if name.startswith(place) and name.endswith("有限公司") and len(name) > 8:
                return f"{name[len(place) : -4]}({place})有限公司"
    if kind < 0.9:
        return str(_S2T.convert(name))
    return name.replace("(", "（").replace(")", "）") + ("" if "(" in name else " ")


def _phone_variant(phone: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15 and len(phone) == 11:
        return f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
    if roll < 0.3 and len(phone) == 11:
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return phone


class Home:
    """The records of one source (or the registry) being built."""

    def __init__(self, profile: SourceProfile | None, seed: int) -> None:
        self.profile = profile
        self.rng = random.Random(f"{seed}:{profile.key if profile else 'registry'}")
        self.rows: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.copies: dict[str, str] = {}  # true id -> record id here
        self.count = 0

    def record(
        self,
        true_id: str,
        parties: dict[str, dict[str, str]],
        employers: dict[str, dict[str, str]],
        *,
        keep_phone: bool = False,
    ) -> str:
        """The record id of a true party or employer in this home (created on first use)."""
        have = self.copies.get(true_id)
        if have is not None:
            return have
        p = self.profile
        if p is None:
            rid = true_id
            row = dict(parties.get(true_id) or employers[true_id])
        else:
            self.count += 1
            rng = self.rng
            if true_id in parties:
                rid = f"{p.prefix}-P{self.count:07d}"
                row = dict(parties[true_id])
                if row.get("kind") == PartyKind.ORGANIZATION:
                    row["name"] = _org_variant(row["name"], rng, p)
                else:
                    row["name"] = _person_variant(row["name"], rng, p)
                if row.get("id_number") and rng.random() >= p.p_id:
                    row["id_number"] = ""
                if row.get("phone"):
                    if not keep_phone and rng.random() >= p.p_phone:
                        row["phone"] = ""
                    elif not keep_phone and rng.random() < 0.02:
                        row["phone"] = f"1{rng.randrange(30, 99)}{rng.randrange(10**8):08d}"
                    else:
                        row["phone"] = _phone_variant(row["phone"], rng)
            else:
                rid = f"{p.prefix}-E{self.count:07d}"
                row = dict(employers[true_id])
                row["name"] = _org_variant(row["name"], rng, p)
                if row.get("credit_code") and rng.random() >= p.p_credit:
                    row["credit_code"] = ""
            row["id"] = rid
        self.copies[true_id] = rid
        self.rows["parties" if true_id in parties else "employers"].append(row)
        return rid
