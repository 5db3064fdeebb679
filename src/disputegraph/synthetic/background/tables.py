"""The background's declarative tables: what each category of dispute looks like.

Per category: how common it is, where it happens (urban, rural or anywhere), who
the respondent is, what property it concerns and how often, which agencies handle
it, the amount at stake, who the applicants tend to be, the channels it comes in
by, and its titles and descriptions. Every code is a member of
:mod:`disputegraph.schemas.enums`; the order of a table is the order of its draws.
"""

from __future__ import annotations

import numpy as np

from disputegraph.schemas.enums import Category, Channel, EmployerKind
from disputegraph.synthetic.handling import CHANNELS

__all__ = [
    "AMOUNT",
    "CATEGORIES",
    "CAT_P",
    "CH_P",
    "DESCRIPTIONS",
    "ELDERLY_P",
    "EMPLOYER_RESPONDENTS",
    "GEO",
    "HANDLER",
    "INDUSTRY",
    "MIGRANT_P",
    "PROP",
    "PROP_KINDS",
    "PROP_P",
    "RESP",
    "RESP_KINDS",
    "SOURCES",
    "TITLES",
    "WAGE_KINDS",
]

#: category: weight, geography, respondent, property, share with the property, handler
_CATS: tuple[tuple[Category, float, str, str, str, float, str], ...] = (
    (Category.PROPERTY_MANAGEMENT, 10, "urban", "manager", "xq", 0.7, "property"),
    (Category.ELEVATOR_RETROFIT, 2, "urban", "person", "building", 0.9, "elevator"),
    (Category.OLD_COMMUNITY_RENOVATION, 2, "urban", "none", "xq", 0.8, "street"),
    (Category.HOUSING_DELIVERY_QUALITY, 2, "urban", "developer", "unit", 0.9, "housing"),
    (Category.NEIGHBOR, 16, "urban", "person", "unit", 0.6, "community"),
    (Category.NOISE, 5, "urban", "person", "unit", 0.5, "community"),
    (Category.MARRIAGE_FAMILY, 12, "any", "person", "", 0.0, "family"),
    (Category.INHERITANCE_SUPPORT, 5, "any", "person", "unit", 0.3, "community"),
    (Category.WAGE_ARREARS, 8, "any", "wage", "", 0.0, "labour"),
    (Category.LABOR_CONTRACT, 5, "any", "company", "", 0.0, "labour"),
    (Category.LAND_TRANSFER, 2, "rural", "cooperative", "parcel", 0.6, "land"),
    (Category.LAND_CONTRACT, 2, "rural", "person", "parcel", 0.5, "land"),
    (Category.HOMESTEAD, 3, "rural", "person", "village", 0.4, "homestead"),
    (Category.LAND_REQUISITION_DEMOLITION, 1, "rural", "gov", "village", 0.4, "demolition"),
    (Category.PRIVATE_LENDING, 6, "any", "person", "", 0.0, "street"),
    (Category.CONSUMER, 6, "any", "company", "", 0.0, "consumer"),
    (Category.MEDICAL, 2, "any", "hospital", "", 0.0, "medical"),
    (Category.TRAFFIC, 5, "any", "person", "", 0.0, "police"),
    (Category.ENVIRONMENT, 2, "any", "company", "", 0.0, "environment"),
    (Category.EDUCATION, 1, "urban", "school", "", 0.0, "education"),
    (Category.INVESTMENT_FRAUD, 0.5, "any", "company", "", 0.0, "fraud"),
    (Category.OTHER, 3, "any", "person", "", 0.0, "street"),
)
#: category: amount at stake (median yuan, sigma of its log, share of disputes with one)
_AMOUNTS: dict[Category, tuple[float, float, float]] = {
    Category.PROPERTY_MANAGEMENT: (3000, 0.8, 0.5),
    Category.HOUSING_DELIVERY_QUALITY: (50_000, 1.0, 0.6),
    Category.NEIGHBOR: (5000, 1.0, 0.1),
    Category.MARRIAGE_FAMILY: (50_000, 1.0, 0.2),
    Category.INHERITANCE_SUPPORT: (100_000, 1.0, 0.4),
    Category.WAGE_ARREARS: (25_000, 0.8, 1.0),
    Category.LABOR_CONTRACT: (30_000, 0.8, 0.7),
    Category.LAND_TRANSFER: (15_000, 0.8, 0.9),
    Category.LAND_CONTRACT: (10_000, 0.8, 0.4),
    Category.LAND_REQUISITION_DEMOLITION: (300_000, 0.9, 0.6),
    Category.PRIVATE_LENDING: (50_000, 1.0, 0.95),
    Category.CONSUMER: (3000, 1.0, 0.8),
    Category.MEDICAL: (80_000, 1.0, 0.8),
    Category.TRAFFIC: (20_000, 1.0, 0.9),
    Category.INVESTMENT_FRAUD: (500_000, 1.2, 1.0),
}
CATEGORIES: tuple[str, ...] = tuple(c[0].value for c in _CATS)
CAT_P = np.array([c[1] for c in _CATS]) / sum(c[1] for c in _CATS)
GEO = np.array([("urban", "rural", "any").index(c[2]) for c in _CATS])
#: who the respondent is; the employer kinds are written as the employer's kind
RESP_KINDS = (
    "person",
    "none",
    "manager",
    EmployerKind.DEVELOPER.value,
    "wage",
    EmployerKind.COMPANY.value,
    EmployerKind.COOPERATIVE.value,
    "gov",
    "hospital",
    "school",
)
RESP = np.array([RESP_KINDS.index(c[3]) for c in _CATS])
#: respondents that are a fresh employer (``wage``: one of :data:`WAGE_KINDS`)
EMPLOYER_RESPONDENTS = [
    RESP_KINDS.index(k)
    for k in (EmployerKind.DEVELOPER, "wage", EmployerKind.COMPANY, EmployerKind.COOPERATIVE)
]
PROP_KINDS = ("", "xq", "building", "unit", "parcel", "village")
PROP = np.array([PROP_KINDS.index(c[4]) for c in _CATS])
PROP_P = np.array([c[5] for c in _CATS])
HANDLER = tuple(c[6] for c in _CATS)
AMOUNT = np.array([_AMOUNTS.get(c[0], (0, 0, 0)) for c in _CATS], dtype=float)
ELDERLY_P = np.array(
    [
        {
            Category.ELEVATOR_RETROFIT: 0.6,
            Category.INHERITANCE_SUPPORT: 0.45,
            Category.LAND_TRANSFER: 0.55,
            Category.LAND_CONTRACT: 0.5,
            Category.HOMESTEAD: 0.4,
            Category.LAND_REQUISITION_DEMOLITION: 0.4,
            Category.OLD_COMMUNITY_RENOVATION: 0.5,
            Category.INVESTMENT_FRAUD: 0.35,
        }.get(Category(c), 0.12)
        for c in CATEGORIES
    ]
)
MIGRANT_P = np.array(
    [
        {Category.WAGE_ARREARS: 0.8, Category.LABOR_CONTRACT: 0.35}.get(Category(c), 0.02)
        for c in CATEGORIES
    ]
)

