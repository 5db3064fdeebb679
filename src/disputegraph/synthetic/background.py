"""Background disputes, generated in fixed-size chunks with numpy.

Each chunk of disputes brings its own parties, employers (with contractor chains),
construction projects, involvements, reports, hand-off chains and links; it refers
to the city frame (communities, compounds, parcels, property managers, agencies)
only by index. Chunks are seeded from ``(seed, chunk number)`` and have a fixed
size, so the output does not depend on how the work is split, and memory stays
flat however large the city is.

Most background disputes stand alone (1–3 parties); a few share a respondent
employer (groups of 3–10 disputes), a repeat petitioner, or a compound, which
gives the small background clusters a real city has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np
import numpy.typing as npt

from disputegraph.synthetic.city import City, Columns
from disputegraph.synthetic.handling import (
    ACTIONS,
    CHANNELS,
    OPEN_STATUSES,
    OUTCOMES,
    STATUSES,
    Templates,
)
from disputegraph.synthetic.names import (
    MIGRANT_REGIONS,
    company_names,
    credit_codes,
    id_numbers,
    person_names,
    phones,
    trade_names,
)

__all__ = ["CHUNK", "LOCAL_TZ", "Counters", "Window", "background_chunk", "iso_dates", "iso_times"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
CHUNK = 20_000
DAY = 86_400
LOCAL_TZ = timezone(timedelta(hours=8))

# --------------------------------------------------------------------------
# categories: weight, geography, respondent, property, handler, amount (median, sigma, share)

_CATS: tuple[tuple[str, float, str, str, str, float, str, tuple[float, float, float]], ...] = (
    ("property_management", 10, "urban", "manager", "xq", 0.7, "property", (3000, 0.8, 0.5)),
    ("elevator_retrofit", 2, "urban", "person", "building", 0.9, "elevator", (0, 0, 0)),
    ("old_community_renovation", 2, "urban", "none", "xq", 0.8, "street", (0, 0, 0)),
    (
        "housing_delivery_quality",
        2,
        "urban",
        "developer",
        "unit",
        0.9,
        "housing",
        (50_000, 1.0, 0.6),
    ),
    ("neighbor", 16, "urban", "person", "unit", 0.6, "community", (5000, 1.0, 0.1)),
    ("noise", 5, "urban", "person", "unit", 0.5, "community", (0, 0, 0)),
    ("marriage_family", 12, "any", "person", "", 0.0, "family", (50_000, 1.0, 0.2)),
    ("inheritance_support", 5, "any", "person", "unit", 0.3, "community", (100_000, 1.0, 0.4)),
    ("wage_arrears", 8, "any", "wage", "", 0.0, "labour", (25_000, 0.8, 1.0)),
    ("labor_contract", 5, "any", "company", "", 0.0, "labour", (30_000, 0.8, 0.7)),
    ("land_transfer", 2, "rural", "cooperative", "parcel", 0.6, "land", (15_000, 0.8, 0.9)),
    ("land_contract", 2, "rural", "person", "parcel", 0.5, "land", (10_000, 0.8, 0.4)),
    ("homestead", 3, "rural", "person", "village", 0.4, "homestead", (0, 0, 0)),
    (
        "land_requisition_demolition",
        1,
        "rural",
        "gov",
        "village",
        0.4,
        "demolition",
        (300_000, 0.9, 0.6),
    ),
    ("private_lending", 6, "any", "person", "", 0.0, "street", (50_000, 1.0, 0.95)),
    ("consumer", 6, "any", "company", "", 0.0, "consumer", (3000, 1.0, 0.8)),
    ("medical", 2, "any", "hospital", "", 0.0, "medical", (80_000, 1.0, 0.8)),
    ("traffic", 5, "any", "person", "", 0.0, "police", (20_000, 1.0, 0.9)),
    ("environment", 2, "any", "company", "", 0.0, "environment", (0, 0, 0)),
    ("education", 1, "urban", "school", "", 0.0, "education", (0, 0, 0)),
    ("investment_fraud", 0.5, "any", "company", "", 0.0, "fraud", (500_000, 1.2, 1.0)),
    ("other", 3, "any", "person", "", 0.0, "street", (0, 0, 0)),
)
CATEGORIES = tuple(c[0] for c in _CATS)
_CAT_P = np.array([c[1] for c in _CATS]) / sum(c[1] for c in _CATS)
_GEO = np.array([("urban", "rural", "any").index(c[2]) for c in _CATS])
_RESP_KINDS = (
    "person",
    "none",
    "manager",
    "developer",
    "wage",
    "company",
    "cooperative",
    "gov",
    "hospital",
    "school",
)
_RESP = np.array([_RESP_KINDS.index(c[3]) for c in _CATS])
_PROP_KINDS = ("", "xq", "building", "unit", "parcel", "village")
_PROP = np.array([_PROP_KINDS.index(c[4]) for c in _CATS])
_PROP_P = np.array([c[5] for c in _CATS])
_AMT = np.array([c[7] for c in _CATS], dtype=float)
_ELDERLY_P = np.array(
    [
        {
            "elevator_retrofit": 0.6,
            "inheritance_support": 0.45,
            "land_transfer": 0.55,
            "land_contract": 0.5,
            "homestead": 0.4,
            "land_requisition_demolition": 0.4,
            "old_community_renovation": 0.5,
            "investment_fraud": 0.35,
        }.get(c, 0.12)
        for c in CATEGORIES
    ]
)
_MIGRANT_P = np.array(
    [{"wage_arrears": 0.8, "labor_contract": 0.35}.get(c, 0.02) for c in CATEGORIES]
)

_BASE_CH = {
    "grid_report": 24,
    "hotline_12345": 30,
    "police_110": 6,
    "petition_letter": 0.8,
    "petition_visit": 1.2,
    "petition_online": 2.0,
    "walk_in": 10,
    "court_pre_litigation": 4,
    "womens_federation": 0.5,
    "labour_inspection": 0,
    "trade_union": 0.3,
    "proactive_screening": 7,
    "online_sentiment": 0.7,
    "leader_instruction": 0.3,
    "other_department": 2,
    "other": 1.5,
}
_CH_OVERRIDE: dict[str, dict[str, float]] = {
    "wage_arrears": {
        "labour_inspection": 30,
        "hotline_12345": 30,
        "grid_report": 8,
        "trade_union": 2,
        "petition_visit": 2.5,
        "petition_online": 3,
    },
    "labor_contract": {"labour_inspection": 15, "court_pre_litigation": 10, "trade_union": 3},
    "marriage_family": {"womens_federation": 10, "walk_in": 14, "court_pre_litigation": 8},
    "traffic": {"police_110": 45, "court_pre_litigation": 15, "grid_report": 4},
    "noise": {"police_110": 25, "hotline_12345": 40},
    "private_lending": {"court_pre_litigation": 35, "walk_in": 15},
    "consumer": {"hotline_12345": 55},
    "medical": {"walk_in": 20, "court_pre_litigation": 10, "police_110": 8},
    "land_requisition_demolition": {
        "petition_visit": 8,
        "petition_letter": 4,
        "petition_online": 5,
    },
    "investment_fraud": {"police_110": 20, "petition_visit": 6, "online_sentiment": 5},
}
_CH_P = np.zeros((len(CATEGORIES), len(CHANNELS)))
for _i, _c in enumerate(CATEGORIES):
    _w = dict(_BASE_CH) | _CH_OVERRIDE.get(_c, {})
    _CH_P[_i] = [_w[ch] for ch in CHANNELS]
    _CH_P[_i] /= _CH_P[_i].sum()

_SOURCE = {
    "hotline_12345": "12345热线工单系统",
    "grid_report": "基层治理四平台",
    "proactive_screening": "基层治理四平台",
    "police_110": "110接处警系统",
    "petition_letter": "信访信息系统",
    "petition_visit": "信访信息系统",
    "petition_online": "信访信息系统",
    "court_pre_litigation": "人民法院调解平台",
    "labour_inspection": "欠薪线索反映平台",
}
_SOURCES = np.array([_SOURCE.get(c, "矛调中心登记系统") for c in CHANNELS])

#: title patterns: {a} applicant, {r} respondent, {p} property, {c} community/village
_TITLES: dict[str, tuple[str, ...]] = {
    "property_management": (
        "{p}业主与物业服务费纠纷",
        "{p}物业服务质量投诉",
        "{a}反映{p}停车管理问题",
        "{p}公共收益分配纠纷",
    ),
    "elevator_retrofit": ("{p}加装电梯纠纷", "{p}加装电梯意见分歧", "{a}与{r}加装电梯协商纠纷"),
    "old_community_renovation": (
        "{p}老旧小区改造施工扰民",
        "{p}改造方案意见分歧",
        "{p}雨污分流改造纠纷",
    ),
    "housing_delivery_quality": (
        "{a}与{r}房屋渗漏维修纠纷",
        "{p}交房质量问题投诉",
        "{a}反映房屋面积差异",
    ),
    "neighbor": (
        "{a}与{r}邻里纠纷",
        "{a}与{r}楼上漏水纠纷",
        "{a}与{r}公共通道堆物纠纷",
        "{a}与{r}采光通风纠纷",
    ),
    "noise": ("{a}反映{r}家中噪音扰民", "{p}夜间噪音纠纷", "{a}与{r}装修噪音纠纷"),
    "marriage_family": ("{a}与{r}婚姻家庭纠纷", "{a}与{r}离婚财产纠纷", "{a}与{r}家庭矛盾"),
    "inheritance_support": ("{a}与{r}赡养纠纷", "{a}与{r}遗产继承纠纷", "{a}与{r}抚养费纠纷"),
    "wage_arrears": ("{a}等人反映{r}拖欠工资", "{a}与{r}欠薪纠纷", "{a}反映{r}拖欠劳务费"),
    "labor_contract": ("{a}与{r}劳动合同纠纷", "{a}与{r}经济补偿金纠纷", "{a}与{r}工伤待遇纠纷"),
    "land_transfer": (
        "{a}等与{r}土地流转租金纠纷",
        "{p}流转租金拖欠纠纷",
        "{a}与{r}土地流转合同纠纷",
    ),
    "land_contract": ("{a}与{r}土地承包经营权纠纷", "{p}承包地边界纠纷"),
    "homestead": ("{a}与{r}宅基地纠纷", "{c}{a}与{r}宅基地界址纠纷"),
    "land_requisition_demolition": ("{a}反映{c}征地补偿问题", "{a}对{c}拆迁安置有异议"),
    "private_lending": ("{a}与{r}民间借贷纠纷", "{a}与{r}借款纠纷"),
    "consumer": ("{a}与{r}消费纠纷", "{a}反映{r}预付卡退费问题", "{a}与{r}商品质量纠纷"),
    "medical": ("{a}与{r}医疗纠纷", "{a}家属与{r}医疗损害赔偿纠纷"),
    "traffic": ("{a}与{r}交通事故赔偿纠纷", "{a}与{r}电动车碰撞纠纷"),
    "environment": ("{a}反映{r}废气污染", "{a}反映{r}夜间施工噪音", "{a}反映{r}污水排放"),
    "education": ("{a}与{r}校园纠纷", "{a}反映{r}培训费退费问题"),
    "investment_fraud": ("{a}等反映{r}理财产品无法兑付", "{a}等与{r}投资款纠纷"),
    "other": ("{a}与{r}其他纠纷", "{a}与{r}财产损害纠纷", "{a}反映{c}环境卫生问题"),
}
_DESCR: dict[str, str] = {
    "property_management": "业主反映物业服务不到位，要求整改并协调收费问题。",
    "elevator_retrofit": "高层住户申请加装电梯，低层住户担心采光和噪音，意见不一。",
    "old_community_renovation": "居民对老旧小区改造方案和施工安排有意见。",
    "housing_delivery_quality": "业主反映房屋存在质量问题，要求开发商维修或赔偿。",
    "neighbor": "双方因生活琐事发生矛盾，要求协调处理。",
    "noise": "反映噪音影响休息，要求对方整改。",
    "marriage_family": "夫妻双方因家庭矛盾产生纠纷，要求调解。",
    "inheritance_support": "家庭成员之间就赡养、继承问题产生分歧。",
    "wage_arrears": "反映用工单位拖欠工资，要求支付欠薪。",
    "labor_contract": "劳动者与用人单位就劳动合同解除及补偿产生争议。",
    "land_transfer": "村民反映承租方拖欠土地流转租金。",
    "land_contract": "村民之间就承包地经营权归属产生争议。",
    "homestead": "邻里之间因宅基地界址产生争议。",
    "land_requisition_demolition": "村民对征地补偿标准或安置方案有异议。",
    "private_lending": "借款到期未还，出借人要求归还本息。",
    "consumer": "消费者要求商家退款或赔偿。",
    "medical": "患者家属对诊疗结果有异议，要求赔偿。",
    "traffic": "双方就交通事故损害赔偿协商未果。",
    "environment": "居民反映企业污染影响生活。",
    "education": "家长与学校或培训机构产生纠纷。",
    "investment_fraud": "多名投资人反映理财产品到期无法兑付。",
    "other": "当事人请求协调处理。",
}
_WAGE_KINDS = ("labour_team", "subcontractor", "company")
_INDUSTRY = {
    "developer": "房地产开发",
    "general_contractor": "建筑施工",
    "subcontractor": "建筑安装",
    "labour_team": "建筑劳务",
    "property_manager": "物业管理",
    "company": "批发零售",
    "cooperative": "农业",
    "other": "其他",
}


@dataclass
class Counters:
    """Running id counters (ids are sequential across chunks)."""

    dispute: int = 0
    party: int = 0
    employer: int = 0
    prop: int = 0
    report: int = 0


@dataclass(frozen=True)
class Window:
    """The time frame: ``as_of`` and the span (days) disputes are spread over.

    ``t0`` is the start of the ``as_of`` day and ``now`` 18:00 that day (local
    time): background events reach into the ``as_of`` day, so an analysis that
    takes the latest event's date as "today" lands on ``as_of`` itself.
    """

    as_of: date
    days: int = 730

    @property
    def t0(self) -> int:
        start = datetime(self.as_of.year, self.as_of.month, self.as_of.day, tzinfo=LOCAL_TZ)
        return int(start.timestamp())

    @property
    def now(self) -> int:
        return self.t0 + 18 * 3600


def iso_times(ts: IntArray, missing: npt.NDArray[np.bool_] | None = None) -> list[str]:
    """ISO 8601 local times with offset; ``""`` where ``missing``."""
    local = (ts + 8 * 3600).astype("datetime64[s]")
    text = np.char.add(np.datetime_as_string(local, unit="s"), "+08:00")
    if missing is not None and missing.any():
        text = np.where(missing, "", text)
    return text.tolist()  # type: ignore[no-any-return]


def iso_dates(ts: IntArray, missing: npt.NDArray[np.bool_] | None = None) -> list[str]:
    local = (ts + 8 * 3600).astype("datetime64[s]").astype("datetime64[D]")
    text = np.datetime_as_string(local, unit="D")
    if missing is not None and missing.any():
        text = np.where(missing, "", text)
    return text.tolist()  # type: ignore[no-any-return]


_WORK = 10 * 3600  # office hours per day
_OPEN = 8 * 3600  # office opens at 08:00 local
_UTC_OFFSET = 8 * 3600


def _to_work(ts: IntArray) -> IntArray:
    """Office seconds since the epoch's first office day up to ``ts`` (monotone)."""
    local = ts + _UTC_OFFSET
    return (local // DAY) * _WORK + np.clip(local % DAY - _OPEN, 0, _WORK)


def _from_work(work: IntArray) -> IntArray:
    """The instant after ``work`` office seconds (inverse of :func:`_to_work` in office hours)."""
    return (work // _WORK) * DAY + _OPEN + work % _WORK - _UTC_OFFSET


def _short(street: str) -> str:
    """望江街道 → 望江, 青溪镇 → 青溪."""
    return street.removesuffix("街道") if street.endswith("街道") else street[:-1]


def _cols(*names: str) -> Columns:
    return {n: [] for n in names}


def _pick(rng: np.random.Generator, start: IntArray, count: IntArray) -> IntArray:
    """A uniform index in ``[start, start + count)`` per element (count may be 0: returns start)."""
    return start + np.floor(rng.random(len(start)) * np.maximum(count, 1)).astype(np.int64)


def _fmt_amount(values: FloatArray, present: npt.NDArray[np.bool_]) -> list[str]:
    rounded = np.round(values / 10) * 10
    return [
        str(int(v)) if p else "" for v, p in zip(rounded.tolist(), present.tolist(), strict=True)
    ]


def background_chunk(
    seed: int,
    chunk_no: int,
    n: int,
    city: City,
    templates: Templates,
    window: Window,
    counters: Counters,
    used_names: set[str],
) -> dict[str, Columns]:
    """``n`` background disputes and everything they bring, as table columns of strings."""
    from disputegraph.schemas.registry import TABLES

    rng = np.random.default_rng([seed, 404, chunk_no])
    out = {name: _cols(*model.columns()) for name, model in TABLES.items()}
    t0 = window.t0

    # ---- disputes ---------------------------------------------------------
    cat = rng.choice(len(CATEGORIES), size=n, p=_CAT_P)
    age_days = np.floor(window.days * rng.random(n) ** 1.35).astype(np.int64)
    sec_of_day = rng.integers(8 * 3600, 20 * 3600, size=n)
    now = window.now
    reported = np.minimum(t0 - age_days * DAY + sec_of_day, now - 600)

    urban = np.flatnonzero(~city.comm_rural)
    rural = np.flatnonzero(city.comm_rural)
    geo = _GEO[cat]
    comm = np.where(
        geo == 0,
        urban[rng.integers(0, len(urban), size=n)],
        np.where(
            geo == 1,
            rural[rng.integers(0, len(rural), size=n)],
            rng.integers(0, city.n_communities, size=n),
        ),
    )
    street = city.comm_street[comm]
    district = city.street_district[street]
    grid = _pick(rng, city.comm_grid_start[comm], city.comm_grid_n[comm])

    channel = np.empty(n, dtype=np.int64)
    for c in range(len(CATEGORIES)):
        m = cat == c
        if m.any():
            channel[m] = rng.choice(len(CHANNELS), size=int(m.sum()), p=_CH_P[c])

    p_open = np.select([age_days < 30, age_days < 90, age_days < 180], [0.65, 0.3, 0.12], 0.04)
    is_open = rng.random(n) < p_open
    open_codes = np.array(
        [
            STATUSES.index(s)
            for s in ("reported", "accepted", "in_mediation", "failed", "litigated", "rebounded")
        ]
    )
    closed_codes = np.array(
        [STATUSES.index(s) for s in ("resolved", "closed", "withdrawn", "not_accepted")]
    )
    status = np.where(
        is_open,
        open_codes[rng.choice(6, size=n, p=[0.15, 0.3, 0.35, 0.07, 0.08, 0.05])],
        closed_codes[rng.choice(4, size=n, p=[0.64, 0.2, 0.1, 0.06])],
    )

    # property concerned
    is_rural = city.comm_rural[comm]
    xq = np.where(is_rural, 0, _pick(rng, city.comm_xq_start[comm], city.comm_xq_n[comm]))
    bld = _pick(rng, city.xq_b_start[xq], city.xq_b_n[xq])
    unit = _pick(rng, city.b_u_start[bld], city.b_u_n[bld])
    unit2 = _pick(rng, city.b_u_start[bld], city.b_u_n[bld])
    parcel = np.where(
        is_rural, _pick(rng, city.comm_parcel_start[comm], city.comm_parcel_n[comm]), 0
    )
    pk = _PROP[cat]
    has_prop = (rng.random(n) < _PROP_P[cat]) & (pk > 0)
    has_prop &= np.where(pk >= 4, is_rural, ~is_rural)
    prop_index = np.select(
        [pk == 1, pk == 2, pk == 3, pk == 4, pk == 5],
        [
            city.xq_prop[xq],
            city.b_prop[bld],
            city.u_prop[unit],
            city.parcel_prop[parcel] if len(city.parcel_prop) else xq,
            city.comm_village_prop[comm],
        ],
        -1,
    )

    # people
    n_app = rng.choice([1, 2, 3], size=n, p=[0.78, 0.17, 0.05])
    resp = _RESP[cat]
    manager = np.where(is_rural, -1, city.xq_manager[xq])
    resp = np.where(
        (resp == _RESP_KINDS.index("manager")) & (manager < 0), _RESP_KINDS.index("none"), resp
    )
    resp = np.where((resp == 0) & (rng.random(n) < 0.06), _RESP_KINDS.index("none"), resp)
    family = (
        np.isin(
            cat,
            [
                CATEGORIES.index("marriage_family"),
                CATEGORIES.index("inheritance_support"),
                CATEGORIES.index("education"),
            ],
        )
    ) & (rng.random(n) < 0.3)
    headcount = n_app + (resp == 0)
    group_wage = (cat == CATEGORIES.index("wage_arrears")) & (rng.random(n) < 0.2)
    headcount = np.where(group_wage, n_app + rng.integers(2, 12, size=n), headcount)
    fraud = cat == CATEGORIES.index("investment_fraud")
    headcount = np.where(fraud, n_app + rng.integers(0, 20, size=n), headcount)

    amt_med, amt_sig, amt_share = _AMT[cat, 0], _AMT[cat, 1], _AMT[cat, 2]
    amount = amt_med * np.exp(rng.normal(0, 1, size=n) * amt_sig)
    wage = cat == CATEGORIES.index("wage_arrears")
    amount = np.where(wage, np.minimum(amount * headcount**0.8, 800_000), amount)
    amount = np.clip(amount, 200, 5_000_000)
    has_amount = rng.random(n) < amt_share

    # applicants; a few come back with new disputes in the same community (repeat
    # petitioners): along each community's disputes in time order, a dispute may reuse
    # the first applicant of the run it continues
    pool_n = 0
    order = np.lexsort((reported, comm))
    link = np.zeros(n, dtype=bool)  # link[k]: order[k] continues order[k - 1]'s run
    if n > 1:
        link[1:] = (comm[order][1:] == comm[order][:-1]) & (rng.random(n - 1) < 0.04)
    run_start = np.maximum.accumulate(np.where(link, 0, np.arange(n)))
    reuse = np.zeros(n, dtype=bool)
    reuse[order[link]] = True
    root_of = np.arange(n)
    root_of[order] = order[run_start]
    is_root = np.zeros(n, dtype=bool)
    is_root[root_of[reuse]] = True
    app_d = np.repeat(np.arange(n), n_app)
    app_k = np.arange(len(app_d)) - np.repeat(np.cumsum(n_app) - n_app, n_app)
    fresh_app = ~(reuse[app_d] & (app_k == 0))

    # assemble persons: pool, fresh applicants, person respondents, family members
    resp_person = np.flatnonzero(resp == 0)
    fam = np.flatnonzero(family)
    p_dispute = np.concatenate([np.full(pool_n, -1), app_d[fresh_app], resp_person, fam])
    p_kind = np.concatenate(
        [
            np.zeros(pool_n, np.int64),
            np.ones(int(fresh_app.sum()), np.int64),
            np.full(len(resp_person), 2),
            np.full(len(fam), 3),
        ]
    )
    n_p = len(p_dispute)
    p_ids = np.array([f"P{i:08d}" for i in range(counters.party + 1, counters.party + n_p + 1)])
    counters.party += n_p
    d_of = np.where(p_dispute >= 0, p_dispute, 0)
    p_cat = cat[d_of]
    elderly = rng.random(n_p) < np.where(
        p_kind == 1, _ELDERLY_P[p_cat], np.where(p_kind == 0, 0.5, 0.1)
    )
    migrant = (p_kind == 1) & (rng.random(n_p) < _MIGRANT_P[p_cat])
    minor = (p_kind == 3) & (p_cat == CATEGORIES.index("education"))
    elderly &= ~minor & ~migrant
    disabled = rng.random(n_p) < 0.02
    low_income = rng.random(n_p) < np.where(migrant | elderly, 0.12, 0.04)
    repeat_pet = np.zeros(n_p, dtype=bool)
    slot_person = np.cumsum(fresh_app) - 1 + pool_n  # person index of each fresh applicant slot
    first_slot = np.cumsum(n_app) - n_app
    repeat_pet[slot_person[first_slot[is_root]]] = True
    today = t0 // DAY
    birth = np.where(
        elderly,
        today - rng.integers(65 * 365, 88 * 365, size=n_p),
        np.where(
            minor,
            today - rng.integers(7 * 365, 17 * 365, size=n_p),
            today - rng.integers(20 * 365, 60 * 365, size=n_p),
        ),
    ).astype(np.int64)
    dist_codes = np.array([d[1] for d in city.districts])
    p_district = district[d_of]
    p_pool_district = rng.integers(0, len(city.districts), size=n_p)
    p_district = np.where(p_dispute >= 0, p_district, p_pool_district)
    region = np.where(
        migrant,
        np.asarray(MIGRANT_REGIONS)[rng.integers(0, len(MIGRANT_REGIONS), size=n_p)],
        dist_codes[p_district],
    )
    idn = id_numbers(rng, region, birth)
    has_id = rng.random(n_p) < np.where(minor, 0.4, 0.9)
    ph = phones(rng, n_p)
    has_ph = (rng.random(n_p) < 0.85) & ~minor
    names = person_names(rng, n_p)
    tag_flags = (migrant, elderly, disabled, minor, low_income, repeat_pet)
    tag_names = (
        "migrant_worker",
        "elderly",
        "disabled",
        "minor",
        "low_income",
        "repeat_petitioner",
    )
    tag_code = sum(f.astype(np.int64) << i for i, f in enumerate(tag_flags))
    tag_text = {
        c: ";".join(t for i, t in enumerate(tag_names) if c >> i & 1)
        for c in np.unique(tag_code).tolist()
    }
    dnames = [d[0] for d in city.districts]
    parties = out["parties"]
    parties["id"] = p_ids.tolist()
    parties["kind"] = ["person"] * n_p
    parties["name"] = names
    parties["id_number"] = [v if h else "" for v, h in zip(idn, has_id.tolist(), strict=True)]
    parties["phone"] = [v if h else "" for v, h in zip(ph, has_ph.tolist(), strict=True)]
    parties["district"] = [dnames[d] for d in p_district.tolist()]
    parties["tags"] = [tag_text[c] for c in tag_code.tolist()]

    app_ids = np.empty(len(app_d), dtype=p_ids.dtype)
    app_ids[fresh_app] = p_ids[pool_n : pool_n + int(fresh_app.sum())]
    reused_slots = np.flatnonzero(~fresh_app)
    app_ids[reused_slots] = app_ids[first_slot[root_of[app_d[reused_slots]]]]
    off = pool_n + int(fresh_app.sum())
    resp_person_ids = p_ids[off : off + len(resp_person)]
    fam_ids = p_ids[off + len(resp_person) :]
    name_of = dict(zip(p_ids.tolist(), names, strict=True))

    # organisation respondents (hospitals, schools, local governments)
    org_mask = np.isin(resp, [_RESP_KINDS.index(k) for k in ("gov", "hospital", "school")])
    org_d = np.flatnonzero(org_mask)
    n_org = len(org_d)
    org_ids = np.array([f"P{i:08d}" for i in range(counters.party + 1, counters.party + n_org + 1)])
    counters.party += n_org
    trades = trade_names(rng, n_org)
    nums = rng.integers(1, 9, size=n_org).tolist()
    org_names = []
    for j, d in enumerate(org_d.tolist()):
        kind = _RESP_KINDS[int(resp[d])]
        dn = dnames[int(district[d])]
        if kind == "hospital":
            org_names.append(
                f"{dn}第{'一二三四五六七八'[nums[j] - 1]}人民医院"
                if nums[j] < 4
                else f"{dn}{city.street_name[int(street[d])]}社区卫生服务中心"
            )
        elif kind == "school":
            org_names.append(
                f"{dn}{trades[j]}小学" if nums[j] < 5 else f"临江{trades[j]}教育培训学校"
            )
        else:
            org_names.append(
                f"{dn}{city.street_name[int(street[d])]}"
                + ("人民政府" if city.street_name[int(street[d])][-1] in "镇乡" else "办事处")
            )
    org_cc = credit_codes(
        rng,
        [city.districts[int(district[d])][1] for d in org_d.tolist()],
        ["11" if resp[d] == _RESP_KINDS.index("gov") else "12" for d in org_d.tolist()],
    )
    parties["id"] += org_ids.tolist()
    parties["kind"] += ["organization"] * n_org
    parties["name"] += org_names
    parties["id_number"] += org_cc
    parties["phone"] += ["" for _ in range(n_org)]
    parties["district"] += [dnames[int(district[d])] for d in org_d.tolist()]
    parties["tags"] += ["" for _ in range(n_org)]
    name_of.update(zip(org_ids.tolist(), org_names, strict=True))

    # ---- employers: fresh respondents, some shared by a group of disputes --------
    emp_resp_codes = [_RESP_KINDS.index(k) for k in ("developer", "wage", "company", "cooperative")]
    emp_d = np.flatnonzero(np.isin(resp, emp_resp_codes))
    owner = np.arange(len(emp_d))
    groupable = np.flatnonzero(
        np.isin(
            cat[emp_d],
            [CATEGORIES.index(c) for c in ("wage_arrears", "labor_contract", "consumer")],
        )
    )
    n_groups = len(groupable) // 60
    if n_groups:
        order = rng.permutation(groupable)
        sizes = rng.integers(3, 11, size=n_groups)
        pos = 0
        for g in range(n_groups):
            members = order[pos : pos + int(sizes[g])]
            pos += int(sizes[g])
            if len(members) > 1:
                owner[members[1:]] = members[0]
    heads = np.flatnonzero(owner == np.arange(len(emp_d)))
    emp_kind: list[str] = []
    for d in emp_d[heads].tolist():
        k = _RESP_KINDS[int(resp[d])]
        if k == "wage":
            emp_kind.append(_WAGE_KINDS[int(rng.choice(3, p=[0.5, 0.2, 0.3]))])
        else:
            emp_kind.append(k)
    head_d = emp_d[heads]
    e_regions = [city.districts[int(district[d])][1] for d in head_d.tolist()]
    e_names = company_names(
        rng, emp_kind, used_names, [city.comm_name[int(comm[d])][:-1] for d in head_d.tolist()]
    )
    e_ids = [f"E{i:08d}" for i in range(counters.employer + 1, counters.employer + len(heads) + 1)]
    counters.employer += len(heads)
    head_slot = np.full(len(emp_d), -1)
    head_slot[heads] = np.arange(len(heads))
    emp_of_slot = head_slot[owner]
    emp_id_of_d = np.full(n, "", dtype=object)
    emp_id_of_d[emp_d] = np.asarray(e_ids, dtype=object)[emp_of_slot] if len(e_ids) else []
    employers = out["employers"]
    employers["id"] = list(e_ids)
    employers["name"] = e_names
    employers["credit_code"] = credit_codes(
        rng, e_regions, ["93" if k == "cooperative" else "91" for k in emp_kind]
    )
    employers["kind"] = emp_kind
    employers["industry"] = [_INDUSTRY.get(k, "其他") for k in emp_kind]
    employers["district"] = [dnames[int(district[d])] for d in head_d.tolist()]
    name_of.update(zip(e_ids, e_names, strict=True))
    kind_of = dict(zip(e_ids, emp_kind, strict=True))
    mgr_ids = city.employers["id"]
    mgr_names = city.employers["name"]

    # contractor chains above labour teams and subcontractors owed wages
    contracts = out["contracts"]
    props = out["properties"]
    projects: dict[int, str] = {}  # dispute -> project property id
    extra_kind: list[str] = []
    extra_region: list[str] = []
    extra_district: list[str] = []
    chains: list[
        tuple[str, int, list[int]]
    ] = []  # (bottom employer id, dispute, new employer slots)
    for h in heads.tolist():
        eid = e_ids[int(head_slot[h])]
        d = int(emp_d[h])
        if kind_of[eid] not in ("labour_team", "subcontractor") or rng.random() > 0.7:
            continue
        tiers = ["general_contractor"]
        if kind_of[eid] == "labour_team" and rng.random() < 0.5:
            tiers.insert(0, "subcontractor")
        if rng.random() < 0.4:
            tiers.append("developer")
        slots = []
        for k in tiers:
            slots.append(len(extra_kind))
            extra_kind.append(k)
            extra_region.append(city.districts[int(district[d])][1])
            extra_district.append(dnames[int(district[d])])
        chains.append((eid, d, slots))
    x_names = company_names(rng, extra_kind, used_names)
    x_ids = [
        f"E{i:08d}" for i in range(counters.employer + 1, counters.employer + len(extra_kind) + 1)
    ]
    counters.employer += len(extra_kind)
    employers["id"] += x_ids
    employers["name"] += x_names
    employers["credit_code"] += credit_codes(rng, extra_region)
    employers["kind"] += extra_kind
    employers["industry"] += [_INDUSTRY[k] for k in extra_kind]
    employers["district"] += extra_district
    proj_words = ("安置房", "人才公寓", "商业综合体", "厂房", "学校", "道路", "保障房", "产业园")
    for j, (eid, d, slots) in enumerate(chains):
        pid = f"PR{counters.prop + 1:08d}"
        counters.prop += 1
        projects[d] = pid
        c = int(comm[d])
        s = city.comm_street[c]
        pname = (
            f"{_short(city.street_name[s])}{proj_words[j % len(proj_words)]}{'一二三'[j % 3]}期工程"
        )
        props["id"].append(pid)
        props["kind"].append("construction_project")
        props["name"].append(pname)
        props["address"].append(f"{dnames[int(district[d])]}{city.street_name[s]}{pname}")
        props["district"].append(dnames[int(district[d])])
        props["street"].append(city.street_name[s])
        props["grid"].append(city.grid_name[int(grid[d])])
        props["built_year"].append("")
        props["lat"].append(f"{city.comm_lat[c] + 0.003:.6f}")
        props["lon"].append(f"{city.comm_lon[c] - 0.003:.6f}")
        props["part_of"].append("")
        since = iso_dates(np.array([reported[d] - int(rng.integers(200, 700)) * DAY]))[0]
        below = eid
        for slot in slots:
            above = x_ids[slot]
            contracts["contractor_id"].append(above)
            contracts["subcontractor_id"].append(below)
            contracts["project_id"].append(pid)
            contracts["since"].append(since)
            contracts["until"].append("")
            below = above

    # ---- disputes table ----------------------------------------------------
    d_ids = np.array([f"D{i:08d}" for i in range(counters.dispute + 1, counters.dispute + n + 1)])
    counters.dispute += n
    first_app = np.cumsum(n_app) - n_app
    app_first_name = [name_of[x] for x in app_ids[first_app].tolist()]
    resp_name = np.full(n, "", dtype=object)
    resp_name[resp_person] = [name_of[x] for x in resp_person_ids.tolist()]
    resp_name[org_d] = org_names
    resp_name[emp_d] = [name_of[x] for x in emp_id_of_d[emp_d].tolist()]
    mgr_mask = resp == _RESP_KINDS.index("manager")
    resp_name[mgr_mask] = [mgr_names[int(m)] for m in manager[mgr_mask].tolist()]
    resp_name[resp == _RESP_KINDS.index("none")] = "相关单位"
    prop_name = [city.properties["name"][p] if p >= 0 else "" for p in prop_index.tolist()]
    xq_name = [
        city.properties["name"][city.xq_prop[x]] if not r else city.comm_name[c]
        for x, r, c in zip(xq.tolist(), is_rural.tolist(), comm.tolist(), strict=True)
    ]
    tpl_pick = rng.integers(0, 4, size=n).tolist()
    titles = []
    for i in range(n):
        cname = CATEGORIES[int(cat[i])]
        pats = _TITLES[cname]
        p = prop_name[i] or xq_name[i]
        titles.append(
            pats[tpl_pick[i] % len(pats)].format(
                a=app_first_name[i], r=resp_name[i], p=p, c=city.comm_name[int(comm[i])]
            )
        )

    # hand-off chains: template per dispute, expanded with array operations
    handler = np.array([templates.handlers.index(_CATS[c][6]) for c in range(len(CATEGORIES))])[cat]
    tpl = templates.index(channel, handler, status)
    length = templates.length[tpl]
    width = templates.role.shape[1]
    valid = np.arange(width)[None, :] < length[:, None]
    # durations are office time (08:00-18:00 local): a step of "d days" takes d working
    # windows, and every hand-off falls in office hours
    dur = templates.mean[tpl] * rng.gamma(2.0, 0.5, size=(n, width)) * _WORK
    dur = np.where(valid, dur, 0.0)
    open_last = templates.open_last[tpl]
    last_idx = length - 1
    completed = dur.copy()
    completed[open_last, last_idx[open_last]] = 0.0
    total = completed.sum(axis=1)
    w0 = _to_work(reported)
    available = _to_work(np.full(n, now)) - w0
    scale = np.minimum(1.0, 0.93 * available / np.maximum(total, 1.0))
    completed = completed * scale[:, None]
    ends_rel = np.cumsum(completed, axis=1).astype(np.int64)
    starts_rel = ends_rel - completed.astype(np.int64)
    started = np.maximum(_from_work(w0[:, None] + starts_rel), reported[:, None])
    ended = np.maximum(_from_work(w0[:, None] + ends_rel), started)
    is_open_step = np.zeros((n, width), dtype=bool)
    is_open_step[open_last, last_idx[open_last]] = True
    due_days = templates.due[tpl]
    has_due = ~np.isnan(due_days)
    due = started + np.nan_to_num(due_days * DAY).astype(np.int64)
    status_name = np.asarray(STATUSES)[status]
    closed_status = ~np.isin(status_name, list(OPEN_STATUSES))
    closed_at = ended[np.arange(n), last_idx]

    disputes = out["disputes"]
    disputes["id"] = d_ids.tolist()
    disputes["title"] = titles
    disputes["category"] = np.asarray(CATEGORIES)[cat].tolist()
    disputes["status"] = status_name.tolist()
    disputes["reported_at"] = iso_times(reported)
    disputes["closed_at"] = iso_times(closed_at, ~closed_status)
    disputes["channel"] = np.asarray(CHANNELS)[channel].tolist()
    disputes["headcount"] = [str(h) for h in headcount.tolist()]
    disputes["amount_yuan"] = _fmt_amount(amount, has_amount)
    disputes["district"] = [dnames[d] for d in district.tolist()]
    disputes["street"] = [city.street_name[s] for s in street.tolist()]
    disputes["grid"] = [city.grid_name[g] for g in grid.tolist()]
    disputes["description"] = [_DESCR[CATEGORIES[c]] for c in cat.tolist()]
    disputes["source"] = _SOURCES[channel].tolist()

    # handlings
    rows, steps = np.nonzero(valid)
    role = templates.role[tpl[rows], steps]
    agency = np.empty(len(rows), dtype=object)
    level_index = {"grid": grid, "community": comm, "street": street, "district": district}
    from disputegraph.synthetic.city import AGENCY_ROLES

    for r_i, r_name in enumerate(templates.roles):
        m = role == r_i
        if not m.any():
            continue
        lvl = AGENCY_ROLES[r_name][0]
        ids = city.agency_of[r_name]
        agency[m] = ids[level_index[lvl][rows[m]]] if lvl in level_index else ids[0]
    hd = out["handlings"]
    hd["dispute_id"] = d_ids[rows].tolist()
    hd["seq"] = [str(s) for s in steps.tolist()]
    hd["agency_id"] = agency.tolist()
    hd["action"] = np.asarray(ACTIONS)[templates.action[tpl[rows], steps]].tolist()
    hd["started_at"] = iso_times(started[rows, steps])
    hd["ended_at"] = iso_times(ended[rows, steps], is_open_step[rows, steps])
    hd["due_at"] = iso_times(due[rows, steps], ~has_due[rows, steps])
    hd["role"] = np.where(templates.lead[tpl[rows], steps], "lead", "co").tolist()
    hd["outcome"] = np.asarray(OUTCOMES)[templates.outcome[tpl[rows], steps]].tolist()
    hd["note"] = [""] * len(rows)

    # ---- involvements, properties, ties, employments ----------------------
    inv = out["involvements"]
    inv["dispute_id"] = d_ids[app_d].tolist()
    inv["stakeholder_id"] = app_ids.tolist()
    inv["role"] = np.where(app_k == 0, "applicant", "co_applicant").tolist()
    inv["dispute_id"] += d_ids[resp_person].tolist()
    inv["stakeholder_id"] += resp_person_ids.tolist()
    inv["role"] += ["respondent"] * len(resp_person)
    inv["dispute_id"] += d_ids[fam].tolist()
    inv["stakeholder_id"] += fam_ids.tolist()
    inv["role"] += ["family_member"] * len(fam)
    inv["dispute_id"] += d_ids[org_d].tolist()
    inv["stakeholder_id"] += org_ids.tolist()
    inv["role"] += ["respondent"] * n_org
    inv["dispute_id"] += d_ids[emp_d].tolist()
    inv["stakeholder_id"] += emp_id_of_d[emp_d].tolist()
    inv["role"] += ["respondent"] * len(emp_d)
    md = np.flatnonzero(mgr_mask)
    inv["dispute_id"] += d_ids[md].tolist()
    inv["stakeholder_id"] += [mgr_ids[int(m)] for m in manager[md].tolist()]
    inv["role"] += ["respondent"] * len(md)

    dp = out["dispute_properties"]
    hp = np.flatnonzero(has_prop)
    dp["dispute_id"] = d_ids[hp].tolist()
    dp["property_id"] = [city.prop_ids[p] for p in prop_index[hp].tolist()]
    proj_d = sorted(projects)
    dp["dispute_id"] += d_ids[proj_d].tolist()
    dp["property_id"] += [projects[d] for d in proj_d]

    ties = out["property_ties"]
    # applicants of unit/building disputes live in (or own) the unit; a neighbour respondent nearby
    home = has_prop & np.isin(pk, [2, 3])
    home_app = home[app_d] & fresh_app
    rel = np.asarray(("owner", "resident", "tenant"))[
        rng.choice(3, size=len(app_d), p=[0.6, 0.3, 0.1])
    ]
    ties["stakeholder_id"] = app_ids[home_app].tolist()
    ties["property_id"] = [city.prop_ids[city.u_prop[u]] for u in unit[app_d[home_app]].tolist()]
    ties["relation"] = rel[home_app].tolist()
    rp = resp_person[home[resp_person]]
    ties["stakeholder_id"] += resp_person_ids[home[resp_person]].tolist()
    ties["property_id"] += [city.prop_ids[city.u_prop[u]] for u in unit2[rp].tolist()]
    ties["relation"] += ["owner"] * len(rp)
    land = has_prop & (pk == 4)
    land_app = land[app_d] & fresh_app
    ties["stakeholder_id"] += app_ids[land_app].tolist()
    ties["property_id"] += [city.prop_ids[p] for p in prop_index[app_d[land_app]].tolist()]
    ties["relation"] += ["owner"] * int(land_app.sum())
    coop_d = emp_d[(cat[emp_d] == CATEGORIES.index("land_transfer")) & has_prop[emp_d]]
    ties["stakeholder_id"] += emp_id_of_d[coop_d].tolist()
    ties["property_id"] += [city.prop_ids[p] for p in prop_index[coop_d].tolist()]
    ties["relation"] += ["lessee"] * len(coop_d)
    dev_d = emp_d[(cat[emp_d] == CATEGORIES.index("housing_delivery_quality")) & ~is_rural[emp_d]]
    ties["stakeholder_id"] += emp_id_of_d[dev_d].tolist()
    ties["property_id"] += [city.prop_ids[city.xq_prop[x]] for x in xq[dev_d].tolist()]
    ties["relation"] += ["developer"] * len(dev_d)

    emp = out["employments"]
    labour = np.isin(
        cat, [CATEGORIES.index("wage_arrears"), CATEGORIES.index("labor_contract")]
    ) & np.isin(resp, emp_resp_codes)
    la = labour[app_d] & fresh_app
    since = reported[app_d[la]] - rng.integers(60, 1000, size=int(la.sum())) * DAY
    left = rng.random(int(la.sum())) < 0.45
    until = reported[app_d[la]] - rng.integers(0, 50, size=int(la.sum())) * DAY
    until = np.maximum(until, since)
    emp["party_id"] = app_ids[la].tolist()
    emp["employer_id"] = emp_id_of_d[app_d[la]].tolist()
    emp["since"] = iso_dates(since)
    emp["until"] = iso_dates(until, ~left)

    # ---- reports: the first contact, plus repeat contacts for some ------------
    petition = np.isin(
        channel,
        [CHANNELS.index(c) for c in ("petition_letter", "petition_visit", "petition_online")],
    )
    lam = 0.12 + 0.5 * (is_open & (age_days > 30)) + 0.6 * petition + 0.8 * reuse
    extra = np.minimum(rng.poisson(lam), 8)
    n_rep = 1 + extra
    r_d = np.repeat(np.arange(n), n_rep)
    r_k = np.arange(len(r_d)) - np.repeat(np.cumsum(n_rep) - n_rep, n_rep)
    end = np.where(closed_status, closed_at, now - 60)
    span = np.maximum(end - reported, 60)
    r_time = np.where(
        r_k == 0, reported[r_d], reported[r_d] + (rng.random(len(r_d)) * span[r_d]).astype(np.int64)
    )
    repeat_ch = np.asarray(
        [
            CHANNELS.index(c)
            for c in (
                "hotline_12345",
                "petition_online",
                "petition_visit",
                "walk_in",
                "hotline_12345",
            )
        ]
    )
    r_ch = np.where(
        r_k == 0,
        channel[r_d],
        np.where(
            rng.random(len(r_d)) < 0.3,
            channel[r_d],
            repeat_ch[rng.choice(5, size=len(r_d), p=[0.5, 0.15, 0.05, 0.1, 0.2])],
        ),
    )
    anonymous_ch = np.isin(
        r_ch,
        [
            CHANNELS.index(c)
            for c in (
                "grid_report",
                "proactive_screening",
                "online_sentiment",
                "leader_instruction",
                "other_department",
            )
        ],
    )
    r_rep = np.where(anonymous_ch, "", app_ids[first_app[r_d]])
    n_r = len(r_d)
    reports = out["reports"]
    reports["id"] = [f"R{i:09d}" for i in range(counters.report + 1, counters.report + n_r + 1)]
    counters.report += n_r
    reports["dispute_id"] = d_ids[r_d].tolist()
    reports["channel"] = np.asarray(CHANNELS)[r_ch].tolist()
    reports["received_at"] = iso_times(r_time)
    reports["reporter_id"] = r_rep.tolist()

    # ---- links: group members, duplicates within a compound --------------------
    links = out["dispute_links"]
    if n_groups:
        same = np.flatnonzero(owner != np.arange(len(emp_d)))
        keep = same[rng.random(len(same)) < 0.4]
        links["dispute_id"] += d_ids[emp_d[keep]].tolist()
        links["other_id"] += d_ids[emp_d[owner[keep]]].tolist()
        links["reason"] += ["same_incident"] * len(keep)
    key = comm * 100 + cat
    order = np.lexsort((reported, key))
    adj = (
        np.flatnonzero((key[order][1:] == key[order][:-1]) & (rng.random(n - 1) < 0.04))
        if n > 1
        else np.zeros(0, np.int64)
    )
    later, earlier = order[adj + 1], order[adj]
    reasons = np.where(
        status[earlier] == STATUSES.index("rebounded"),
        "rebound",
        np.where(rng.random(len(adj)) < 0.5, "duplicate", "follow_up"),
    )
    links["dispute_id"] += d_ids[later].tolist()
    links["other_id"] += d_ids[earlier].tolist()
    links["reason"] += reasons.tolist()
    return out
