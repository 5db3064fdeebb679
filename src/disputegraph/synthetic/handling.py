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

from disputegraph.schemas.enums import Action, Channel, HandlingRole, Status

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

#: role, action, handling role, mean days, due days, outcome
Step = tuple[str, Action, HandlingRole, float, float, str]

#: every code of the model, in its order (a template's index depends on it)
CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)
STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
OPEN_STATUSES = frozenset(s.value for s in Status if s.is_open)
ACTIONS: tuple[str, ...] = tuple(a.value for a in Action)
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
    Channel.GRID_REPORT: [
        ("gs", Action.RECEIVED, HandlingRole.LEAD, 0.1, NO_DUE, ""),
        ("rc", Action.SIGNED, HandlingRole.LEAD, 0.5, 3, ""),
    ],
    Channel.HOTLINE_12345: [
        ("xhot", Action.RECEIVED, HandlingRole.LEAD, 0.02, NO_DUE, ""),
        ("xhot", Action.ASSIGNED, HandlingRole.LEAD, 0.4, 1, ""),
        ("sgov", Action.SIGNED, HandlingRole.LEAD, 1.0, 7, ""),
    ],
    Channel.POLICE_110: [
        ("spol", Action.RECEIVED, HandlingRole.LEAD, 0.05, NO_DUE, ""),
        ("spol", Action.TRANSFERRED, HandlingRole.LEAD, 0.5, 3, ""),
        ("sgc", Action.SIGNED, HandlingRole.LEAD, 1.0, 3, ""),
    ],
    "petition": [
        ("cpet", Action.RECEIVED, HandlingRole.LEAD, 2.0, 15, ""),
        ("cpet", Action.ACCEPTED, HandlingRole.LEAD, 1.0, 60, ""),
        ("cpet", Action.ASSIGNED, HandlingRole.LEAD, 1.0, NO_DUE, ""),
        ("sgov", Action.SIGNED, HandlingRole.LEAD, 1.0, 60, ""),
    ],
    Channel.WALK_IN: [
        ("sgc", Action.RECEIVED, HandlingRole.LEAD, 0.05, NO_DUE, ""),
        ("sgc", Action.ACCEPTED, HandlingRole.LEAD, 0.5, 3, ""),
    ],
    Channel.COURT_PRE_LITIGATION: [("ccourt", Action.RECEIVED, HandlingRole.LEAD, 1.0, 7, "")],
    Channel.WOMENS_FEDERATION: [
        ("cwf", Action.RECEIVED, HandlingRole.LEAD, 0.5, NO_DUE, ""),
        ("cwf", Action.TRANSFERRED, HandlingRole.LEAD, 1.0, NO_DUE, ""),
        ("sgc", Action.SIGNED, HandlingRole.LEAD, 1.0, 3, ""),
    ],
    Channel.LABOUR_INSPECTION: [("clab", Action.RECEIVED, HandlingRole.LEAD, 0.5, NO_DUE, "")],
    Channel.TRADE_UNION: [
        ("cunion", Action.RECEIVED, HandlingRole.LEAD, 1.0, NO_DUE, ""),
        ("cunion", Action.TRANSFERRED, HandlingRole.LEAD, 1.0, NO_DUE, ""),
    ],
    Channel.PROACTIVE_SCREENING: [
        ("gs", Action.RECEIVED, HandlingRole.LEAD, 0.1, NO_DUE, ""),
        ("sgc", Action.SIGNED, HandlingRole.LEAD, 1.0, 3, ""),
    ],
    Channel.ONLINE_SENTIMENT: [
        ("cgc", Action.RECEIVED, HandlingRole.LEAD, 0.2, NO_DUE, ""),
        ("cgc", Action.ASSIGNED, HandlingRole.LEAD, 0.5, 7, ""),
        ("sgov", Action.SIGNED, HandlingRole.LEAD, 1.0, 7, ""),
    ],
    Channel.LEADER_INSTRUCTION: [
        ("cgc", Action.RECEIVED, HandlingRole.LEAD, 0.2, NO_DUE, ""),
        ("cgc", Action.ASSIGNED, HandlingRole.LEAD, 0.5, 7, ""),
        ("sgov", Action.SIGNED, HandlingRole.LEAD, 0.5, 7, ""),
    ],
    Channel.OTHER_DEPARTMENT: [("sgc", Action.RECEIVED, HandlingRole.LEAD, 0.3, NO_DUE, "")],
    Channel.OTHER: [("sgc", Action.RECEIVED, HandlingRole.LEAD, 0.3, NO_DUE, "")],
}