_BASE_CH: dict[Channel, float] = {
    Channel.GRID_REPORT: 24,
    Channel.HOTLINE_12345: 30,
    Channel.POLICE_110: 6,
    Channel.PETITION_LETTER: 0.8,
    Channel.PETITION_VISIT: 1.2,
    Channel.PETITION_ONLINE: 2.0,
    Channel.WALK_IN: 10,
    Channel.COURT_PRE_LITIGATION: 4,
    Channel.WOMENS_FEDERATION: 0.5,
    Channel.LABOUR_INSPECTION: 0,
    Channel.TRADE_UNION: 0.3,
    Channel.PROACTIVE_SCREENING: 7,
    Channel.ONLINE_SENTIMENT: 0.7,
    Channel.LEADER_INSTRUCTION: 0.3,
    Channel.OTHER_DEPARTMENT: 2,
    Channel.OTHER: 1.5,
}

_CH_OVERRIDE: dict[Category, dict[Channel, float]] = {
    Category.WAGE_ARREARS: {
        Channel.LABOUR_INSPECTION: 30,
        Channel.HOTLINE_12345: 30,
        Channel.GRID_REPORT: 8,
        Channel.TRADE_UNION: 2,
        Channel.PETITION_VISIT: 2.5,
        Channel.PETITION_ONLINE: 3,
    },
    Category.LABOR_CONTRACT: {
        Channel.LABOUR_INSPECTION: 15,
        Channel.COURT_PRE_LITIGATION: 10,
        Channel.TRADE_UNION: 3,
    },
    Category.MARRIAGE_FAMILY: {
        Channel.WOMENS_FEDERATION: 10,
        Channel.WALK_IN: 14,
        Channel.COURT_PRE_LITIGATION: 8,
    },
    Category.TRAFFIC: {
        Channel.POLICE_110: 45,
        Channel.COURT_PRE_LITIGATION: 15,
        Channel.GRID_REPORT: 4,
    },
    Category.NOISE: {Channel.POLICE_110: 25, Channel.HOTLINE_12345: 40},
    Category.PRIVATE_LENDING: {Channel.COURT_PRE_LITIGATION: 35, Channel.WALK_IN: 15},
    Category.CONSUMER: {Channel.HOTLINE_12345: 55},
    Category.MEDICAL: {
        Channel.WALK_IN: 20,
        Channel.COURT_PRE_LITIGATION: 10,
        Channel.POLICE_110: 8,
    },
    Category.LAND_REQUISITION_DEMOLITION: {
        Channel.PETITION_VISIT: 8,
        Channel.PETITION_LETTER: 4,
        Channel.PETITION_ONLINE: 5,
    },
    Category.INVESTMENT_FRAUD: {
        Channel.POLICE_110: 20,
        Channel.PETITION_VISIT: 6,
        Channel.ONLINE_SENTIMENT: 5,
    },
}

