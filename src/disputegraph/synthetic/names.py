"""Name pools and identifier builders for the synthetic city (vectorised with numpy).

Everything here is a pure function of a ``numpy.random.Generator``; nothing reads
the clock or global state, so a seeded generator gives the same names every run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from disputegraph.schemas.enums import EmployerKind
from disputegraph.schemas.identifiers import (
    CREDIT_CODE_CHARSET,
    ID_NUMBER_CHECK,
    ID_NUMBER_WEIGHTS,
    credit_code_check,
)

__all__ = [
    "CITY_NAME",
    "COMMUNITY_WORDS",
    "DISTRICT_NAMES",
    "PROVINCE_NAME",
    "STREET_WORDS",
    "TOWN_WORDS",
    "VILLAGE_WORDS",
    "XQ_SUFFIX",
    "company_names",
    "credit_codes",
    "id_numbers",
    "person_names",
    "phones",
]

IntArray = npt.NDArray[np.int64]

CITY_NAME = "临江市"
PROVINCE_NAME = "浙江省"
#: (name, administrative code, rural?) — the city's districts and counties, in order.
DISTRICT_NAMES: tuple[tuple[str, str, bool], ...] = (
    ("城东区", "330102", False),
    ("城西区", "330103", False),
    ("临安区", "330112", True),
    ("江南区", "330104", False),
    ("滨江区", "330108", False),
    ("云溪县", "330122", True),
    ("高新区", "330105", False),
    ("北湖区", "330106", False),
    ("青山县", "330127", True),
    ("南塘区", "330110", False),
    ("桐溪县", "330182", True),
    ("金岭县", "330183", True),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: place-name words: urban streets, townships, communities (and compounds), villages
STREET_WORDS = _words(
    "望江 清波 湖滨 小营 紫阳 凯旋 采荷 闸弄口 彭埠 笕桥 九堡 丁兰 "
    "四季青 南星 转塘 西兴 长河 浦沿 文新 翠苑 古荡 北山 蒋村 留下 祥符 "
    "米市巷 朝晖 潮鸣 东新 石桥 半山 康桥 良渚 仓前 五常 闲林 瓶窑 临平 "
    "东湖 南苑 新城 江滨 城南 城北 花园 金沙 白杨 下沙 义蓬 宁围 新塘 "
    "北干 蜀山 "
)
TOWN_WORDS = _words(
    "青溪 太湖源 於潜 昌化 河桥 清凉峰 天目 板桥 高虹 锦北 玲珑 横畈 "
    "分水 瑶琳 百江 合村 钟山 凤川 新登 洞桥 万市 湖源 常安 渌渚 胥口 "
    "永昌 大源 灵桥 里山 场口 上官 东洲 "
)
COMMUNITY_WORDS = _words(
    "锦绣 和平 幸福 阳光 翠竹 桂花 金桥 新华 东园 西园 南苑 北苑 朝阳 "
    "春晖 文化 建设 人民 解放 长庆 望湖 碧波 绿洲 枫林 梅园 兰苑 荷花 "
    "青年 丰收 景芳 三里 双菱 江锦 水墨 星光 天虹 湖畔 香樟 紫荆 银杏 "
    "龙井 玉泉 月桂 海棠 清泰 仁和 安吉 德胜 嘉苑 "
)
#: the suffix of a residential compound's name
XQ_SUFFIX = ("花园", "小区", "苑", "新村", "家园", "公寓", "府", "名苑", "雅苑", "嘉园")
VILLAGE_WORDS = _words(
    "桐坞 李家 王家 杨柳 上塘 下湾 石桥 大坞 小溪 凤凰 龙潭 青山 白沙 "
    "东坞 西坑 南山 北岙 马岭 竹林 梅坞 新桥 塘湾 金鸡 长岭 黄泥 潘家 "
    "徐家 高坞 后溪 前村 "
)

#: Common surnames with rough frequencies (per thousand).
_SURNAMES = (
    ("王", 72),
    ("李", 71),
    ("张", 69),
    ("刘", 54),
    ("陈", 46),
    ("杨", 32),
    ("黄", 23),
    ("赵", 22),
    ("吴", 20),
    ("周", 19),
    ("徐", 17),
    ("孙", 16),
    ("马", 15),
    ("朱", 14),
    ("胡", 13),
    ("郭", 12),
    ("何", 12),
    ("林", 11),
    ("高", 11),
    ("罗", 10),
    ("郑", 10),
    ("梁", 9),
    ("谢", 8),
    ("宋", 8),
    ("唐", 8),
    ("许", 7),
    ("韩", 7),
    ("冯", 7),
    ("邓", 7),
    ("曹", 6),
    ("彭", 6),
    ("曾", 6),
    ("肖", 6),
    ("田", 5),
    ("董", 5),
    ("袁", 5),
    ("潘", 5),
    ("于", 5),
    ("蒋", 5),
    ("蔡", 5),
    ("余", 5),
    ("杜", 4),
    ("叶", 4),
    ("程", 4),
    ("苏", 4),
    ("魏", 4),
    ("吕", 4),
    ("丁", 4),
    ("任", 4),
    ("沈", 4),
    ("姚", 3),
    ("卢", 3),
    ("姜", 3),
    ("崔", 3),
    ("钟", 3),
    ("谭", 3),
    ("陆", 3),
    ("汪", 3),
    ("范", 3),
    ("金", 3),
    ("石", 3),
    ("廖", 3),
    ("贾", 3),
    ("夏", 3),
    ("韦", 3),
    ("方", 3),
    ("邹", 2),
    ("熊", 2),
    ("孟", 2),
    ("秦", 2),
    ("邱", 2),
    ("江", 2),
    ("尹", 2),
    ("薛", 2),
    ("闫", 2),
    ("段", 2),
    ("雷", 2),
    ("侯", 2),
    ("龙", 2),
    ("史", 2),
    ("陶", 2),
    ("黎", 2),
    ("贺", 2),
    ("顾", 2),
    ("毛", 2),
    ("郝", 2),
    ("龚", 2),
    ("邵", 2),
    ("万", 2),
    ("钱", 2),
    ("严", 2),
    ("欧阳", 1),
    ("诸葛", 1),
)
SURNAMES = tuple(s for s, _ in _SURNAMES)
_SURNAME_P = np.array([w for _, w in _SURNAMES], dtype=float)
_SURNAME_P /= _SURNAME_P.sum()

_GIVEN_CHARS = tuple(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建军文斌志强海燕玉兰"
    "红梅春梅金凤德明国庆永福志明晓东晓燕丹丹俊杰子涵雨欣浩然梓轩一诺思远佳怡欣怡"
    "宇航博文嘉怡家豪振华卫东秀珍淑珍凤英桂珍玉梅冬梅小红小军长青福生根宝水根建华"
)
GIVEN_CHARS = tuple(dict.fromkeys(_GIVEN_CHARS))

#: 字号 characters for company names.
_TRADE_CHARS = tuple(
    dict.fromkeys(
        "宏达鑫源华强恒泰金盛中建伟业天成永安顺发荣昌嘉禾瑞丰隆兴益民新城东方锦绣"
        "万通海纳远航博远信诚汇通宝利兴旺立信康泰润泽晨光腾飞创美众合福瑞广厦同舟"
    )
)
_REGION_PREFIX = ("浙江", "临江", "临江市", "浙江省", "杭州", "宁波", "安徽", "江西")

#: company name suffix per employer kind (the kinds of the README's "Input bundle")
_SUFFIX: dict[str, tuple[str, ...]] = {
    EmployerKind.DEVELOPER: ("置业有限公司", "房地产开发有限公司", "地产集团有限公司"),
    EmployerKind.GENERAL_CONTRACTOR: ("建筑工程有限公司", "建设集团有限公司", "建工集团有限公司"),
    EmployerKind.SUBCONTRACTOR: (
        "建筑安装工程有限公司",
        "幕墙装饰工程有限公司",
        "钢结构工程有限公司",
        "机电安装有限公司",
    ),
    EmployerKind.LABOUR_TEAM: ("劳务有限公司", "建筑劳务有限公司", "劳务分包有限公司"),
    EmployerKind.PROPERTY_MANAGER: ("物业服务有限公司", "物业管理有限公司"),
    EmployerKind.COMPANY: (
        "贸易有限公司",
        "餐饮管理有限公司",
        "科技有限公司",
        "服饰有限公司",
        "机械制造有限公司",
        "电子商务有限公司",
        "物流有限公司",
        "汽车服务有限公司",
        "食品有限公司",
        "家政服务有限公司",
    ),
    EmployerKind.COOPERATIVE: ("农业专业合作社", "果蔬专业合作社", "家庭农场", "茶叶专业合作社"),
    EmployerKind.OTHER: ("商行", "经营部", "工作室"),
}

_ID_WEIGHTS = np.array(ID_NUMBER_WEIGHTS, dtype=np.int64)
_ID_CHECK = np.array(list(ID_NUMBER_CHECK))
#: home regions of migrant workers (6-digit codes in Henan, Sichuan, Guizhou, Anhui, Jiangxi, Hunan)
MIGRANT_REGIONS = (
    "412723",
    "411522",
    "511323",
    "510722",
    "522121",
    "520221",
    "341222",
    "340826",
    "362421",
    "360731",
    "430524",
    "431121",
)


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` Chinese personal names: a common surname and one or two given characters."""
    s = rng.choice(len(SURNAMES), size=n, p=_SURNAME_P)
    g1 = rng.integers(0, len(GIVEN_CHARS), size=n)
    g2 = rng.integers(0, len(GIVEN_CHARS), size=n)
    two = rng.random(n) < 0.72
    sur, gc = SURNAMES, GIVEN_CHARS
    return [
        sur[a] + gc[b] + (gc[c] if t else "")
        for a, b, c, t in zip(s.tolist(), g1.tolist(), g2.tolist(), two.tolist(), strict=True)
    ]