#: handling middles: the agencies that do the work for a kind of dispute
HANDLERS: dict[str, list[Step]] = {
    "community": [("cmc", Action.MEDIATED, HandlingRole.LEAD, 8.0, 30, "")],
    "street": [
        ("sgc", Action.ACCEPTED, HandlingRole.LEAD, 1.0, NO_DUE, ""),
        ("smc", Action.MEDIATED, HandlingRole.LEAD, 10.0, 30, ""),
    ],
    "property": [
        ("rc", Action.ACCEPTED, HandlingRole.LEAD, 1.0, NO_DUE, ""),
        ("cpmc", Action.MEDIATED, HandlingRole.LEAD, 10.0, 30, ""),
    ],
    "elevator": [
        ("sgov", Action.ACCEPTED, HandlingRole.LEAD, 2.0, NO_DUE, ""),
        ("chous", Action.MEDIATED, HandlingRole.CO, 5.0, NO_DUE, ""),
        ("cmc", Action.MEDIATED, HandlingRole.LEAD, 15.0, 30, ""),
    ],
    "housing": [
        ("chous", Action.ACCEPTED, HandlingRole.LEAD, 3.0, NO_DUE, ""),
        ("chous", Action.MEDIATED, HandlingRole.LEAD, 15.0, 30, ""),
    ],
    "labour": [
        ("clab", Action.ACCEPTED, HandlingRole.LEAD, 3.0, NO_DUE, ""),
        ("clab", Action.MEDIATED, HandlingRole.LEAD, 15.0, 60, ""),
    ],
    "land": [
        ("rc", Action.ACCEPTED, HandlingRole.LEAD, 2.0, NO_DUE, ""),
        ("cagri", Action.MEDIATED, HandlingRole.CO, 5.0, NO_DUE, ""),
        ("sgov", Action.MEDIATED, HandlingRole.LEAD, 12.0, 30, ""),
    ],
    "homestead": [
        ("rc", Action.ACCEPTED, HandlingRole.LEAD, 2.0, NO_DUE, ""),
        ("cnat", Action.MEDIATED, HandlingRole.CO, 5.0, NO_DUE, ""),
        ("smc", Action.MEDIATED, HandlingRole.LEAD, 12.0, 30, ""),
    ],
    "court": [
        ("ccourt", Action.ACCEPTED, HandlingRole.LEAD, 2.0, NO_DUE, ""),
        ("ccourt", Action.MEDIATED, HandlingRole.LEAD, 15.0, 30, ""),
    ],
    "police": [("spol", Action.MEDIATED, HandlingRole.LEAD, 3.0, NO_DUE, "")],
    "medical": [
        ("cmed", Action.ACCEPTED, HandlingRole.LEAD, 2.0, NO_DUE, ""),
        ("cmed", Action.MEDIATED, HandlingRole.LEAD, 15.0, 30, ""),
    ],
    "consumer": [
        ("cmkt", Action.ACCEPTED, HandlingRole.LEAD, 2.0, NO_DUE, ""),
        ("cmkt", Action.MEDIATED, HandlingRole.LEAD, 7.0, 30, ""),
    ],
    "environment": [
        ("cenv", Action.ACCEPTED, HandlingRole.LEAD, 5.0, NO_DUE, ""),
        ("cenv", Action.MEDIATED, HandlingRole.LEAD, 10.0, 30, ""),
    ],
    "education": [("cedu", Action.MEDIATED, HandlingRole.LEAD, 10.0, 30, "")],
    "family": [
        ("cwf", Action.MEDIATED, HandlingRole.CO, 3.0, NO_DUE, ""),
        ("cmc", Action.MEDIATED, HandlingRole.LEAD, 8.0, 30, ""),
    ],
    "fraud": [
        ("cpol", Action.ACCEPTED, HandlingRole.LEAD, 10.0, NO_DUE, ""),
        ("cgc", Action.SUPERVISED, HandlingRole.LEAD, 30.0, 60, ""),
    ],
    "demolition": [
        ("sgov", Action.ACCEPTED, HandlingRole.LEAD, 3.0, NO_DUE, ""),
        ("cnat", Action.MEDIATED, HandlingRole.CO, 10.0, NO_DUE, ""),
        ("sgc", Action.MEDIATED, HandlingRole.LEAD, 20.0, 30, ""),
    ],
    "legal_aid": [
        ("claid", Action.ACCEPTED, HandlingRole.LEAD, 5.0, 9, ""),
        ("carb", Action.ACCEPTED, HandlingRole.LEAD, 20.0, 45, ""),
    ],
}