_SOURCE: dict[Channel, str] = {
    Channel.HOTLINE_12345: "12345热线工单系统",
    Channel.GRID_REPORT: "基层治理四平台",
    Channel.PROACTIVE_SCREENING: "基层治理四平台",
    Channel.POLICE_110: "110接处警系统",
    Channel.PETITION_LETTER: "信访信息系统",
    Channel.PETITION_VISIT: "信访信息系统",
    Channel.PETITION_ONLINE: "信访信息系统",
    Channel.COURT_PRE_LITIGATION: "人民法院调解平台",
    Channel.LABOUR_INSPECTION: "欠薪线索反映平台",
}


CH_P = np.zeros((len(CATEGORIES), len(CHANNELS)))
for _i, _c in enumerate(CATEGORIES):
    _w = dict(_BASE_CH) | _CH_OVERRIDE.get(Category(_c), {})
    CH_P[_i] = [_w[Channel(ch)] for ch in CHANNELS]
    CH_P[_i] /= CH_P[_i].sum()
SOURCES = np.array([_SOURCE.get(Channel(c), "矛调中心登记系统") for c in CHANNELS])

#: title patterns: {a} applicant, {r} respondent, {p} property, {c} community/village
TITLES: dict[Category, tuple[str, ...]] = {
    Category.PROPERTY_MANAGEMENT: (
        "{p}业主与物业服务费纠纷",
        "{p}物业服务质量投诉",
        "{a}反映{p}停车管理问题",
        "{p}公共收益分配纠纷",
    ),
    Category.ELEVATOR_RETROFIT: (
        "{p}加装电梯纠纷",
        "{p}加装电梯意见分歧",
        "{a}与{r}加装电梯协商纠纷",
    ),
    Category.OLD_COMMUNITY_RENOVATION: (
        "{p}老旧小区改造施工扰民",
        "{p}改造方案意见分歧",
        "{p}雨污分流改造纠纷",
    ),
    Category.HOUSING_DELIVERY_QUALITY: (
        "{a}与{r}房屋渗漏维修纠纷",
        "{p}交房质量问题投诉",
        "{a}反映房屋面积差异",
    ),
    Category.NEIGHBOR: (
        "{a}与{r}邻里纠纷",
        "{a}与{r}楼上漏水纠纷",
        "{a}与{r}公共通道堆物纠纷",
        "{a}与{r}采光通风纠纷",
    ),
    Category.NOISE: ("{a}反映{r}家中噪音扰民", "{p}夜间噪音纠纷", "{a}与{r}装修噪音纠纷"),
    Category.MARRIAGE_FAMILY: ("{a}与{r}婚姻家庭纠纷", "{a}与{r}离婚财产纠纷", "{a}与{r}家庭矛盾"),
    Category.INHERITANCE_SUPPORT: (
        "{a}与{r}赡养纠纷",
        "{a}与{r}遗产继承纠纷",
        "{a}与{r}抚养费纠纷",
    ),
    Category.WAGE_ARREARS: ("{a}等人反映{r}拖欠工资", "{a}与{r}欠薪纠纷", "{a}反映{r}拖欠劳务费"),
    Category.LABOR_CONTRACT: (
        "{a}与{r}劳动合同纠纷",
        "{a}与{r}经济补偿金纠纷",
        "{a}与{r}工伤待遇纠纷",
    ),
    Category.LAND_TRANSFER: (
        "{a}等与{r}土地流转租金纠纷",
        "{p}流转租金拖欠纠纷",
        "{a}与{r}土地流转合同纠纷",
    ),
    Category.LAND_CONTRACT: ("{a}与{r}土地承包经营权纠纷", "{p}承包地边界纠纷"),
    Category.HOMESTEAD: ("{a}与{r}宅基地纠纷", "{c}{a}与{r}宅基地界址纠纷"),
    Category.LAND_REQUISITION_DEMOLITION: ("{a}反映{c}征地补偿问题", "{a}对{c}拆迁安置有异议"),
    Category.PRIVATE_LENDING: ("{a}与{r}民间借贷纠纷", "{a}与{r}借款纠纷"),
    Category.CONSUMER: ("{a}与{r}消费纠纷", "{a}反映{r}预付卡退费问题", "{a}与{r}商品质量纠纷"),
    Category.MEDICAL: ("{a}与{r}医疗纠纷", "{a}家属与{r}医疗损害赔偿纠纷"),
    Category.TRAFFIC: ("{a}与{r}交通事故赔偿纠纷", "{a}与{r}电动车碰撞纠纷"),
    Category.ENVIRONMENT: ("{a}反映{r}废气污染", "{a}反映{r}夜间施工噪音", "{a}反映{r}污水排放"),
    Category.EDUCATION: ("{a}与{r}校园纠纷", "{a}反映{r}培训费退费问题"),
    Category.INVESTMENT_FRAUD: ("{a}等反映{r}理财产品无法兑付", "{a}等与{r}投资款纠纷"),
    Category.OTHER: ("{a}与{r}其他纠纷", "{a}与{r}财产损害纠纷", "{a}反映{c}环境卫生问题"),
}
DESCRIPTIONS: dict[Category, str] = {
    Category.PROPERTY_MANAGEMENT: "业主反映物业服务不到位，要求整改并协调收费问题。",
    Category.ELEVATOR_RETROFIT: "高层住户申请加装电梯，低层住户担心采光和噪音，意见不一。",
    Category.OLD_COMMUNITY_RENOVATION: "居民对老旧小区改造方案和施工安排有意见。",
    Category.HOUSING_DELIVERY_QUALITY: "业主反映房屋存在质量问题，要求开发商维修或赔偿。",
    Category.NEIGHBOR: "双方因生活琐事发生矛盾，要求协调处理。",
    Category.NOISE: "反映噪音影响休息，要求对方整改。",
    Category.MARRIAGE_FAMILY: "夫妻双方因家庭矛盾产生纠纷，要求调解。",
    Category.INHERITANCE_SUPPORT: "家庭成员之间就赡养、继承问题产生分歧。",
    Category.WAGE_ARREARS: "反映用工单位拖欠工资，要求支付欠薪。",
    Category.LABOR_CONTRACT: "劳动者与用人单位就劳动合同解除及补偿产生争议。",
    Category.LAND_TRANSFER: "村民反映承租方拖欠土地流转租金。",
    Category.LAND_CONTRACT: "村民之间就承包地经营权归属产生争议。",
    Category.HOMESTEAD: "邻里之间因宅基地界址产生争议。",
    Category.LAND_REQUISITION_DEMOLITION: "村民对征地补偿标准或安置方案有异议。",
    Category.PRIVATE_LENDING: "借款到期未还，出借人要求归还本息。",
    Category.CONSUMER: "消费者要求商家退款或赔偿。",
    Category.MEDICAL: "患者家属对诊疗结果有异议，要求赔偿。",
    Category.TRAFFIC: "双方就交通事故损害赔偿协商未果。",
    Category.ENVIRONMENT: "居民反映企业污染影响生活。",
    Category.EDUCATION: "家长与学校或培训机构产生纠纷。",
    Category.INVESTMENT_FRAUD: "多名投资人反映理财产品到期无法兑付。",
    Category.OTHER: "当事人请求协调处理。",
}
WAGE_KINDS = (EmployerKind.LABOUR_TEAM, EmployerKind.SUBCONTRACTOR, EmployerKind.COMPANY)
INDUSTRY: dict[str, str] = {
    EmployerKind.DEVELOPER: "房地产开发",
    EmployerKind.GENERAL_CONTRACTOR: "建筑施工",
    EmployerKind.SUBCONTRACTOR: "建筑安装",
    EmployerKind.LABOUR_TEAM: "建筑劳务",
    EmployerKind.PROPERTY_MANAGER: "物业管理",
    EmployerKind.COMPANY: "批发零售",
    EmployerKind.COOPERATIVE: "农业",
    EmployerKind.OTHER: "其他",
}
