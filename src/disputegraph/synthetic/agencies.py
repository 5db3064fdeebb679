"""The agencies at every level, with ids from administrative codes and the ``reports_to``
tree (``A-330102001-SGOV``: the role's suffix on the code of its division), so they are
stable at every scale.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from disputegraph.schemas.enums import AgencyKind, AgencyLevel
from disputegraph.schemas.rows import AgencyRow
from disputegraph.synthetic.divisions import Divisions
from disputegraph.synthetic.names import CITY_NAME, PROVINCE_NAME

__all__ = ["AGENCY_ROLES", "build_agencies"]

Columns = dict[str, list[str]]

#: role -> (division level the role is at, kind, name pattern, parent role)
#: ``{p}`` province, ``{x}`` city, ``{d}`` district, ``{s}`` street, ``{c}`` community,
#: ``{g}`` grid.
AGENCY_ROLES: dict[str, tuple[str, AgencyKind, str, str | None]] = {
    "ppet": ("province", AgencyKind.PETITION_BUREAU, "{p}信访局", None),
    "xplc": ("city", AgencyKind.POLITICAL_LEGAL_COMMITTEE, "中共{x}委政法委员会", None),
    "xgc": ("city", AgencyKind.GOVERNANCE_CENTER, "{x}社会治理中心", "xplc"),
    "xpet": ("city", AgencyKind.PETITION_BUREAU, "{x}信访局", "ppet"),
    "xhot": ("city", AgencyKind.HOTLINE_CENTER, "{x}12345政务服务便民热线中心", "xgc"),
    "xcourt": ("city", AgencyKind.COURT, "{x}中级人民法院", "xplc"),
    "xpol": ("city", AgencyKind.POLICE, "{x}公安局", "xplc"),
    "xlab": ("city", AgencyKind.LABOUR_INSPECTION, "{x}劳动保障监察支队", "xgc"),
    "xhous": ("city", AgencyKind.HOUSING_CONSTRUCTION, "{x}住房和城乡建设局", "xgc"),
    "cplc": ("district", AgencyKind.POLITICAL_LEGAL_COMMITTEE, "中共{d}委政法委员会", "xplc"),
    "cgc": ("district", AgencyKind.GOVERNANCE_CENTER, "{d}社会治理中心", "xgc"),
    "cpet": ("district", AgencyKind.PETITION_BUREAU, "{d}信访局", "xpet"),
    "cpol": ("district", AgencyKind.POLICE, "{x}公安局{d}分局", "xpol"),
    "ccourt": ("district", AgencyKind.COURT, "{d}人民法院", "xcourt"),
    "cprocu": ("district", AgencyKind.PROCURATORATE, "{d}人民检察院", "cplc"),
    "clab": ("district", AgencyKind.LABOUR_INSPECTION, "{d}劳动保障监察大队", "xlab"),
    "carb": ("district", AgencyKind.LABOUR_ARBITRATION, "{d}劳动人事争议仲裁院", "cgc"),
    "chous": ("district", AgencyKind.HOUSING_CONSTRUCTION, "{d}住房和城乡建设局", "xhous"),
    "curb": ("district", AgencyKind.URBAN_MANAGEMENT, "{d}城市管理局", "cgc"),
    "cagri": ("district", AgencyKind.AGRICULTURE_RURAL, "{d}农业农村局", "cgc"),
    "cnat": ("district", AgencyKind.NATURAL_RESOURCES, "{x}规划和自然资源局{d}分局", "cgc"),
    "cjus": ("district", AgencyKind.JUSTICE_BUREAU, "{d}司法局", "cplc"),
    "claid": ("district", AgencyKind.LEGAL_AID, "{d}法律援助中心", "cjus"),
    "cmed": ("district", AgencyKind.INDUSTRY_MEDIATION, "{d}医疗纠纷人民调解委员会", "cjus"),
    "cpmc": ("district", AgencyKind.INDUSTRY_MEDIATION, "{d}物业纠纷人民调解委员会", "cjus"),
    "cwf": ("district", AgencyKind.WOMENS_FEDERATION, "{d}妇女联合会", "cgc"),
    "cunion": ("district", AgencyKind.TRADE_UNION, "{d}总工会", "cgc"),
    "cmkt": ("district", AgencyKind.MARKET_REGULATION, "{d}市场监督管理局", "cgc"),
    "cciv": ("district", AgencyKind.CIVIL_AFFAIRS, "{d}民政局", "cgc"),
    "cedu": ("district", AgencyKind.EDUCATION, "{d}教育局", "cgc"),
    "cenv": ("district", AgencyKind.ECOLOGY_ENVIRONMENT, "{x}生态环境局{d}分局", "cgc"),
    "sgov": ("street", AgencyKind.STREET_TOWNSHIP_GOVERNMENT, "{d}{s}", "cgc"),
    "sgc": ("street", AgencyKind.GOVERNANCE_CENTER, "{d}{s}社会治理中心", "cgc"),
    "sjo": ("street", AgencyKind.JUSTICE_BUREAU, "{d}{s}司法所", "cjus"),
    "smc": ("street", AgencyKind.PEOPLES_MEDIATION_COMMITTEE, "{d}{s}人民调解委员会", "sjo"),
    "spol": ("street", AgencyKind.POLICE, "{x}公安局{d}分局{s}派出所", "cpol"),
    "surb": ("street", AgencyKind.URBAN_MANAGEMENT, "{d}{s}综合行政执法队", "curb"),
    "rc": ("community", AgencyKind.VILLAGE_RESIDENTS_COMMITTEE, "{s}{c}委员会", "sgov"),
    "cmc": ("community", AgencyKind.PEOPLES_MEDIATION_COMMITTEE, "{s}{c}人民调解委员会", "smc"),
    "gs": ("grid", AgencyKind.GRID_STATION, "{g}工作站", "rc"),
}
_ROLE_SUFFIX = {r: r.upper() for r in AGENCY_ROLES}
#: the divisions from the bottom up, and the agency level of each
_CHAIN = ("grid", "community", "street", "district", "city", "province")
_LEVEL = {
    "grid": AgencyLevel.GRID,
    "community": AgencyLevel.COMMUNITY,
    "street": AgencyLevel.TOWNSHIP,
    "district": AgencyLevel.COUNTY,
    "city": AgencyLevel.CITY,
    "province": AgencyLevel.PROVINCE,
}


def _rank_within(groups: list[int]) -> list[int]:
    """1-based position of each element among the elements of its group (in order)."""
    seen: dict[int, int] = {}
    out = []
    for g in groups:
        seen[g] = seen.get(g, 0) + 1
        out.append(seen[g])
    return out


def _codes(div: Divisions) -> dict[str, list[str]]:
    """The administrative code of every division, by level."""
    districts = div.districts
    city_code = districts[0][1][:4] + "00"
    prov_code = districts[0][1][:2] + "0000"
    street_code = [
        f"{districts[d][1]}{k:03d}"
        for d, k in zip(div.street_district, _rank_within(div.street_district), strict=True)
    ]
    comm_code = [
        f"{street_code[s]}{k:03d}"
        for s, k in zip(div.comm_street, _rank_within(div.comm_street), strict=True)
    ]
    gc = div.grid_comm.tolist()
    grid_code = [f"{comm_code[c]}{k:02d}" for c, k in zip(gc, _rank_within(gc), strict=True)]
    return {
        "province": [prov_code],
        "city": [city_code],
        "district": [d[1] for d in districts],
        "street": street_code,
        "community": comm_code,
        "grid": grid_code,
    }


def _parent_index(div: Divisions, level: str, parent_level: str, i: int) -> int:
    """Walk up grid -> community -> street -> district -> city -> province."""
    lv = level
    while lv != parent_level:
        if lv == "grid":
            i = int(div.grid_comm[i])
        elif lv == "community":
            i = div.comm_street[i]
        elif lv == "street":
            i = div.street_district[i]
        else:
            i = 0
        lv = _CHAIN[_CHAIN.index(lv) + 1]
    return i


def _places(div: Divisions, lvl: str, i: int) -> tuple[int, int, int]:
    """The district, street and community (-1: none) of the ``i``-th division of ``lvl``."""
    d = s = c = -1
    if lvl == "grid":
        c = int(div.grid_comm[i])
    elif lvl == "community":
        c = i
    if c >= 0:
        s = div.comm_street[c]
    elif lvl == "street":
        s = i
    if s >= 0:
        d = div.street_district[s]
    elif lvl == "district":
        d = i
    return d, s, c


def _name(div: Divisions, role: str, pattern: str, lvl: str, i: int) -> str:
    d, s, c = _places(div, lvl, i)
    cname = div.comm_name[c] if c >= 0 else ""
    if role == "rc" and c >= 0:
        cname = div.comm_name[c] + ("村民" if div.comm_rural[c] else "居民")
    street = div.street_name[s] if s >= 0 else ""
    if role == "sgov":
        street += "人民政府" if street[-1] in "镇乡" else "办事处"
    return pattern.format(
        p=PROVINCE_NAME,
        x=CITY_NAME,
        d=div.districts[d][0] if d >= 0 else "",
        s=street,
        c=cname,
        g=div.grid_name[i] if lvl == "grid" else "",
    )


def build_agencies(div: Divisions) -> tuple[Columns, dict[str, npt.NDArray[np.str_]]]:
    """The ``agencies`` columns, and per role its agency ids by index of the role's level."""
    cols: Columns = {n: [] for n in AgencyRow.columns()}
    codes = _codes(div)
    agency_of: dict[str, npt.NDArray[np.str_]] = {}
    for role, (lvl, kind, pattern, parent) in AGENCY_ROLES.items():
        ids = [f"A-{c}-{_ROLE_SUFFIX[role]}" for c in codes[lvl]]
        agency_of[role] = np.asarray(ids)
        for i, aid in enumerate(ids):
            d = _places(div, lvl, i)[0]
            cols["id"].append(aid)
            cols["name"].append(_name(div, role, pattern, lvl, i))
            cols["kind"].append(kind.value)
            cols["level"].append(_LEVEL[lvl].value)
            cols["district"].append(div.districts[d][0] if d >= 0 else "")
            if parent is None:
                cols["reports_to"].append("")
            else:
                plvl = AGENCY_ROLES[parent][0]
                code = codes[plvl][_parent_index(div, lvl, plvl, i)]
                cols["reports_to"].append(f"A-{code}-{_ROLE_SUFFIX[parent]}")
    return cols, agency_of
