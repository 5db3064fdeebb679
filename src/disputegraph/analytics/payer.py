"""Who must pay a wage-arrears cluster's wages, under 保障农民工工资支付条例 (2020).

For every cluster with a wage-arrears dispute, the employers in arrears (the
debtors: the employers of the workers party to its wage disputes, else the
employers those disputes name as respondents) are followed up their contractor
chain (``SUBCONTRACTOR_OF`` contracts active in the window, as the projection
holds them), and the Regulations name the payers:

* **第二十九条** — a construction unit (建设单位) that has not paid its general
  contractor the project price advances the wages, up to the unpaid price
  (the contract's ``unpaid_yuan``);
* **第三十六条** — a construction unit or general contractor that contracted the
  works out to an individual or a unit without lawful qualification (an
  employer with ``qualified`` false, often a 包工头 or 班组) pays the wages;
* **第三十条** — a subcontractor's arrears are paid first by the general
  contractor (施工总承包单位), which then recovers from the subcontractor; the
  subcontractor that hired the workers is directly liable (and so is the
  subcontractor that contracted to an individual: the general contractor
  recovers from it).

An employer's role comes from its ``kind`` and its place in the chain: a
``developer`` is the construction unit; the one that holds its contract from
the construction unit is the general contractor (else the topmost
``general_contractor``, or a top of the chain that is no subcontractor or
labour team); everyone between is a subcontractor. Payers come in the order
the law asks them to pay (advance, pay or pay first, recourse, direct
liability), nearest the top first. What the data leaves open (a labour team's
qualification not recorded, no general contractor in the chain) becomes a note.

Pure functions over a :class:`~disputegraph.analytics.projection.Projection`;
``run_analysis`` stores the result on each cluster (``liable_payers``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from disputegraph.analytics.clusters import Cluster
from disputegraph.analytics.projection import Projection
from disputegraph.analytics.reasons import format_yuan
from disputegraph.schemas import Category, EmployerKind
from disputegraph.schemas.analysis import (
    Citation,
    ContractorLink,
    ContractorRole,
    LiablePayer,
    LiablePayers,
    PayerDuty,
)

__all__ = ["LAW_EN", "LAW_ZH", "RULES", "PayerIndex", "liable_payers"]

LAW_ZH = "《保障农民工工资支付条例》（2020）"
LAW_EN = "Regulations on Ensuring the Payment of Wages to Migrant Workers (2020)"
_WAGE = Category.WAGE_ARREARS.value
#: kinds that are never a chain's general contractor by position alone
_BELOW = {EmployerKind.SUBCONTRACTOR.value, EmployerKind.LABOUR_TEAM.value}
#: at most this many contractor paths are followed up from one debtor
_MAX_PATHS = 16


class Rule(NamedTuple):
    """An article of the Regulations and its rule, shortly."""

    article: int
    article_zh: str
    rule_zh: str
    rule_en: str

    def citation(self) -> Citation:
        return Citation(zh=f"{LAW_ZH}{self.article_zh}", en=f"{LAW_EN}, art. {self.article}")


#: The article each duty rests on.
RULES: dict[PayerDuty, Rule] = {
    PayerDuty.ADVANCE: Rule(
        29,
        "第二十九条",
        "因建设单位未按照合同约定及时拨付工程款导致农民工工资拖欠的，建设单位应当以未结清的"
        "工程款为限先行垫付被拖欠的农民工工资",
        "a construction unit whose late payment of the project price caused the arrears "
        "advances the wages owed, up to the project price it has not paid",
    ),
    PayerDuty.BEAR: Rule(
        36,
        "第三十六条",
        "建设单位或者施工总承包单位将建设工程发包或者分包给个人或者不具备合法经营资格的单位，"
        "导致拖欠农民工工资的，由建设单位或者施工总承包单位清偿",
        "a construction unit or general contractor that contracted the works out to an "
        "individual or to a unit without lawful business qualification pays the wages owed",
    ),
    PayerDuty.PAY_FIRST: Rule(
        30,
        "第三十条",
        "分包单位拖欠农民工工资的，由施工总承包单位先行清偿，再依法进行追偿",
        "when a subcontractor owes migrant workers' wages, the general contractor pays "
        "them first and then recovers from the subcontractor",
    ),
    PayerDuty.RECOURSE: Rule(
        30,
        "第三十条",
        "施工总承包单位先行清偿后，依法向分包单位追偿",
        "the general contractor that paid first recovers from the subcontractor",
    ),
    PayerDuty.DIRECT: Rule(
        30,
        "第三十条",
        "分包单位对所招用农民工的实名制管理和工资支付负直接责任",
        "a subcontractor is directly liable for paying the migrant workers it hires",
    ),
    PayerDuty.EMPLOYER: Rule(
        3,
        "第三条",
        "农民工有按时足额获得工资的权利，任何单位和个人不得拖欠农民工工资",
        "migrant workers are entitled to full and timely wages; no one may withhold them",
    ),
}
#: the order the law asks payers to pay in
_RANK = {
    PayerDuty.ADVANCE: 0,
    PayerDuty.BEAR: 1,
    PayerDuty.PAY_FIRST: 1,
    PayerDuty.RECOURSE: 2,
    PayerDuty.DIRECT: 3,
    PayerDuty.EMPLOYER: 3,
}


@dataclass
class PayerIndex:
    """What every cluster's answer needs from the projection, indexed once."""

    proj: Projection
    employers_of: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, proj: Projection) -> PayerIndex:
        employers_of: dict[str, list[str]] = defaultdict(list)
        for worker, employer in proj.employments:
            if employer not in employers_of[worker]:
                employers_of[worker].append(employer)
        return cls(proj, dict(employers_of))


