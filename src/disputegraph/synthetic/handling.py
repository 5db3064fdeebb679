"""Hand-off chain templates: how a dispute travels between agencies.

A chain is an intake prefix (by channel), a handling middle (by the kind of
dispute) and an ending (by status). Every combination is expanded once into a
padded table, so the generator picks a template per dispute with one index and
builds all steps with array operations.

Time limits (``due`` days) follow docs/architecture.md §6: petition acceptance 15 days and
handling 60; 12345 tickets 5 working days (7 calendar days here); people's and
pre-litigation mediation 30 days; labour arbitration 45; labour inspection 60;
legal-aid review 7 working days (9 calendar days).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "ACTIONS",
    "CHANNELS",
    "HANDLERS",
    "OUTCOMES",
    "STATUSES",
    "Step",
    "Templates",
    "build_templates",
]

Step = tuple[
    str, str, str, float, float, str
]  # role, action, handling role, mean days, due days, outcome

CHANNELS = (
    "grid_report",
    "hotline_12345",
    "police_110",
    "petition_letter",
    "petition_visit",
    "petition_online",
    "walk_in",
    "court_pre_litigation",
    "womens_federation",
    "labour_inspection",
    "trade_union",
    "proactive_screening",
    "online_sentiment",
    "leader_instruction",
    "other_department",
    "other",
)
STATUSES = (
    "reported",
    "accepted",
    "not_accepted",
    "in_mediation",
    "resolved",
    "failed",
    "litigated",
    "closed",
    "rebounded",
    "withdrawn",
)
OPEN_STATUSES = frozenset(
    {"reported", "accepted", "in_mediation", "failed", "litigated", "rebounded"}
)
ACTIONS = (
    "received",
    "assigned",
    "transferred",
    "signed",
    "accepted",
    "mediated",
    "escalated",
    "supervised",
    "returned",
    "resolved",
    "closed",
    "followed_up",
)
OUTCOMES = (
    "",
    "satisfied",
    "unsatisfied",
    "failed",
    "agreement",
    "withdrawn",
    "not_accepted",
    "wrong_jurisdiction",
)
NO_DUE = float("nan")

_P: dict[str, list[Step]] = {
    "grid_report": [
        ("gs", "received", "lead", 0.1, NO_DUE, ""),
        ("rc", "signed", "lead", 0.5, 3, ""),
    ],
    "hotline_12345": [
        ("xhot", "received", "lead", 0.02, NO_DUE, ""),
        ("xhot", "assigned", "lead", 0.4, 1, ""),
        ("sgov", "signed", "lead", 1.0, 7, ""),
    ],
    "police_110": [
        ("spol", "received", "lead", 0.05, NO_DUE, ""),
        ("spol", "transferred", "lead", 0.5, 3, ""),
        ("sgc", "signed", "lead", 1.0, 3, ""),
    ],
    "petition": [
        ("cpet", "received", "lead", 2.0, 15, ""),
        ("cpet", "accepted", "lead", 1.0, 60, ""),
        ("cpet", "assigned", "lead", 1.0, NO_DUE, ""),
        ("sgov", "signed", "lead", 1.0, 60, ""),
    ],
    "walk_in": [
        ("sgc", "received", "lead", 0.05, NO_DUE, ""),
        ("sgc", "accepted", "lead", 0.5, 3, ""),
    ],
    "court_pre_litigation": [("ccourt", "received", "lead", 1.0, 7, "")],
    "womens_federation": [
        ("cwf", "received", "lead", 0.5, NO_DUE, ""),
        ("cwf", "transferred", "lead", 1.0, NO_DUE, ""),
        ("sgc", "signed", "lead", 1.0, 3, ""),
    ],
    "labour_inspection": [("clab", "received", "lead", 0.5, NO_DUE, "")],
    "trade_union": [
        ("cunion", "received", "lead", 1.0, NO_DUE, ""),
        ("cunion", "transferred", "lead", 1.0, NO_DUE, ""),
    ],
    "proactive_screening": [
        ("gs", "received", "lead", 0.1, NO_DUE, ""),
        ("sgc", "signed", "lead", 1.0, 3, ""),
    ],
    "online_sentiment": [
        ("cgc", "received", "lead", 0.2, NO_DUE, ""),
        ("cgc", "assigned", "lead", 0.5, 7, ""),
        ("sgov", "signed", "lead", 1.0, 7, ""),
    ],
    "leader_instruction": [
        ("cgc", "received", "lead", 0.2, NO_DUE, ""),
        ("cgc", "assigned", "lead", 0.5, 7, ""),
        ("sgov", "signed", "lead", 0.5, 7, ""),
    ],
    "other_department": [("sgc", "received", "lead", 0.3, NO_DUE, "")],
    "other": [("sgc", "received", "lead", 0.3, NO_DUE, "")],
}

#: handling middles: the agencies that do the work for a kind of dispute
HANDLERS: dict[str, list[Step]] = {
    "community": [("cmc", "mediated", "lead", 8.0, 30, "")],
    "street": [
        ("sgc", "accepted", "lead", 1.0, NO_DUE, ""),
        ("smc", "mediated", "lead", 10.0, 30, ""),
    ],
    "property": [
        ("rc", "accepted", "lead", 1.0, NO_DUE, ""),
        ("cpmc", "mediated", "lead", 10.0, 30, ""),
    ],
    "elevator": [
        ("sgov", "accepted", "lead", 2.0, NO_DUE, ""),
        ("chous", "mediated", "co", 5.0, NO_DUE, ""),
        ("cmc", "mediated", "lead", 15.0, 30, ""),
    ],
    "housing": [
        ("chous", "accepted", "lead", 3.0, NO_DUE, ""),
        ("chous", "mediated", "lead", 15.0, 30, ""),
    ],
    "labour": [
        ("clab", "accepted", "lead", 3.0, NO_DUE, ""),
        ("clab", "mediated", "lead", 15.0, 60, ""),
    ],
    "land": [
        ("rc", "accepted", "lead", 2.0, NO_DUE, ""),
        ("cagri", "mediated", "co", 5.0, NO_DUE, ""),
        ("sgov", "mediated", "lead", 12.0, 30, ""),
    ],
    "homestead": [
        ("rc", "accepted", "lead", 2.0, NO_DUE, ""),
        ("cnat", "mediated", "co", 5.0, NO_DUE, ""),
        ("smc", "mediated", "lead", 12.0, 30, ""),
    ],
    "court": [
        ("ccourt", "accepted", "lead", 2.0, NO_DUE, ""),
        ("ccourt", "mediated", "lead", 15.0, 30, ""),
    ],
    "police": [("spol", "mediated", "lead", 3.0, NO_DUE, "")],
    "medical": [
        ("cmed", "accepted", "lead", 2.0, NO_DUE, ""),
        ("cmed", "mediated", "lead", 15.0, 30, ""),
    ],
    "consumer": [
        ("cmkt", "accepted", "lead", 2.0, NO_DUE, ""),
        ("cmkt", "mediated", "lead", 7.0, 30, ""),
    ],
    "environment": [
        ("cenv", "accepted", "lead", 5.0, NO_DUE, ""),
        ("cenv", "mediated", "lead", 10.0, 30, ""),
    ],
    "education": [("cedu", "mediated", "lead", 10.0, 30, "")],
    "family": [
        ("cwf", "mediated", "co", 3.0, NO_DUE, ""),
        ("cmc", "mediated", "lead", 8.0, 30, ""),
    ],
    "fraud": [
        ("cpol", "accepted", "lead", 10.0, NO_DUE, ""),
        ("cgc", "supervised", "lead", 30.0, 60, ""),
    ],
    "demolition": [
        ("sgov", "accepted", "lead", 3.0, NO_DUE, ""),
        ("cnat", "mediated", "co", 10.0, NO_DUE, ""),
        ("sgc", "mediated", "lead", 20.0, 30, ""),
    ],
    "legal_aid": [
        ("claid", "accepted", "lead", 5.0, 9, ""),
        ("carb", "accepted", "lead", 20.0, 45, ""),
    ],
}

#: the agency that closes and calls back, by intake
_OWNER = {"hotline_12345": "xhot", "petition": "cpet"}


def _intake(channel: str) -> list[Step]:
    return _P["petition" if channel.startswith("petition") else channel]


def _chain(channel: str, handler: str, status: str) -> tuple[list[Step], bool]:
    """The steps for one combination and whether the last step is still open."""
    intake = _intake(channel)
    if channel == "court_pre_litigation":
        handler = "court"
    middle = [
        s for s in HANDLERS[handler] if s[0] not in {i[0] for i in intake} or s[1] == "mediated"
    ]
    key = "petition" if channel.startswith("petition") else channel
    owner = _OWNER.get(key, "sgc")
    assert middle, (channel, handler)
    main = middle[-1][0]
    resolved = [(main, "resolved", "lead", 1.0, NO_DUE, "agreement")]
    follow = [(owner, "followed_up", "lead", 2.0, NO_DUE, "satisfied")]
    close = [(owner, "closed", "lead", 0.5, NO_DUE, "")]
    last_m = middle[-1]
    failed_m = [*middle[:-1], (last_m[0], last_m[1], last_m[2], last_m[3], last_m[4], "failed")]
    if status == "reported":
        return intake[:1], True
    if status == "accepted":
        return intake, True
    if status == "in_mediation":
        return intake + middle, True
    if status == "not_accepted":
        first = intake[0]
        return [first, (first[0], "closed", "lead", 1.0, NO_DUE, "not_accepted")], False
    if status == "withdrawn":
        return [*intake, *middle, (main, "closed", "lead", 0.5, NO_DUE, "withdrawn")], False
    if status == "resolved":
        return intake + middle + resolved + follow + close, False
    if status == "closed":
        return intake + middle + follow + close, False
    if status == "failed":
        return intake + failed_m, False
    if status == "litigated":
        onward = (
            ("carb", "accepted", "lead", 20.0, 45, "")
            if handler in {"labour", "legal_aid"}
            else ("ccourt", "accepted", "lead", 20.0, 30, "")
        )
        return [*intake, *failed_m, onward], True
    if status == "rebounded":
        unsatisfied = [(owner, "followed_up", "lead", 2.0, NO_DUE, "unsatisfied")]
        reopen = [("sgc", "received", "lead", 1.0, 30, "")]
        return intake + middle + resolved + unsatisfied + reopen, True
    raise ValueError(status)


@dataclass(frozen=True)
class Templates:
    """Every (channel, handler, status) chain as padded arrays ``[template, step]``."""

    handlers: tuple[str, ...]
    roles: tuple[str, ...]
    role: npt.NDArray[np.int16]
    action: npt.NDArray[np.int8]
    lead: npt.NDArray[np.bool_]
    mean: npt.NDArray[np.float64]
    due: npt.NDArray[np.float64]
    outcome: npt.NDArray[np.int8]
    length: npt.NDArray[np.int64]
    open_last: npt.NDArray[np.bool_]

    def index(
        self,
        channel: npt.NDArray[np.int64],
        handler: npt.NDArray[np.int64],
        status: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.int64]:
        return (channel * len(self.handlers) + handler) * len(STATUSES) + status


def build_templates() -> Templates:
    """Expand every combination once."""
    handlers = tuple(HANDLERS)
    chains = [_chain(c, h, s) for c in CHANNELS for h in handlers for s in STATUSES]
    roles = tuple(sorted({st[0] for ch, _ in chains for st in ch}))
    width = max(len(ch) for ch, _ in chains)
    n = len(chains)
    role = np.zeros((n, width), dtype=np.int16)
    action = np.zeros((n, width), dtype=np.int8)
    lead = np.zeros((n, width), dtype=bool)
    mean = np.zeros((n, width))
    due = np.full((n, width), np.nan)
    outcome = np.zeros((n, width), dtype=np.int8)
    length = np.zeros(n, dtype=np.int64)
    open_last = np.zeros(n, dtype=bool)
    for t, (steps, is_open) in enumerate(chains):
        length[t] = len(steps)
        open_last[t] = is_open
        for k, (r, a, hr, m, d, o) in enumerate(steps):
            role[t, k] = roles.index(r)
            action[t, k] = ACTIONS.index(a)
            lead[t, k] = hr == "lead"
            mean[t, k] = m
            due[t, k] = d
            outcome[t, k] = OUTCOMES.index(o)
    return Templates(handlers, roles, role, action, lead, mean, due, outcome, length, open_last)
