"""Plain-language reasons for a cluster's risk, in Chinese and English, strongest
factor first, naming counts, money and names (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from disputegraph.analytics.config import RiskConfig
from disputegraph.analytics.facts import ClusterFacts
from disputegraph.analytics.projection import Projection
from disputegraph.schemas import Category, EmployerKind
from disputegraph.schemas.analysis import ChainFlag, Factor

__all__ = ["format_yuan", "reasons"]


def format_yuan(amount: float, lang: str = "en") -> str:
    """Money the way briefings write it.

    >>> format_yuan(1_900_000), format_yuan(1_900_000, "zh")
    ('¥1.9M', '190万元')
    >>> format_yuan(35_000), format_yuan(35_000, "zh"), format_yuan(800, "zh")
    ('¥35k', '3.5万元', '800元')
    """
    if lang == "zh":
        if amount >= 1e8:
            return f"{amount / 1e8:.3g}亿元"
        if amount >= 1e4:
            return f"{amount / 1e4:.4g}万元"
        return f"{amount:.0f}元"
    if amount >= 1e6:
        return f"¥{amount / 1e6:.3g}M"
    if amount >= 1e3:
        return f"¥{amount / 1e3:.3g}k"
    return f"¥{amount:.0f}"


def _n(count: int, noun: str, plural: str | None = None) -> str:
    """``1 petition`` / ``2 petitions``."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _cat(code: str, lang: str) -> str:
    try:
        return Category(code).label(lang)  # type: ignore[arg-type]
    except ValueError:
        return code


def _emp_kind(proj: Projection, eid: str, lang: str) -> str:
    info = proj.employers.get(eid)
    try:
        return EmployerKind(info.kind).label(lang).lower() if info else ""  # type: ignore[arg-type]
    except ValueError:
        return ""


def reasons(
    proj: Projection, f: ClusterFacts, details: Sequence[Factor], config: RiskConfig
) -> tuple[list[str], list[str]]:
    """Plain-language reasons, strongest factor first, naming counts, money and names."""
    zh, en = _headline(proj, f)
    norm = {d.name: d.normalised for d in details}
    contrib = {d.name: d.contribution for d in details}
    parts = _factor_sentences(f, norm, contrib, config)
    parts.sort(key=lambda t: -t[0])
    return [zh, *(p[2] for p in parts if p[2])], [en, *(p[1] for p in parts if p[1])]


def _headline(proj: Projection, f: ClusterFacts) -> tuple[str, str]:
    """Who and how much, in one sentence (scale, stakes, respondents, place): (zh, en)."""
    main_cat = f.categories.most_common(1)[0][0] if f.categories else "other"

    who_en = f"{f.people_open} people"
    who_zh = f"{f.people_open}人"
    if f.migrant_workers and f.migrant_workers * 2 >= f.persons_open:
        who_en = (
            f"{f.people_open} migrant workers"
            if f.migrant_workers >= f.persons_open
            else (f"{f.people_open} people ({f.migrant_workers} migrant workers)")
        )
        who_zh = (
            f"农民工{f.people_open}人"
            if f.migrant_workers >= f.persons_open
            else (f"{f.people_open}人(其中农民工{f.migrant_workers}人)")
        )
    money_en = f" owed {format_yuan(f.amount_open)}" if f.amount_open >= 1000 else ""
    money_zh = f"涉及金额{format_yuan(f.amount_open, 'zh')}" if f.amount_open >= 1000 else ""
    by_en = by_zh = ""
    emps = [e for e in f.respondents if e in proj.employers]
    if f.top_contractor and len(emps) >= 2:
        top = proj.name_of(f.top_contractor)
        kind_en = _emp_kind(proj, f.top_contractor, "en") or "contractor"
        below = [e for e in emps if e != f.top_contractor]
        by_en = f" by {len(below)} subcontractors of one {kind_en} ({top})"
        by_zh = f"，被申请人为{top}下属{len(below)}家分包/班组"
    elif f.respondents:
        distinct = list(dict.fromkeys(proj.name_of(r) for r in f.respondents))
        names = "、".join(distinct[:2])
        names_en = ", ".join(distinct[:2])
        more = len(distinct) - 2
        by_en = f" by {names_en}" + (f" and {more} more" if more > 0 else "")
        by_zh = f"，被申请人{names}" + (f"等{len(distinct)}方" if more > 0 else "")
    at_en = at_zh = ""
    if f.properties:
        pname = proj.name_of(f.properties[0])
        at_en = f" at {pname}"
        at_zh = f"，涉及{pname}"
    if not f.people_open:
        return f"{f.disputes}件纠纷，均已化解或办结", f"{_n(f.disputes, 'dispute')}, none open"
    return (
        f"{who_zh}涉及{f.open}件未化解{_cat(main_cat, 'zh')}纠纷"
        + (f"，{money_zh}" if money_zh else "")
        + by_zh
        + at_zh,
        f"{who_en} in {f.open} open {_cat(main_cat, 'en').lower()} disputes"
        f"{money_en}{by_en}{at_en}",
    )