#: the agency that closes and calls back, by intake
_OWNER = {Channel.HOTLINE_12345: "xhot", "petition": "cpet"}


def _intake_key(channel: str) -> str:
    """The intake of a channel: its own, or one for the three petition channels."""
    return "petition" if Channel(channel).is_petition else channel


def _chain(channel: str, handler: str, status: str) -> tuple[list[Step], bool]:
    """The steps for one combination and whether the last step is still open."""
    key = _intake_key(channel)
    intake = _P[key]
    if channel == Channel.COURT_PRE_LITIGATION:
        handler = "court"
    middle = [
        s
        for s in HANDLERS[handler]
        if s[0] not in {i[0] for i in intake} or s[1] == Action.MEDIATED
    ]
    owner = _OWNER.get(key, "sgc")
    assert middle, (channel, handler)
    main = middle[-1][0]
    resolved = [(main, Action.RESOLVED, HandlingRole.LEAD, 1.0, NO_DUE, "agreement")]
    follow = [(owner, Action.FOLLOWED_UP, HandlingRole.LEAD, 2.0, NO_DUE, "satisfied")]
    close = [(owner, Action.CLOSED, HandlingRole.LEAD, 0.5, NO_DUE, "")]
    last_m = middle[-1]
    failed_m = [*middle[:-1], (last_m[0], last_m[1], last_m[2], last_m[3], last_m[4], "failed")]
    if status == Status.REPORTED:
        return intake[:1], True
    if status == Status.ACCEPTED:
        return intake, True
    if status == Status.IN_MEDIATION:
        return intake + middle, True
    if status == Status.NOT_ACCEPTED:
        first = intake[0]
        return [
            first,
            (first[0], Action.CLOSED, HandlingRole.LEAD, 1.0, NO_DUE, "not_accepted"),
        ], False
    if status == Status.WITHDRAWN:
        return [
            *intake,
            *middle,
            (main, Action.CLOSED, HandlingRole.LEAD, 0.5, NO_DUE, "withdrawn"),
        ], False
    if status == Status.RESOLVED:
        return intake + middle + resolved + follow + close, False
    if status == Status.CLOSED:
        return intake + middle + follow + close, False
    if status == Status.FAILED:
        return intake + failed_m, False
    if status == Status.LITIGATED:
        onward = (
            ("carb", Action.ACCEPTED, HandlingRole.LEAD, 20.0, 45, "")
            if handler in {"labour", "legal_aid"}
            else ("ccourt", Action.ACCEPTED, HandlingRole.LEAD, 20.0, 30, "")
        )
        return [*intake, *failed_m, onward], True
    if status == Status.REBOUNDED:
        unsatisfied = [(owner, Action.FOLLOWED_UP, HandlingRole.LEAD, 2.0, NO_DUE, "unsatisfied")]
        reopen = [("sgc", Action.RECEIVED, HandlingRole.LEAD, 1.0, 30, "")]
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
            lead[t, k] = hr == HandlingRole.LEAD
            mean[t, k] = m
            due[t, k] = d
            outcome[t, k] = OUTCOMES.index(o)
    return Templates(handlers, roles, role, action, lead, mean, due, outcome, length, open_last)