def trade_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` two-character trade names (字号) like 宏达 or 鑫源."""
    a = rng.integers(0, len(_TRADE_CHARS), size=n).tolist()
    b = rng.integers(0, len(_TRADE_CHARS), size=n).tolist()
    t = _TRADE_CHARS
    return [t[x] + t[y] if x != y else t[x] + "盛" for x, y in zip(a, b, strict=True)]


def company_names(
    rng: np.random.Generator, kinds: Sequence[str], used: set[str], regions: Sequence[str] = ()
) -> list[str]:
    """Unique company names for employers of ``kinds`` (updates ``used``).

    A labour team is named after its foreman (``王建军劳务班组``) half the time,
    as teams are in practice. A name already in ``used`` gets a third 字号
    character and, failing that, a branch number, so no two employers share a name.
    """
    n = len(kinds)
    trades = trade_names(rng, n)
    prefixes = rng.integers(0, len(_REGION_PREFIX), size=n).tolist()
    sfx = rng.integers(0, 10, size=n).tolist()
    foremen = person_names(rng, n)
    team_style = (rng.random(n) < 0.5).tolist()
    extra = rng.integers(0, len(_TRADE_CHARS), size=n).tolist()
    out: list[str] = []
    for i, kind in enumerate(kinds):
        if kind == EmployerKind.LABOUR_TEAM and team_style[i]:
            name = foremen[i] + ("劳务班组", "木工班组", "钢筋班组", "泥工班组")[sfx[i] % 4]
        elif kind == EmployerKind.COOPERATIVE:
            region = regions[i] if regions else ""
            name = region + trades[i] + _SUFFIX[kind][sfx[i] % len(_SUFFIX[kind])]
        else:
            suffixes = _SUFFIX.get(kind, _SUFFIX[EmployerKind.COMPANY])
            name = _REGION_PREFIX[prefixes[i]] + trades[i] + suffixes[sfx[i] % len(suffixes)]
        if name in used:
            cut = len(name) - len(name.lstrip("".join(_REGION_PREFIX)))
            name = name[:cut] + _TRADE_CHARS[extra[i]] + name[cut:]
            k = 2
            base = name
            while name in used:
                name = f"{base}第{k}分公司"
                k += 1
        used.add(name)
        out.append(name)
    return out


def credit_codes(
    rng: np.random.Generator, regions: Sequence[str], heads: Sequence[str] | str = "91"
) -> list[str]:
    """Unified social credit codes (统一社会信用代码) with a valid GB 32100 check character.

    ``heads`` are the registering department and organisation type: ``91`` a company,
    ``93`` a farmers' cooperative, ``12`` a public institution, ``11`` a government body.
    """
    n = len(regions)
    body = rng.integers(0, len(CREDIT_CODE_CHARSET), size=(n, 9))
    body[:, 8] = rng.integers(0, 10, size=n)  # organisation code check is a digit here
    out: list[str] = []
    alpha = CREDIT_CODE_CHARSET
    for i, region in enumerate(regions):
        head = (
            (heads if isinstance(heads, str) else heads[i])
            + region
            + "".join(alpha[v] for v in body[i].tolist())
        )
        out.append(head + credit_code_check(head))
    return out


def id_numbers(
    rng: np.random.Generator, regions: Sequence[str] | npt.NDArray[np.str_], birth_days: IntArray
) -> list[str]:
    """18-digit resident id numbers with a valid ISO 7064 check character.

    ``birth_days`` are days since 1970-01-01.
    """
    n = len(birth_days)
    births = np.datetime_as_string(birth_days.astype("datetime64[D]"), unit="D")
    seq = rng.integers(1, 999, size=n)
    body = np.char.add(
        np.char.add(np.asarray(regions, dtype="U6"), np.char.replace(births, "-", "")),
        np.char.zfill(seq.astype("U3"), 3),
    )
    digits = np.frombuffer(body.astype("S17").tobytes(), dtype=np.uint8).reshape(n, 17) - 48
    check = _ID_CHECK[(digits.astype(np.int64) @ _ID_WEIGHTS) % 11]
    return np.char.add(body, check).tolist()  # type: ignore[no-any-return]


def phones(rng: np.random.Generator, n: int) -> list[str]:
    """Mainland mobile numbers ``1[3-9]xxxxxxxxx``."""
    second = rng.integers(3, 10, size=n).tolist()
    rest = rng.integers(0, 1_000_000_000, size=n).tolist()
    return [f"1{a}{b:09d}" for a, b in zip(second, rest, strict=True)]