def _factor_sentences(
    f: ClusterFacts, norm: dict[str, float], contrib: dict[str, float], config: RiskConfig
) -> list[tuple[float, str, str]]:
    """(contribution, English, Chinese) of every factor that adds to the score."""
    parts: list[tuple[float, str, str]] = []
    if norm["momentum"] > 0:
        base = ((f.new_base + f.contacts_base) * config.risk.momentum_days) / max(
            config.risk.baseline_days, 1
        )
        parts.append(
            (
                contrib["momentum"],
                f"{_n(f.new_recent, 'new case')} and {_n(f.contacts_recent, 'contact')}"
                f" in {config.risk.momentum_days} days (about {base:.0f} a month before)",
                f"近{config.risk.momentum_days}日新增{f.new_recent}件、来电来访{f.contacts_recent}次"
                f"(此前月均约{base:.0f}件次)",
            )
        )
    if norm["escalation"] > 0:
        parts.append((contrib["escalation"], *_escalation(f)))
    if norm["repeat_contact"] > 0 and (f.extra_contacts or f.repeat_petitions):
        parts.append(
            (
                contrib["repeat_contact"],
                f"{_n(f.extra_contacts, 'repeat contact')}"
                f" ({_n(f.repeat_petitions, 'repeat petition')})",
                f"重复诉求{f.extra_contacts}次(重复信访{f.repeat_petitions}次)",
            )
        )
    if f.open and norm["unresolved"] > 0:
        parts.append(
            (
                contrib["unresolved"],
                f"{f.open} of {f.disputes} disputes open, oldest {f.oldest_open_days} days",
                f"{f.disputes}件中{f.open}件未化解，最久{f.oldest_open_days}天",
            )
        )
    if (
        f.wage_open
        and f.festival_days is not None
        and f.festival_days <= config.risk.festival_lead_days
    ):
        parts.append(
            (
                contrib["sensitivity"],
                f"wage arrears {f.festival_days} days before the Spring Festival",
                f"距春节{f.festival_days}天仍有欠薪未解决",
            )
        )
    if norm["vulnerability"] > 0:
        parts.append(
            (
                contrib["vulnerability"],
                _n(f.vulnerable, "vulnerable person", "vulnerable people")
                + " (migrant workers, elderly, disabled, minors)",
                f"涉及弱势群体{f.vulnerable}人",
            )
        )
    if norm["responsibility_gap"] > 0:
        flags_en = ", ".join(sorted(f.gap_flags))
        flags_zh = "、".join(ChainFlag(x).zh for x in sorted(f.gap_flags))
        parts.append(
            (
                contrib["responsibility_gap"],
                f"{_n(f.gap_disputes, 'dispute')} with hand-off problems ({flags_en})",
                f"{f.gap_disputes}件存在流转问题({flags_zh})",
            )
        )
    if norm["rebound"] > 0:
        parts.append((contrib["rebound"], f"{f.rebounds} rebounded", f"反弹{f.rebounds}件"))
    return parts


def _escalation(f: ClusterFacts) -> tuple[str, str]:
    """The escalation signals of a cluster: (English, Chinese)."""
    signals = (
        (f.petitions, _n(f.petitions, "petition"), f"信访{f.petitions}件"),
        (f.skip_level, f"{f.skip_level} skip-level", f"越级访{f.skip_level}件"),
        (f.escalated_steps, _n(f.escalated_steps, "escalation"), f"上报{f.escalated_steps}次"),
        (f.litigated, f"{f.litigated} in litigation", f"转诉讼/仲裁{f.litigated}件"),
        (
            f.failed_mediations,
            _n(f.failed_mediations, "failed mediation"),
            f"调解不成{f.failed_mediations}件",
        ),
        (f.police, _n(f.police, "police call"), f"110警情{f.police}件"),
    )
    present = [(en, zh) for count, en, zh in signals if count]
    return "; ".join(en for en, _ in present), "，".join(zh for _, zh in present)
