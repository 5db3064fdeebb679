"""The city's fixed frame: districts → streets/townships → communities/villages → grids,
the residential compounds, buildings, units and land parcels in them, the property
managers, and the agencies at every level with their ``reports_to`` tree.

The first districts are built from their own seeded streams, so district 0 (城东区)
looks the same at every scale; agency ids are administrative codes
(``A-330102001-GOV``) and therefore stable too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from disputegraph.synthetic.names import (
    CITY_NAME,
    DISTRICT_NAMES,
    PROVINCE_NAME,
    company_names,
    credit_codes,
)

__all__ = ["AGENCY_ROLES", "City", "Columns", "build_city"]

IntArray = npt.NDArray[np.int64]
Columns = dict[str, list[str]]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_STREET_WORDS = _words(
    "望江 清波 湖滨 小营 紫阳 凯旋 采荷 闸弄口 彭埠 笕桥 九堡 丁兰 "
    "四季青 南星 转塘 西兴 长河 浦沿 文新 翠苑 古荡 北山 蒋村 留下 祥符 "
    "米市巷 朝晖 潮鸣 东新 石桥 半山 康桥 良渚 仓前 五常 闲林 瓶窑 临平 "
    "东湖 南苑 新城 江滨 城南 城北 花园 金沙 白杨 下沙 义蓬 宁围 新塘 "
    "北干 蜀山 "
)
_TOWN_WORDS = _words(
    "青溪 太湖源 於潜 昌化 河桥 清凉峰 天目 板桥 高虹 锦北 玲珑 横畈 "
    "分水 瑶琳 百江 合村 钟山 凤川 新登 洞桥 万市 湖源 常安 渌渚 胥口 "
    "永昌 大源 灵桥 里山 场口 上官 东洲 "
)
_COMMUNITY_WORDS = _words(
    "锦绣 和平 幸福 阳光 翠竹 桂花 金桥 新华 东园 西园 南苑 北苑 朝阳 "
    "春晖 文化 建设 人民 解放 长庆 望湖 碧波 绿洲 枫林 梅园 兰苑 荷花 "
    "青年 丰收 景芳 三里 双菱 江锦 水墨 星光 天虹 湖畔 香樟 紫荆 银杏 "
    "龙井 玉泉 月桂 海棠 清泰 仁和 安吉 德胜 嘉苑 "
)
_XQ_SUFFIX = ("花园", "小区", "苑", "新村", "家园", "公寓", "府", "名苑", "雅苑", "嘉园")
_VILLAGE_WORDS = _words(
    "桐坞 李家 王家 杨柳 上塘 下湾 石桥 大坞 小溪 凤凰 龙潭 青山 白沙 "
    "东坞 西坑 南山 北岙 马岭 竹林 梅坞 新桥 塘湾 金鸡 长岭 黄泥 潘家 "
    "徐家 高坞 后溪 前村 "
)

#: role -> (level the role is resolved at, kind, level code, name pattern, parent role)
#: ``{p}`` province, ``{x}`` city, ``{d}`` district, ``{s}`` street, ``{c}`` community,
#: ``{g}`` grid.
AGENCY_ROLES: dict[str, tuple[str, str, str, str, str | None]] = {
    "ppet": ("province", "petition_bureau", "province", "{p}信访局", None),
    "xplc": ("city", "political_legal_committee", "city", "中共{x}委政法委员会", None),
    "xgc": ("city", "governance_center", "city", "{x}社会治理中心", "xplc"),
    "xpet": ("city", "petition_bureau", "city", "{x}信访局", "ppet"),
    "xhot": ("city", "hotline_center", "city", "{x}12345政务服务便民热线中心", "xgc"),
    "xcourt": ("city", "court", "city", "{x}中级人民法院", "xplc"),
    "xpol": ("city", "police", "city", "{x}公安局", "xplc"),
    "xlab": ("city", "labour_inspection", "city", "{x}劳动保障监察支队", "xgc"),
    "xhous": ("city", "housing_construction", "city", "{x}住房和城乡建设局", "xgc"),
    "cplc": ("district", "political_legal_committee", "county", "中共{d}委政法委员会", "xplc"),
    "cgc": ("district", "governance_center", "county", "{d}社会治理中心", "xgc"),
    "cpet": ("district", "petition_bureau", "county", "{d}信访局", "xpet"),
    "cpol": ("district", "police", "county", "{x}公安局{d}分局", "xpol"),
    "ccourt": ("district", "court", "county", "{d}人民法院", "xcourt"),
    "cprocu": ("district", "procuratorate", "county", "{d}人民检察院", "cplc"),
    "clab": ("district", "labour_inspection", "county", "{d}劳动保障监察大队", "xlab"),
    "carb": ("district", "labour_arbitration", "county", "{d}劳动人事争议仲裁院", "cgc"),
    "chous": ("district", "housing_construction", "county", "{d}住房和城乡建设局", "xhous"),
    "curb": ("district", "urban_management", "county", "{d}城市管理局", "cgc"),
    "cagri": ("district", "agriculture_rural", "county", "{d}农业农村局", "cgc"),
    "cnat": ("district", "natural_resources", "county", "{x}规划和自然资源局{d}分局", "cgc"),
    "cjus": ("district", "justice_bureau", "county", "{d}司法局", "cplc"),
    "claid": ("district", "legal_aid", "county", "{d}法律援助中心", "cjus"),
    "cmed": ("district", "industry_mediation", "county", "{d}医疗纠纷人民调解委员会", "cjus"),
    "cpmc": ("district", "industry_mediation", "county", "{d}物业纠纷人民调解委员会", "cjus"),
    "cwf": ("district", "womens_federation", "county", "{d}妇女联合会", "cgc"),
    "cunion": ("district", "trade_union", "county", "{d}总工会", "cgc"),
    "cmkt": ("district", "market_regulation", "county", "{d}市场监督管理局", "cgc"),
    "cciv": ("district", "civil_affairs", "county", "{d}民政局", "cgc"),
    "cedu": ("district", "education", "county", "{d}教育局", "cgc"),
    "cenv": ("district", "ecology_environment", "county", "{x}生态环境局{d}分局", "cgc"),
    "sgov": ("street", "street_township_government", "township", "{d}{s}", "cgc"),
    "sgc": ("street", "governance_center", "township", "{d}{s}社会治理中心", "cgc"),
    "sjo": ("street", "justice_bureau", "township", "{d}{s}司法所", "cjus"),
    "smc": ("street", "peoples_mediation_committee", "township", "{d}{s}人民调解委员会", "sjo"),
    "spol": ("street", "police", "township", "{x}公安局{d}分局{s}派出所", "cpol"),
    "surb": ("street", "urban_management", "township", "{d}{s}综合行政执法队", "curb"),
    "rc": ("community", "village_residents_committee", "community", "{s}{c}委员会", "sgov"),
    "cmc": ("community", "peoples_mediation_committee", "community", "{s}{c}人民调解委员会", "smc"),
    "gs": ("grid", "grid_station", "grid", "{g}工作站", "rc"),
}
_ROLE_SUFFIX = {r: r.upper() for r in AGENCY_ROLES}


@dataclass
class City:
    """Arrays describing the city frame (indices are positions in these arrays)."""

    districts: list[tuple[str, str, bool]]
    street_district: IntArray
    street_name: list[str]
    street_rural: npt.NDArray[np.bool_]
    comm_street: IntArray
    comm_name: list[str]
    comm_rural: npt.NDArray[np.bool_]
    comm_grid_start: IntArray
    comm_grid_n: IntArray
    grid_comm: IntArray
    grid_name: list[str]
    # urban compounds (小区): per community a range of compounds
    comm_xq_start: IntArray
    comm_xq_n: IntArray
    xq_prop: IntArray
    xq_b_start: IntArray
    xq_b_n: IntArray
    xq_built: IntArray
    xq_manager: IntArray  # employer row index or -1
    b_prop: IntArray
    b_u_start: IntArray
    b_u_n: IntArray
    b_xq: IntArray
    u_prop: IntArray
    # villages: per rural community one village property and a range of parcels
    comm_village_prop: IntArray
    comm_parcel_start: IntArray
    comm_parcel_n: IntArray
    parcel_prop: IntArray
    prop_ids: list[str]
    properties: Columns
    employers: Columns
    property_ties: Columns
    agencies: Columns
    #: role -> agency id per index of the role's level (district/street/community/grid)
    agency_of: dict[str, npt.NDArray[np.str_]] = field(default_factory=dict)
    agency_id_by_role_path: dict[tuple[str, int], str] = field(default_factory=dict)
    comm_lat: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    comm_lon: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))

    @property
    def n_communities(self) -> int:
        return len(self.comm_name)


def _cols(*names: str) -> Columns:
    return {n: [] for n in names}


def _district_count(scale: int) -> int:
    if scale <= 20_000:
        return 4
    return int(min(len(DISTRICT_NAMES), 4 + round(2 * np.log10(scale / 20_000))))


def build_city(seed: int, scale: int, used_names: set[str]) -> City:
    """The city frame for ``scale`` disputes (communities grow with the scale)."""
    from disputegraph.schemas.rows import EmployerRow, PropertyRow, PropertyTieRow

    n_districts = _district_count(scale)
    districts = list(DISTRICT_NAMES[:n_districts])
    # streets: fixed per district (own stream), so district 0 is the same at every scale
    street_district: list[int] = []
    street_name: list[str] = []
    street_rural: list[bool] = []
    used_streets: set[str] = set()
    for d, (_dname, _code, rural) in enumerate(districts):
        drng = np.random.default_rng([seed, 101, d])
        n_streets = int(drng.integers(6, 10))
        words = _TOWN_WORDS if rural else _STREET_WORDS
        order = [w for w in drng.permutation(len(words)).tolist() if words[w] not in used_streets]
        if len(order) < n_streets:  # pool exhausted in a big city: allow a repeated name
            order += [w for w in drng.permutation(len(words)).tolist() if w not in order]
        picks = order[:n_streets]
        used_streets.update(words[w] for w in picks)
        for k, w in enumerate(picks):
            is_rural = (rural and k > 0) or (not rural and k >= n_streets - 1 and d % 2 == 0)
            suffix = ("镇" if k % 3 else "乡") if is_rural else "街道"
            street_district.append(d)
            street_name.append(words[w] + suffix)
            street_rural.append(is_rural)
    n_streets_total = len(street_name)
    # communities per street grows with the scale; streets of district 0 draw from their own
    # stream so the first communities are stable
    target = int(np.clip(scale // 60, 40, 16_000))
    per_street = max(3, target // n_streets_total)
    comm_street: list[int] = []
    comm_name: list[str] = []
    comm_rural: list[bool] = []
    for s in range(n_streets_total):
        srng = np.random.default_rng([seed, 202, s])
        n = int(srng.integers(max(2, per_street * 3 // 4), per_street * 5 // 4 + 1))
        words = _VILLAGE_WORDS if street_rural[s] else _COMMUNITY_WORDS
        idx = srng.integers(0, len(words), size=n).tolist()
        seen: dict[str, int] = {}
        for w in idx:
            base = words[w]
            k = seen.get(base, 0)
            seen[base] = k + 1
            name = base if k == 0 else base + "东西南北中新前后上下"[(k - 1) % 10]
            comm_street.append(s)
            comm_name.append(name + ("村" if street_rural[s] else "社区"))
            comm_rural.append(street_rural[s])
    n_comm = len(comm_name)
    rng = np.random.default_rng([seed, 303, scale])
    cs = np.asarray(comm_street, dtype=np.int64)
    cr = np.asarray(comm_rural, dtype=bool)
    sd = np.asarray(street_district, dtype=np.int64)

    # grids
    grid_n = rng.integers(1, 4, size=n_comm).astype(np.int64)
    grid_start = np.concatenate([[0], np.cumsum(grid_n)[:-1]]).astype(np.int64)
    grid_comm = np.repeat(np.arange(n_comm, dtype=np.int64), grid_n)
    grid_k = np.arange(len(grid_comm)) - grid_start[grid_comm] + 1
    grid_name = [
        f"{street_name[comm_street[c]]}{comm_name[c]}第{k}网格"
        for c, k in zip(grid_comm.tolist(), grid_k.tolist(), strict=True)
    ]

    # coordinates: district centres around the city centre, communities around them
    d_lat = 30.27 + rng.normal(0, 0.08, size=n_districts)
    d_lon = 120.15 + rng.normal(0, 0.10, size=n_districts)
    c_lat = d_lat[sd[cs]] + rng.normal(0, 0.025, size=n_comm)
    c_lon = d_lon[sd[cs]] + rng.normal(0, 0.03, size=n_comm)

    props = _cols(*PropertyRow.columns())
    prop_ids: list[str] = []

    def add_props(
        kinds: list[str],
        names: list[str],
        comms: IntArray,
        parents: list[str],
        built: list[str],
        grids: list[str] | None = None,
        coords: bool = False,
    ) -> IntArray:
        start = len(prop_ids)
        n = len(names)
        ids = [f"PR{i:08d}" for i in range(start + 1, start + n + 1)]
        prop_ids.extend(ids)
        cl = comms.tolist()
        props["id"].extend(ids)
        props["kind"].extend(kinds)
        props["name"].extend(names)
        props["address"].extend(
            f"{CITY_NAME}{districts[street_district[comm_street[c]]][0]}{street_name[comm_street[c]]}{nm}"
            for c, nm in zip(cl, names, strict=True)
        )
        props["district"].extend(districts[street_district[comm_street[c]]][0] for c in cl)
        props["street"].extend(street_name[comm_street[c]] for c in cl)
        props["grid"].extend(grids if grids is not None else [""] * n)
        props["built_year"].extend(built)
        if coords:
            jitter = rng.normal(0, 0.004, size=(n, 2))
            props["lat"].extend(f"{v:.6f}" for v in (c_lat[comms] + jitter[:, 0]).tolist())
            props["lon"].extend(f"{v:.6f}" for v in (c_lon[comms] + jitter[:, 1]).tolist())
        else:
            props["lat"].extend([""] * n)
            props["lon"].extend([""] * n)
        props["part_of"].extend(parents)
        return np.arange(start, start + n, dtype=np.int64)

    # urban compounds
    urban = np.flatnonzero(~cr)
    xq_n = np.zeros(n_comm, dtype=np.int64)
    xq_n[urban] = rng.integers(1, 4, size=len(urban))
    xq_start = np.concatenate([[0], np.cumsum(xq_n)[:-1]]).astype(np.int64)
    xq_comm = np.repeat(np.arange(n_comm, dtype=np.int64), xq_n)
    n_xq = len(xq_comm)
    xq_word = rng.integers(0, len(_COMMUNITY_WORDS), size=n_xq).tolist()
    xq_sfx = rng.integers(0, len(_XQ_SUFFIX), size=n_xq).tolist()
    xq_built = np.where(
        rng.random(n_xq) < 0.35,
        rng.integers(1982, 2000, size=n_xq),
        rng.integers(2000, 2023, size=n_xq),
    ).astype(np.int64)
    xq_names = [_COMMUNITY_WORDS[w] + _XQ_SUFFIX[s] for w, s in zip(xq_word, xq_sfx, strict=True)]
    xq_grid = [grid_name[grid_start[c]] for c in xq_comm.tolist()]
    xq_prop = add_props(
        ["residential_community"] * n_xq,
        xq_names,
        xq_comm,
        [""] * n_xq,
        [str(y) for y in xq_built.tolist()],
        xq_grid,
        coords=True,
    )
    b_n = rng.integers(3, 13, size=n_xq).astype(np.int64)
    b_start = np.concatenate([[0], np.cumsum(b_n)[:-1]]).astype(np.int64)
    b_xq = np.repeat(np.arange(n_xq, dtype=np.int64), b_n)
    b_k = np.arange(len(b_xq)) - b_start[b_xq] + 1
    n_b = len(b_xq)
    b_names = [f"{xq_names[x]}{k}幢" for x, k in zip(b_xq.tolist(), b_k.tolist(), strict=True)]
    b_prop = add_props(
        ["building"] * n_b,
        b_names,
        xq_comm[b_xq],
        [prop_ids[xq_prop[x]] for x in b_xq.tolist()],
        [str(y) for y in xq_built[b_xq].tolist()],
        [xq_grid[x] for x in b_xq.tolist()],
    )
    u_n = rng.integers(1, 4, size=n_b).astype(np.int64)
    u_start = np.concatenate([[0], np.cumsum(u_n)[:-1]]).astype(np.int64)
    u_b = np.repeat(np.arange(n_b, dtype=np.int64), u_n)
    u_k = np.arange(len(u_b)) - u_start[u_b] + 1
    n_u = len(u_b)
    u_prop = add_props(
        ["unit"] * n_u,
        [f"{b_names[b]}{k}单元" for b, k in zip(u_b.tolist(), u_k.tolist(), strict=True)],
        xq_comm[b_xq[u_b]],
        [prop_ids[b_prop[b]] for b in u_b.tolist()],
        [str(y) for y in xq_built[b_xq[u_b]].tolist()],
        [xq_grid[b_xq[b]] for b in u_b.tolist()],
    )

    # villages and parcels
    rural_idx = np.flatnonzero(cr)
    village_prop = np.full(n_comm, -1, dtype=np.int64)
    village_prop[rural_idx] = add_props(
        ["village"] * len(rural_idx),
        [comm_name[c] for c in rural_idx.tolist()],
        rural_idx,
        [""] * len(rural_idx),
        [""] * len(rural_idx),
        [grid_name[grid_start[c]] for c in rural_idx.tolist()],
        coords=True,
    )
    p_n = np.zeros(n_comm, dtype=np.int64)
    p_n[rural_idx] = rng.integers(4, 13, size=len(rural_idx))
    p_start = np.concatenate([[0], np.cumsum(p_n)[:-1]]).astype(np.int64)
    p_comm = np.repeat(np.arange(n_comm, dtype=np.int64), p_n)
    p_k = np.arange(len(p_comm)) - p_start[p_comm] + 1
    group = rng.integers(1, 9, size=len(p_comm)).tolist()
    parcel_prop = add_props(
        ["land_parcel"] * len(p_comm),
        [
            f"{comm_name[c]}{g}组{k}号地块"
            for c, g, k in zip(p_comm.tolist(), group, p_k.tolist(), strict=True)
        ],
        p_comm,
        [prop_ids[village_prop[c]] for c in p_comm.tolist()],
        [""] * len(p_comm),
        [grid_name[grid_start[c]] for c in p_comm.tolist()],
        coords=True,
    )

    # property managers: most post-1998 compounds have one; a manager runs 1-3 compounds of a street
    employers = _cols(*EmployerRow.columns())
    ties = _cols(*PropertyTieRow.columns())
    xq_manager = np.full(n_xq, -1, dtype=np.int64)
    has = rng.random(n_xq) < np.where(xq_built >= 1998, 0.85, 0.4)
    reuse = rng.random(n_xq) < 0.35
    last_by_street: dict[int, int] = {}
    new_mgr: list[int] = []
    for x in np.flatnonzero(has).tolist():
        s = comm_street[int(xq_comm[x])]
        if reuse[x] and s in last_by_street:
            xq_manager[x] = last_by_street[s]
        else:
            xq_manager[x] = len(new_mgr)
            last_by_street[s] = len(new_mgr)
            new_mgr.append(x)
    mgr_regions = [districts[street_district[comm_street[int(xq_comm[x])]]][1] for x in new_mgr]
    mgr_names = company_names(rng, ["property_manager"] * len(new_mgr), used_names)
    employers["id"].extend(f"E{i:08d}" for i in range(1, len(new_mgr) + 1))
    employers["name"].extend(mgr_names)
    employers["credit_code"].extend(credit_codes(rng, mgr_regions))
    employers["kind"].extend(["property_manager"] * len(new_mgr))
    employers["industry"].extend(["物业管理"] * len(new_mgr))
    employers["district"].extend(
        districts[street_district[comm_street[int(xq_comm[x])]]][0] for x in new_mgr
    )
    for x in np.flatnonzero(xq_manager >= 0).tolist():
        ties["stakeholder_id"].append(employers["id"][int(xq_manager[x])])
        ties["property_id"].append(prop_ids[xq_prop[x]])
        ties["relation"].append("manager")

    agencies, agency_of = _agencies(
        districts,
        street_district,
        street_name,
        comm_street,
        comm_name,
        comm_rural,
        grid_comm,
        grid_name,
    )
    return City(
        districts=districts,
        street_district=sd,
        street_name=street_name,
        street_rural=np.asarray(street_rural, dtype=bool),
        comm_street=cs,
        comm_name=comm_name,
        comm_rural=cr,
        comm_grid_start=grid_start,
        comm_grid_n=grid_n,
        grid_comm=grid_comm,
        grid_name=grid_name,
        comm_xq_start=xq_start,
        comm_xq_n=xq_n,
        xq_prop=xq_prop,
        xq_b_start=b_start,
        xq_b_n=b_n,
        xq_built=xq_built,
        xq_manager=xq_manager,
        b_prop=b_prop,
        b_u_start=u_start,
        b_u_n=u_n,
        b_xq=b_xq,
        u_prop=u_prop,
        comm_village_prop=village_prop,
        comm_parcel_start=p_start,
        comm_parcel_n=p_n,
        parcel_prop=parcel_prop,
        prop_ids=prop_ids,
        properties=props,
        employers=employers,
        property_ties=ties,
        agencies=agencies,
        agency_of=agency_of,
        comm_lat=c_lat,
        comm_lon=c_lon,
    )


def _agencies(
    districts: list[tuple[str, str, bool]],
    street_district: list[int],
    street_name: list[str],
    comm_street: list[int],
    comm_name: list[str],
    comm_rural: list[bool],
    grid_comm: IntArray,
    grid_name: list[str],
) -> tuple[Columns, dict[str, npt.NDArray[np.str_]]]:
    """Every agency, with ids from administrative codes and the ``reports_to`` tree."""
    from disputegraph.schemas.rows import AgencyRow

    cols = _cols(*AgencyRow.columns())
    city_code = districts[0][1][:4] + "00"
    prov_code = districts[0][1][:2] + "0000"
    street_code = [
        f"{districts[d][1]}{k:03d}"
        for d, k in zip(street_district, _rank_within(street_district), strict=True)
    ]
    comm_code = [
        f"{street_code[s]}{k:03d}"
        for s, k in zip(comm_street, _rank_within(comm_street), strict=True)
    ]
    gc = grid_comm.tolist()
    grid_code = [f"{comm_code[c]}{k:02d}" for c, k in zip(gc, _rank_within(gc), strict=True)]
    codes = {
        "province": [prov_code],
        "city": [city_code],
        "district": [d[1] for d in districts],
        "street": street_code,
        "community": comm_code,
        "grid": grid_code,
    }

    chain = ["grid", "community", "street", "district", "city", "province"]

    def parent_index(level: str, parent_level: str, i: int) -> int:
        """Walk up grid -> community -> street -> district -> city -> province."""
        lv = level
        while lv != parent_level:
            if lv == "grid":
                i = gc[i]
            elif lv == "community":
                i = comm_street[i]
            elif lv == "street":
                i = street_district[i]
            else:
                i = 0
            lv = chain[chain.index(lv) + 1]
        return i

    agency_of: dict[str, npt.NDArray[np.str_]] = {}
    for role, (lvl, kind, level, pattern, parent) in AGENCY_ROLES.items():
        ids = [f"A-{c}-{_ROLE_SUFFIX[role]}" for c in codes[lvl]]
        agency_of[role] = np.asarray(ids)
        for i, aid in enumerate(ids):
            d = s = c = -1
            if lvl == "grid":
                c = gc[i]
            elif lvl == "community":
                c = i
            if c >= 0:
                s = comm_street[c]
            elif lvl == "street":
                s = i
            if s >= 0:
                d = street_district[s]
            elif lvl == "district":
                d = i
            cname = comm_name[c] if c >= 0 else ""
            if role == "rc" and c >= 0:
                cname = comm_name[c] + ("村民" if comm_rural[c] else "居民")
            street_label = (
                street_name[s] + ("人民政府" if street_name[s][-1] in "镇乡" else "办事处")
                if role == "sgov"
                else (street_name[s] if s >= 0 else "")
            )
            name = pattern.format(
                p=PROVINCE_NAME,
                x=CITY_NAME,
                d=districts[d][0] if d >= 0 else "",
                s=street_label,
                c=cname,
                g=grid_name[i] if lvl == "grid" else "",
            )
            cols["id"].append(aid)
            cols["name"].append(name)
            cols["kind"].append(kind)
            cols["level"].append(level)
            cols["district"].append(districts[d][0] if d >= 0 else "")
            if parent is None:
                cols["reports_to"].append("")
            else:
                plvl = AGENCY_ROLES[parent][0]
                cols["reports_to"].append(
                    f"A-{codes[plvl][parent_index(lvl, plvl, i)]}-{_ROLE_SUFFIX[parent]}"
                )
    return cols, agency_of


def _rank_within(groups: list[int]) -> list[int]:
    """1-based position of each element among the elements of its group (in order)."""
    seen: dict[int, int] = {}
    out = []
    for g in groups:
        seen[g] = seen.get(g, 0) + 1
        out.append(seen[g])
    return out
