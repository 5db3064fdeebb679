"""Enumerations with zh-CN and English display labels.

Codes are English ``snake_case``; every member carries ``zh`` and ``en`` labels.
Parsing accepts the code, either label and a few common synonyms, so a source
file may say ``wage_arrears``, ``欠薪`` or ``Wage arrears``::

    >>> Category.parse("欠薪") is Category.WAGE_ARREARS
    True
    >>> Category.WAGE_ARREARS.label("en")
    'Wage arrears'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Literal, NamedTuple, Self

__all__ = [
    "Action",
    "AgencyKind",
    "AgencyLevel",
    "Category",
    "Channel",
    "EmployerKind",
    "HandlingRole",
    "LabeledEnum",
    "Lang",
    "LinkReason",
    "MentionKind",
    "NodeLabel",
    "OpenHistory",
    "PartyKind",
    "PartyRole",
    "PropertyKind",
    "PropertyRelation",
    "RelType",
    "RiskLevel",
    "Status",
    "open_at",
]

Lang = Literal["zh", "en"]


def _fold(text: str) -> str:
    """Case-, width- and separator-insensitive key for label lookup."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return "".join(ch for ch in text if ch not in " _-/·、")


class LabeledEnum(StrEnum):
    """A string enum whose members carry zh-CN and English labels and synonyms."""

    zh: str
    en: str
    synonyms: tuple[str, ...]
    _lookup: ClassVar[dict[str, Any]]

    def __new__(cls, value: str, zh: str = "", en: str = "", *synonyms: str) -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh or value
        obj.en = en or value.replace("_", " ").capitalize()
        obj.synonyms = synonyms
        return obj

    def label(self, lang: Lang = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def _table(cls) -> dict[str, Self]:
        table: dict[str, Self] | None = cls.__dict__.get("_lookup_cache")
        if table is None:
            table = {}
            for member in cls:
                for key in (member.value, member.zh, member.en, *member.synonyms):
                    table.setdefault(_fold(key), member)
            type.__setattr__(cls, "_lookup_cache", table)
        return table

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if isinstance(value, str):
            return cls._table().get(_fold(value))
        return None

    @classmethod
    def parse(cls, text: str) -> Self:
        """The member for a code, label or synonym; ``ValueError`` naming the choices."""
        member = cls._missing_(text) if isinstance(text, str) else None
        if member is None:
            raise ValueError(f"{text!r} is not a {cls.__name__}; expected one of {cls.codes()}")
        return member

    @classmethod
    def codes(cls) -> list[str]:
        return [m.value for m in cls]

    @classmethod
    def all_labels(cls) -> list[str]:
        """Every accepted spelling (for suggestions)."""
        return [k for m in cls for k in (m.value, m.zh, m.en, *m.synonyms)]


class Category(LabeledEnum):
    PROPERTY_MANAGEMENT = (
        "property_management",
        "物业",
        "Property management",
        "物业纠纷",
        "物业服务",
    )
    ELEVATOR_RETROFIT = "elevator_retrofit", "加装电梯", "Elevator retrofit", "电梯加装"
    OLD_COMMUNITY_RENOVATION = (
        "old_community_renovation",
        "老旧小区改造",
        "Old-community renovation",
    )
    HOUSING_DELIVERY_QUALITY = (
        "housing_delivery_quality",
        "房屋交付质量",
        "Housing delivery and quality",
        "房屋质量",
        "交房纠纷",
    )
    NEIGHBOR = "neighbor", "邻里", "Neighbour", "邻里纠纷", "neighbour"
    NOISE = "noise", "噪音", "Noise", "噪声", "噪音扰民"
    MARRIAGE_FAMILY = (
        "marriage_family",
        "婚姻家庭",
        "Marriage and family",
        "婚姻家庭纠纷",
        "家庭纠纷",
    )
    INHERITANCE_SUPPORT = (
        "inheritance_support",
        "继承赡养抚养",
        "Inheritance and support",
        "赡养",
        "继承",
    )
    WAGE_ARREARS = (
        "wage_arrears",
        "欠薪",
        "Wage arrears",
        "拖欠工资",
        "劳动争议",
        "欠薪纠纷",
        "农民工欠薪",
    )
    LABOR_CONTRACT = (
        "labor_contract",
        "劳动合同",
        "Labour contract",
        "labour_contract",
        "劳动合同纠纷",
    )
    LAND_TRANSFER = "land_transfer", "土地流转", "Land transfer", "土地流转纠纷"
    LAND_CONTRACT = "land_contract", "土地承包", "Land contract", "土地承包纠纷"
    HOMESTEAD = "homestead", "宅基地", "Homestead", "宅基地纠纷"
    LAND_REQUISITION_DEMOLITION = (
        "land_requisition_demolition",
        "征地拆迁",
        "Land requisition and demolition",
        "拆迁",
        "征地",
    )
    PRIVATE_LENDING = "private_lending", "民间借贷", "Private lending", "借贷"
    CONSUMER = "consumer", "消费", "Consumer", "消费纠纷"
    MEDICAL = "medical", "医疗", "Medical", "医患纠纷", "医疗纠纷"
    TRAFFIC = "traffic", "交通事故", "Traffic accident", "交通"
    ENVIRONMENT = "environment", "环境", "Environment", "环境污染"
    EDUCATION = "education", "教育", "Education"
    INVESTMENT_FRAUD = (
        "investment_fraud",
        "涉众投资",
        "Mass investment fraud",
        "非法集资",
        "涉众型经济",
    )
    OTHER = "other", "其他", "Other", "其它"


class Status(LabeledEnum):
    REPORTED = "reported", "登记", "Reported", "已登记"
    ACCEPTED = "accepted", "受理", "Accepted", "已受理"
    NOT_ACCEPTED = "not_accepted", "不予受理", "Not accepted"
    IN_MEDIATION = "in_mediation", "调解中", "In mediation", "化解中", "办理中"
    RESOLVED = "resolved", "化解", "Resolved", "已化解", "调解成功"
    FAILED = "failed", "调解不成", "Mediation failed", "调解失败"
    LITIGATED = "litigated", "转诉讼/仲裁", "Sent to litigation/arbitration", "转诉讼", "转仲裁"
    CLOSED = "closed", "办结", "Closed", "已办结"
    REBOUNDED = "rebounded", "反弹", "Rebounded"
    WITHDRAWN = "withdrawn", "撤回", "Withdrawn", "撤诉"

    @property
    def is_open(self) -> bool:
        """Still needs work: not resolved, closed, withdrawn or refused."""
        return self in _OPEN_STATUSES


_OPEN_STATUSES = frozenset(
    {
        Status.REPORTED,
        Status.ACCEPTED,
        Status.IN_MEDIATION,
        Status.FAILED,
        Status.REBOUNDED,
        Status.LITIGATED,
    }
)

#: hand-off actions after which a dispute is settled (no longer open)
SETTLING_ACTIONS = frozenset({"resolved", "closed"})
#: hand-off actions that leave it as it was (a call-back after settling)
NEUTRAL_ACTIONS = frozenset({"followed_up"})


def _status_open(status: object) -> bool:
    try:
        return Status(str(status)).is_open
    except ValueError:
        return False  # an unknown status is not counted as open


class OpenHistory(NamedTuple):
    """When a dispute was open, from its status today, ``closed_at`` and hand-offs.

    The one rule for "open at the as-of date" (:meth:`at`; :func:`open_at` for a
    single call); the dashboard, the briefing pack and the analysis all use it:

    1. Not reported by the end of the as-of day (or no report time): not open.
    2. The dated events are the hand-off steps (``HANDLED_BY``: action and
       ``started_at``, in ``seq`` order) and, when the status today is not open,
       ``closed_at`` (the closure of today's status; when the status today is
       open a ``closed_at`` is an earlier closure since reopened, at a date not
       known, and is left out). A ``resolved`` or ``closed`` step settles the
       dispute, a ``followed_up`` step leaves it as it was, any other step
       (received, assigned, mediated, …) has it worked on, so open again.
       ``closed_at`` settles it.
    3. When a dated event falls after the as-of day, the state after the last
       event on or before that day is the state then (open since the report when
       there is none). So a dispute closed today with ``closed_at`` after as_of
       was open at as_of; but one whose ``resolved`` (化解) or ``closed`` step
       came before as_of was settled at as_of even if ``closed_at`` is later (the
       status then was resolved/closed, which :attr:`Status.is_open` does not
       count as open); a dispute rebounded today whose ``resolved`` step came
       before as_of and whose reopening step came after it was not open then.
    4. When no dated event falls after the as-of day, today's status decides:
       whatever changed it last happened by then or at a date not known (a
       closure without ``closed_at`` and without a settling step counts as
       before as_of, as it always did).

    Days are compared in the time zone each timestamp carries (the city's for
    loaded data), the as-of day included (an event on the as-of day happened by
    then).

    >>> from datetime import date, datetime
    >>> h = OpenHistory.of(datetime(2025, 11, 1), "closed", datetime(2025, 12, 20))
    >>> h.at(date(2025, 12, 1)), h.at(date(2026, 1, 1)), h.at(date(2025, 10, 1))
    (True, False, False)
    """

    reported_at: datetime | None
    #: (when, open from then) at each change of state, in time order
    changes: tuple[tuple[datetime, bool], ...]
    #: the last dated event (None without any)
    last_event: datetime | None
    #: open by today's status
    open_now: bool

    @classmethod
    def of(
        cls,
        reported_at: datetime | None,
        status: object,
        closed_at: datetime | None = None,
        steps: Iterable[tuple[object, datetime | None]] = (),
    ) -> OpenHistory:
        """The history of one dispute; ``steps`` are ``(action, started_at)`` in
        ``seq`` order (undated steps are left out)."""
        open_now = _status_open(status)
        events: list[tuple[datetime, bool | None]] = []
        for action, started in steps:
            if started is None:
                continue
            code = str(action)
            kept = code in NEUTRAL_ACTIONS
            events.append((started, None if kept else code not in SETTLING_ACTIONS))
        if closed_at is not None and not open_now:
            events.append((closed_at, False))
        events.sort(key=lambda e: e[0])  # stable: steps of one moment stay in seq order
        changes: list[tuple[datetime, bool]] = []
        state = True
        for when, is_open in events:
            if is_open is not None and is_open != state:
                changes.append((when, is_open))
                state = is_open
        last = events[-1][0] if events else None
        return cls(reported_at, tuple(changes), last, open_now)

    def at(self, as_of: date) -> bool:
        """Open at the end of the ``as_of`` day (see the class doc)."""
        if self.reported_at is None or self.reported_at.date() > as_of:
            return False
        if self.last_event is None or self.last_event.date() <= as_of:
            return self.open_now
        state = True
        for when, is_open in self.changes:
            if when.date() > as_of:
                break
            state = is_open
        return state


def open_at(
    as_of: date,
    reported_at: datetime | None,
    status: object,
    closed_at: datetime | None = None,
    steps: Iterable[tuple[object, datetime | None]] = (),
) -> bool:
    """Whether a dispute was open at the end of the ``as_of`` day: the rule of
    :class:`OpenHistory`, for one call."""
    return OpenHistory.of(reported_at, status, closed_at, steps).at(as_of)


class Channel(LabeledEnum):
    GRID_REPORT = "grid_report", "网格员上报", "Grid worker report", "网格上报"
    HOTLINE_12345 = "hotline_12345", "12345热线", "12345 hotline", "12345", "热线"
    POLICE_110 = "police_110", "110非警务警情", "110 non-police call", "110"
    PETITION_LETTER = "petition_letter", "来信", "Petition letter", "信访来信"
    PETITION_VISIT = "petition_visit", "来访", "Petition visit", "信访来访", "上访"
    PETITION_ONLINE = "petition_online", "网上信访", "Online petition"
    WALK_IN = "walk_in", "矛调中心来访", "Walk-in at the governance centre", "来访登记"
    COURT_PRE_LITIGATION = (
        "court_pre_litigation",
        "诉前调解",
        "Court pre-litigation mediation",
        "诉调对接",
    )
    WOMENS_FEDERATION = "womens_federation", "妇联", "Women's federation"
    LABOUR_INSPECTION = (
        "labour_inspection",
        "劳动监察/欠薪线索",
        "Labour inspection lead",
        "劳动监察",
    )
    TRADE_UNION = "trade_union", "工会", "Trade union"
    PROACTIVE_SCREENING = "proactive_screening", "排查", "Proactive screening", "矛盾排查"
    ONLINE_SENTIMENT = "online_sentiment", "舆情", "Online sentiment"
    LEADER_INSTRUCTION = "leader_instruction", "领导批办", "Leader's instruction"
    OTHER_DEPARTMENT = "other_department", "部门移交", "Other department", "其他部门"
    OTHER = "other", "其他", "Other", "其它"

    @property
    def is_petition(self) -> bool:
        return self in (Channel.PETITION_LETTER, Channel.PETITION_VISIT, Channel.PETITION_ONLINE)


class PartyRole(LabeledEnum):
    """A party's role in a dispute (not an account role: that is ``users.Role``)."""

    APPLICANT = "applicant", "申请人", "Applicant", "当事人"
    CO_APPLICANT = "co_applicant", "共同申请人", "Co-applicant"
    RESPONDENT = "respondent", "被申请人", "Respondent", "对方当事人", "被投诉人"
    REPRESENTATIVE = "representative", "代表人", "Representative"
    THIRD_PARTY = "third_party", "第三人", "Third party"
    FAMILY_MEMBER = "family_member", "家属", "Family member"
    VICTIM = "victim", "受害人", "Victim"


class PartyKind(LabeledEnum):
    PERSON = "person", "自然人", "Person", "个人"
    ORGANIZATION = "organization", "组织", "Organisation", "organisation", "单位", "法人"


class EmployerKind(LabeledEnum):
    DEVELOPER = "developer", "开发商", "Developer"
    GENERAL_CONTRACTOR = "general_contractor", "总承包", "General contractor", "总包"
    SUBCONTRACTOR = "subcontractor", "分包", "Subcontractor", "分包商"
    LABOUR_TEAM = "labour_team", "劳务班组", "Labour team", "包工头", "班组"
    PROPERTY_MANAGER = "property_manager", "物业公司", "Property manager"
    COMPANY = "company", "企业", "Company", "公司"
    COOPERATIVE = "cooperative", "合作社", "Cooperative"
    OTHER = "other", "其他", "Other"


class PropertyKind(LabeledEnum):
    RESIDENTIAL_COMMUNITY = "residential_community", "小区", "Residential community", "社区"
    BUILDING = "building", "楼栋", "Building", "楼"
    UNIT = "unit", "单元", "Unit"
    LAND_PARCEL = "land_parcel", "地块", "Land parcel", "宗地"
    VILLAGE = "village", "村", "Village", "行政村"
    CONSTRUCTION_PROJECT = "construction_project", "工程项目", "Construction project", "项目"
    COMMERCIAL = "commercial", "商业", "Commercial"


class AgencyKind(LabeledEnum):
    GRID_STATION = "grid_station", "网格站", "Grid station"
    VILLAGE_RESIDENTS_COMMITTEE = (
        "village_residents_committee",
        "村(居)委会",
        "Village/residents' committee",
        "居委会",
        "村委会",
        "社区居委会",
    )
    STREET_TOWNSHIP_GOVERNMENT = (
        "street_township_government",
        "街道/乡镇",
        "Street/township government",
        "街道办",
        "乡镇政府",
    )
    GOVERNANCE_CENTER = (
        "governance_center",
        "综治/矛调中心",
        "Governance centre",
        "矛调中心",
        "综治中心",
    )
    POLITICAL_LEGAL_COMMITTEE = "political_legal_committee", "政法委", "Political-legal committee"
    POLICE = "police", "公安", "Police", "派出所", "公安局"
    COURT = "court", "法院", "Court", "人民法院"
    PROCURATORATE = "procuratorate", "检察院", "Procuratorate"
    JUSTICE_BUREAU = "justice_bureau", "司法局/所", "Justice bureau", "司法局", "司法所"
    PEOPLES_MEDIATION_COMMITTEE = (
        "peoples_mediation_committee",
        "人民调解委员会",
        "People's mediation committee",
        "调委会",
    )
    INDUSTRY_MEDIATION = "industry_mediation", "行业性专业性调解", "Industry mediation"
    LEGAL_AID = "legal_aid", "法律援助", "Legal aid", "法律援助中心"
    PETITION_BUREAU = "petition_bureau", "信访局", "Petition bureau", "信访办"
    HOTLINE_CENTER = "hotline_center", "12345热线中心", "Hotline centre", "热线中心"
    LABOUR_INSPECTION = "labour_inspection", "劳动监察", "Labour inspection", "劳动保障监察"
    LABOUR_ARBITRATION = (
        "labour_arbitration",
        "劳动仲裁",
        "Labour arbitration",
        "劳动人事争议仲裁院",
    )
    HOUSING_CONSTRUCTION = "housing_construction", "住建", "Housing and construction", "住建局"
    CIVIL_AFFAIRS = "civil_affairs", "民政", "Civil affairs", "民政局"
    EDUCATION = "education", "教育", "Education", "教育局"
    WOMENS_FEDERATION = "womens_federation", "妇联", "Women's federation"
    TRADE_UNION = "trade_union", "工会", "Trade union", "总工会"
    AGRICULTURE_RURAL = (
        "agriculture_rural",
        "农业农村",
        "Agriculture and rural affairs",
        "农业农村局",
    )
    NATURAL_RESOURCES = "natural_resources", "自然资源", "Natural resources", "自然资源局"
    URBAN_MANAGEMENT = "urban_management", "城管", "Urban management", "城管局"
    MARKET_REGULATION = "market_regulation", "市场监管", "Market regulation", "市场监管局"
    ECOLOGY_ENVIRONMENT = "ecology_environment", "生态环境", "Ecology and environment", "生态环境局"
    OTHER = "other", "其他", "Other"


class AgencyLevel(LabeledEnum):
    GRID = "grid", "网格", "Grid"
    COMMUNITY = "community", "社区/村", "Community", "社区", "村"
    TOWNSHIP = "township", "街道/乡镇", "Township", "街道", "乡镇"
    COUNTY = "county", "区/县", "County", "区", "县"
    CITY = "city", "市", "City"
    PROVINCE = "province", "省", "Province"

    @property
    def rank(self) -> int:
        """0 for grid up to 5 for province."""
        return list(AgencyLevel).index(self)


class Action(LabeledEnum):
    RECEIVED = "received", "登记", "Received"
    ASSIGNED = "assigned", "交办", "Assigned"
    TRANSFERRED = "transferred", "转办", "Transferred"
    SIGNED = "signed", "签收", "Signed for"
    ACCEPTED = "accepted", "受理", "Accepted"
    MEDIATED = "mediated", "调解", "Mediated"
    ESCALATED = "escalated", "上报", "Escalated"
    SUPERVISED = "supervised", "督办", "Supervised"
    RETURNED = "returned", "退回", "Returned"
    RESOLVED = "resolved", "化解", "Resolved"
    CLOSED = "closed", "办结", "Closed"
    FOLLOWED_UP = "followed_up", "回访", "Followed up"


class HandlingRole(LabeledEnum):
    LEAD = "lead", "主办", "Lead"
    CO = "co", "协办", "Co-handler"


class PropertyRelation(LabeledEnum):
    RESIDENT = "resident", "居住", "Resident"
    OWNER = "owner", "业主", "Owner"
    TENANT = "tenant", "租户", "Tenant"
    MANAGER = "manager", "物业管理", "Manager"
    DEVELOPER = "developer", "开发", "Developer"
    LESSEE = "lessee", "承租经营", "Lessee", "流转承租"

    @property
    def rel_type(self) -> RelType:
        return _TIE_TYPES[self]


class LinkReason(LabeledEnum):
    SAME_INCIDENT = "same_incident", "同一事件", "Same incident"
    FOLLOW_UP = "follow_up", "后续", "Follow-up"
    REBOUND = "rebound", "反弹", "Rebound"
    DUPLICATE = "duplicate", "重复", "Duplicate"


class MentionKind(LabeledEnum):
    """What a name found in a dispute's text stands for (:mod:`disputegraph.ingest.extract`)."""

    ORGANIZATION = "organization", "单位", "Organisation", "organisation", "企业"
    RESIDENTIAL_COMMUNITY = "residential_community", "小区/楼盘", "Residential compound", "小区"
    BUILDING = "building", "楼栋/单元", "Building", "楼栋"
    VILLAGE = "village", "村", "Village", "行政村"
    VILLAGE_GROUP = "village_group", "村民小组", "Village group", "组"
    CONSTRUCTION_PROJECT = (
        "construction_project",
        "工程项目",
        "Construction project",
        "项目",
    )
    DIVISION = "division", "行政区划", "Administrative division", "区划"

    @property
    def node_label(self) -> NodeLabel | None:
        """The label of the node a mention of this kind links to (``None``: no node)."""
        if self is MentionKind.DIVISION:
            return None
        return NodeLabel.EMPLOYER if self is MentionKind.ORGANIZATION else NodeLabel.PROPERTY

    @property
    def property_kind(self) -> PropertyKind | None:
        """The kind of the property a new mentioned place gets."""
        return _MENTION_PROPERTY_KIND.get(self)


class RiskLevel(LabeledEnum):
    RED = "red", "红色(I级 特别重大)", "Red (I, extremely serious)"
    ORANGE = "orange", "橙色(II级 重大)", "Orange (II, serious)"
    YELLOW = "yellow", "黄色(III级 较大)", "Yellow (III, significant)"
    BLUE = "blue", "蓝色(IV级 一般)", "Blue (IV, general)"
    NONE = "none", "无", "None"

    @property
    def rank(self) -> int:
        """4 for red down to 0 for none."""
        return 4 - list(RiskLevel).index(self)


class NodeLabel(LabeledEnum):
    """Graph node labels. Every node also carries :attr:`ENTITY`."""

    DISPUTE = "Dispute", "纠纷", "Dispute"
    PARTY = "Party", "当事人", "Party"
    EMPLOYER = "Employer", "用工单位", "Employer"
    PROPERTY = "Property", "房地产/地块", "Property"
    AGENCY = "Agency", "责任单位", "Agency"
    REPORT = "Report", "来源诉求", "Report"
    ENTITY = "Entity", "实体", "Entity"


class RelType(LabeledEnum):
    """Graph relationship types."""

    PARTY_TO = "PARTY_TO", "涉及", "Party to"
    CONCERNS = "CONCERNS", "关联房产", "Concerns"
    EMPLOYED_BY = "EMPLOYED_BY", "受雇于", "Employed by"
    SUBCONTRACTOR_OF = "SUBCONTRACTOR_OF", "分包自", "Subcontractor of"
    RESIDES_AT = "RESIDES_AT", "居住于", "Resides at"
    OWNS = "OWNS", "拥有", "Owns"
    RENTS = "RENTS", "租住", "Rents"
    MANAGES = "MANAGES", "管理", "Manages"
    DEVELOPED = "DEVELOPED", "开发", "Developed"
    LEASES = "LEASES", "承租", "Leases"
    HANDLED_BY = "HANDLED_BY", "办理", "Handled by"
    ABOUT = "ABOUT", "反映", "About"
    FILED_BY = "FILED_BY", "提交人", "Filed by"
    RELATED_TO = "RELATED_TO", "关联", "Related to"
    PART_OF = "PART_OF", "隶属", "Part of"
    REPORTS_TO = "REPORTS_TO", "上级", "Reports to"
    SAME_AS = "SAME_AS", "同一实体", "Same as"
    MENTIONS = "MENTIONS", "文中提及", "Mentions"


_TIE_TYPES = {
    PropertyRelation.RESIDENT: RelType.RESIDES_AT,
    PropertyRelation.OWNER: RelType.OWNS,
    PropertyRelation.TENANT: RelType.RENTS,
    PropertyRelation.MANAGER: RelType.MANAGES,
    PropertyRelation.DEVELOPER: RelType.DEVELOPED,
    PropertyRelation.LESSEE: RelType.LEASES,
}

_MENTION_PROPERTY_KIND = {
    MentionKind.RESIDENTIAL_COMMUNITY: PropertyKind.RESIDENTIAL_COMMUNITY,
    MentionKind.BUILDING: PropertyKind.BUILDING,
    MentionKind.VILLAGE: PropertyKind.VILLAGE,
    MentionKind.VILLAGE_GROUP: PropertyKind.LAND_PARCEL,
    MentionKind.CONSTRUCTION_PROJECT: PropertyKind.CONSTRUCTION_PROJECT,
}