@dataclass
class _Found:
    """A payer while the paths are walked."""

    employer_id: str
    duty: PayerDuty
    rank: int
    depth: int
    debtors: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)  # the gc, or the unqualified one
    owed: dict[tuple[str, str], float] = field(default_factory=dict)


def _debtors(index: PayerIndex, cluster: Cluster, wage: Sequence[str]) -> dict[str, int]:
    """Employer in arrears → how many workers of the wage disputes it employs."""
    proj = index.proj
    workers: dict[str, set[str]] = defaultdict(set)
    respondents: list[str] = []
    for d in wage:
        for who, role in proj.involvements.get(d, ()):
            if who in proj.parties:
                for employer in index.employers_of.get(who, ()):
                    workers[employer].add(who)
            elif who in proj.employers and role == "respondent":
                respondents.append(who)
    if workers:
        return {e: len(w) for e, w in sorted(workers.items())}
    return dict.fromkeys(sorted(set(respondents)), 0)


def _paths(start: str, up: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """Every contractor path from ``start`` to a top of its chain (bottom first)."""
    found: list[tuple[str, ...]] = []
    stack: list[tuple[str, ...]] = [(start,)]
    while stack and len(found) < _MAX_PATHS:
        path = stack.pop()
        above = [c for c in sorted(set(up.get(path[-1], ())), reverse=True) if c not in path]
        if not above:
            found.append(path)
        stack.extend((*path, c) for c in above)
    return found


def _general_contractor(proj: Projection, path: tuple[str, ...]) -> int | None:
    """Index on ``path`` of its 施工总承包单位, or None."""

    def kind(i: int) -> str:
        info = proj.employers.get(path[i])
        return info.kind if info is not None else EmployerKind.COMPANY.value

    def unqualified(i: int) -> bool:
        info = proj.employers.get(path[i])
        return info is not None and info.qualified is False

    devs = [i for i in range(len(path)) if kind(i) == EmployerKind.DEVELOPER.value]
    if devs:
        top_dev = devs[-1]
        gc = top_dev - 1
        return gc if gc >= 0 and not unqualified(gc) and gc not in devs else None
    gcs = [i for i in range(len(path)) if kind(i) == EmployerKind.GENERAL_CONTRACTOR.value]
    if gcs:
        return gcs[-1]
    top = len(path) - 1
    return top if top > 0 and kind(top) not in _BELOW and not unqualified(top) else None


def _walk(
    proj: Projection,
    debtor: str,
    path: tuple[str, ...],
    found: dict[tuple[str, PayerDuty], _Found],
    roles: dict[str, ContractorRole],
    notes: list[tuple[str, str]],
) -> None:
    """The payers of ``debtor``'s arrears along one contractor ``path``."""

    def info_of(i: int) -> tuple[str, bool | None]:
        info = proj.employers.get(path[i])
        return (info.kind, info.qualified) if info is not None else ("company", None)

    n = len(path)
    gc = _general_contractor(proj, path)
    dev = next(
        (i for i in range(n - 1, -1, -1) if info_of(i)[0] == EmployerKind.DEVELOPER.value), None
    )
    for i, e in enumerate(path):
        if i == dev or info_of(i)[0] == EmployerKind.DEVELOPER.value:
            roles[e] = ContractorRole.DEVELOPER
        elif i == gc:
            roles[e] = ContractorRole.GENERAL_CONTRACTOR
        else:
            roles.setdefault(e, ContractorRole.SUBCONTRACTOR)

    def add(i: int, duty: PayerDuty, via: str | None = None) -> _Found:
        key = (path[i], duty)
        f = found.get(key)
        if f is None:
            f = found[key] = _Found(path[i], duty, _RANK[duty], n - 1 - i)
        f.depth = min(f.depth, n - 1 - i)
        if debtor not in f.debtors:
            f.debtors.append(debtor)
        if via is not None and via not in f.via:
            f.via.append(via)
        return f

    # 第二十九条: the construction unit owes its general contractor project price
    if dev is not None and gc is not None and gc == dev - 1:
        owed = proj.unpaid.get((path[gc], path[dev]), 0.0)
        if owed > 0:
            add(dev, PayerDuty.ADVANCE, path[gc]).owed[path[gc], path[dev]] = owed
    # 第三十六条: the first unqualified employer up from the debtor, and who contracted to it
    low = next((i for i in range(n) if info_of(i)[1] is False), None)
    if low is not None:
        above = next((j for j in range(low + 1, n) if info_of(j)[1] is not False), None)
        if above is None:
            notes.append(
                (
                    f"{proj.name_of(path[low])}不具备合法经营资格，其上未登记具备资格的发包单位。",
                    f"{proj.name_of(path[low])} has no lawful qualification and no qualified "
                    "contractor above it is recorded.",
                )
            )
        elif above in (dev, gc):
            add(above, PayerDuty.BEAR, path[low])
        elif gc is not None and gc > above:
            add(gc, PayerDuty.PAY_FIRST, path[above])
            add(above, PayerDuty.RECOURSE, path[low])
        else:
            _no_gc(proj, path, notes)
    elif gc is not None and gc > 0:
        add(gc, PayerDuty.PAY_FIRST, debtor)
    elif gc is None and n > 1:
        _no_gc(proj, path, notes)
    if info_of(0)[1] is not False:
        sub = roles[debtor] is ContractorRole.SUBCONTRACTOR
        add(0, PayerDuty.DIRECT if sub else PayerDuty.EMPLOYER)
        if info_of(0) == (EmployerKind.LABOUR_TEAM.value, None) and low is None and n > 1:
            notes.append(_unknown_qualification(proj, path, 1 in (gc, dev)))


def _unknown_qualification(
    proj: Projection, path: tuple[str, ...], top_contractor: bool
) -> tuple[str, str]:
    """The note on a labour team in arrears whose qualification is not recorded."""
    name, contractor = proj.name_of(path[0]), proj.name_of(path[1])
    if top_contractor:
        return (
            f"{name}的经营资格未登记：若其为个人（包工头）或不具备合法经营资格的单位，"
            f"由将工程分包给它的{contractor}清偿（第三十六条）。",
            f"{name}'s qualification is not recorded: if it is an individual (a gang master) "
            f"or an unqualified unit, {contractor}, which contracted to it, pays (art. 36).",
        )
    return (
        f"{name}的经营资格未登记：若其为个人（包工头）或不具备合法经营资格的单位，"
        f"施工总承包单位先行清偿后向将工程分包给它的{contractor}追偿（第三十条）。",
        f"{name}'s qualification is not recorded: if it is an individual (a gang master) "
        f"or an unqualified unit, the general contractor pays first and recovers from "
        f"{contractor}, which contracted to it (art. 30).",
    )


def _no_gc(proj: Projection, path: tuple[str, ...], notes: list[tuple[str, str]]) -> None:
    name = proj.name_of(path[0])
    notes.append(
        (
            f"{name}所在的分包链未登记施工总承包单位，无法确定先行清偿的单位。",
            f"No general contractor is recorded on {name}'s contractor chain: who pays "
            "first cannot be named.",
        )
    )


def _names(proj: Projection, ids: Iterable[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(proj.name_of(i) for i in ids)


def _reasons(proj: Projection, f: _Found) -> tuple[str, str]:
    """Why ``f`` must pay, in Chinese and English."""
    via_zh, via_en = _names(proj, f.via, "zh"), _names(proj, f.via, "en")
    name = proj.name_of(f.employer_id)
    if f.duty is PayerDuty.ADVANCE:
        owed = sum(f.owed.values())
        return (
            f"建设单位{name}未结清施工总承包单位{via_zh}工程款{format_yuan(owed, 'zh')}，"
            f"以此为限先行垫付被拖欠的农民工工资。",
            f"The construction unit {name} has not paid the general contractor {via_en} "
            f"{format_yuan(owed, 'en')} of the project price: it advances the wages up to that.",
        )
    if f.duty is PayerDuty.BEAR:
        return (
            f"{name}将工程发包或分包给个人或不具备合法经营资格的单位{via_zh}，"
            f"导致拖欠农民工工资，由其清偿。",
            f"{name} contracted the works to {via_en}, an individual or a unit without "
            "lawful qualification, so it pays the wages owed.",
        )
    if f.duty is PayerDuty.PAY_FIRST:
        return (
            f"{name}为施工总承包单位，分包单位{via_zh}拖欠农民工工资，由其先行清偿，再依法追偿。",
            f"{name} is the general contractor: its "
            + ("subcontractors " if len(f.via) > 1 else "subcontractor ")
            + f"{via_en} "
            + ("owe" if len(f.via) > 1 else "owes")
            + " the workers' wages, so it pays first and then recovers.",
        )
    if f.duty is PayerDuty.RECOURSE:
        return (
            f"{name}将工程分包给个人或不具备合法经营资格的单位{via_zh}，"
            f"施工总承包单位先行清偿后向其追偿。",
            f"{name} subcontracted to {via_en}, an individual or a unit without lawful "
            "qualification: the general contractor recovers from it what it paid.",
        )
    if f.duty is PayerDuty.DIRECT:
        return (
            f"{name}招用了被欠薪的农民工，对工资支付负直接责任。",
            f"{name} hired the workers owed wages and is directly liable for them.",
        )
    return (
        f"{name}是被欠薪农民工的用人单位，应按时足额支付工资。",
        f"{name} employs the workers owed wages and must pay them in full.",
    )


def liable_payers(index: PayerIndex, cluster: Cluster) -> LiablePayers | None:
    """Who must pay the wages of a cluster: None unless it holds a wage-arrears dispute
    whose employers in arrears have a contractor chain above them."""
    proj = index.proj
    wage = [d for d in cluster.disputes if proj.disputes[d].category == _WAGE]
    if not wage:
        return None
    debtors = _debtors(index, cluster, wage)
    up = proj.contractors_above
    if not any(up.get(e) for e in debtors):
        return None
    found: dict[tuple[str, PayerDuty], _Found] = {}
    roles: dict[str, ContractorRole] = {}
    notes: list[tuple[str, str]] = []
    depth: dict[str, int] = {}
    contractor: dict[str, str] = {}
    for debtor in debtors:
        if not up.get(debtor):
            continue
        for path in _paths(debtor, up):
            _walk(proj, debtor, path, found, roles, notes)
            for i, e in enumerate(path):
                depth[e] = min(depth.get(e, len(path)), len(path) - 1 - i)
                if i + 1 < len(path):
                    contractor.setdefault(e, path[i + 1])
    for debtor in debtors:  # in arrears with no contract above: the employer itself
        if not up.get(debtor) and (debtor, PayerDuty.EMPLOYER) not in found:
            found[debtor, PayerDuty.EMPLOYER] = _Found(
                debtor, PayerDuty.EMPLOYER, _RANK[PayerDuty.EMPLOYER], depth.get(debtor, 0)
            )
            found[debtor, PayerDuty.EMPLOYER].debtors.append(debtor)
    chain = [
        ContractorLink(
            employer_id=e,
            name=proj.name_of(e),
            kind=info.kind if (info := proj.employers.get(e)) is not None else "",
            role=roles[e],
            depth=depth[e],
            contractor_id=contractor.get(e),
            qualified=info.qualified if info is not None else None,
            unpaid_yuan=proj.unpaid.get((e, contractor[e])) if e in contractor else None,
            workers=debtors.get(e, 0),
        )
        for e in sorted(depth, key=lambda e: (depth[e], e))
    ]
    payers = []
    for f in sorted(found.values(), key=lambda f: (f.rank, f.depth, f.employer_id)):
        rule = RULES[f.duty]
        zh, en = _reasons(proj, f)
        payers.append(
            LiablePayer(
                employer_id=f.employer_id,
                name=proj.name_of(f.employer_id),
                role=roles.get(f.employer_id),
                duty=f.duty,
                article=rule.article,
                citation=rule.citation(),
                rule_zh=rule.rule_zh,
                rule_en=rule.rule_en,
                reason_zh=zh,
                reason_en=en,
                limit_yuan=sum(f.owed.values()) if f.owed else None,
                for_employers=f.debtors,
            )
        )
    unique = list(dict.fromkeys(notes))
    return LiablePayers(
        chain=chain,
        debtors=list(debtors),
        payers=payers,
        notes_zh=[zh for zh, _ in unique],
        notes_en=[en for _, en in unique],
    )
