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


def _lead(role: str, action: Action, mean: float, due: float = NO_DUE, outcome: str = "") -> Step:
    """A step the agency in ``role`` leads: ``mean`` days on average, ``due`` its time limit."""
    return (role, action, HandlingRole.LEAD, mean, due, outcome)


def _co(role: str, action: Action, mean: float) -> Step:
    """A step the agency in ``role`` works on beside the lead, with no time limit of its own."""
    return (role, action, HandlingRole.CO, mean, NO_DUE, "")


_P: dict[str, list[Step]] = {
    Channel.GRID_REPORT: [_lead("gs", Action.RECEIVED, 0.1), _lead("rc", Action.SIGNED, 0.5, 3)],
    Channel.HOTLINE_12345: [
        _lead("xhot", Action.RECEIVED, 0.02),
        _lead("xhot", Action.ASSIGNED, 0.4, 1),
        _lead("sgov", Action.SIGNED, 1.0, 7),
    ],
    Channel.POLICE_110: [
        _lead("spol", Action.RECEIVED, 0.05),
        _lead("spol", Action.TRANSFERRED, 0.5, 3),
        _lead("sgc", Action.SIGNED, 1.0, 3),
    ],
    "petition": [
        _lead("cpet", Action.RECEIVED, 2.0, 15),
        _lead("cpet", Action.ACCEPTED, 1.0, 60),
        _lead("cpet", Action.ASSIGNED, 1.0),
        _lead("sgov", Action.SIGNED, 1.0, 60),
    ],
    Channel.WALK_IN: [_lead("sgc", Action.RECEIVED, 0.05), _lead("sgc", Action.ACCEPTED, 0.5, 3)],
    Channel.COURT_PRE_LITIGATION: [_lead("ccourt", Action.RECEIVED, 1.0, 7)],
    Channel.WOMENS_FEDERATION: [
        _lead("cwf", Action.RECEIVED, 0.5),
        _lead("cwf", Action.TRANSFERRED, 1.0),
        _lead("sgc", Action.SIGNED, 1.0, 3),
    ],
    Channel.LABOUR_INSPECTION: [_lead("clab", Action.RECEIVED, 0.5)],
    Channel.TRADE_UNION: [
        _lead("cunion", Action.RECEIVED, 1.0),
        _lead("cunion", Action.TRANSFERRED, 1.0),
    ],
    Channel.PROACTIVE_SCREENING: [
        _lead("gs", Action.RECEIVED, 0.1),
        _lead("sgc", Action.SIGNED, 1.0, 3),
    ],
    Channel.ONLINE_SENTIMENT: [
        _lead("cgc", Action.RECEIVED, 0.2),
        _lead("cgc", Action.ASSIGNED, 0.5, 7),
        _lead("sgov", Action.SIGNED, 1.0, 7),
    ],
    Channel.LEADER_INSTRUCTION: [
        _lead("cgc", Action.RECEIVED, 0.2),
        _lead("cgc", Action.ASSIGNED, 0.5, 7),
        _lead("sgov", Action.SIGNED, 0.5, 7),
    ],
    Channel.OTHER_DEPARTMENT: [_lead("sgc", Action.RECEIVED, 0.3)],
    Channel.OTHER: [_lead("sgc", Action.RECEIVED, 0.3)],
}

#: handling middles: the agencies that do the work for a kind of dispute
HANDLERS: dict[str, list[Step]] = {
    "community": [_lead("cmc", Action.MEDIATED, 8.0, 30)],
    "street": [_lead("sgc", Action.ACCEPTED, 1.0), _lead("smc", Action.MEDIATED, 10.0, 30)],
    "property": [_lead("rc", Action.ACCEPTED, 1.0), _lead("cpmc", Action.MEDIATED, 10.0, 30)],
    "elevator": [
        _lead("sgov", Action.ACCEPTED, 2.0),
        _co("chous", Action.MEDIATED, 5.0),
        _lead("cmc", Action.MEDIATED, 15.0, 30),
    ],
    "housing": [_lead("chous", Action.ACCEPTED, 3.0), _lead("chous", Action.MEDIATED, 15.0, 30)],
    "labour": [_lead("clab", Action.ACCEPTED, 3.0), _lead("clab", Action.MEDIATED, 15.0, 60)],
    "land": [
        _lead("rc", Action.ACCEPTED, 2.0),
        _co("cagri", Action.MEDIATED, 5.0),
        _lead("sgov", Action.MEDIATED, 12.0, 30),
    ],
    "homestead": [
        _lead("rc", Action.ACCEPTED, 2.0),
        _co("cnat", Action.MEDIATED, 5.0),
        _lead("smc", Action.MEDIATED, 12.0, 30),
    ],
    "court": [_lead("ccourt", Action.ACCEPTED, 2.0), _lead("ccourt", Action.MEDIATED, 15.0, 30)],
    "police": [_lead("spol", Action.MEDIATED, 3.0)],
    "medical": [_lead("cmed", Action.ACCEPTED, 2.0), _lead("cmed", Action.MEDIATED, 15.0, 30)],
    "consumer": [_lead("cmkt", Action.ACCEPTED, 2.0), _lead("cmkt", Action.MEDIATED, 7.0, 30)],
    "environment": [_lead("cenv", Action.ACCEPTED, 5.0), _lead("cenv", Action.MEDIATED, 10.0, 30)],
    "education": [_lead("cedu", Action.MEDIATED, 10.0, 30)],
    "family": [_co("cwf", Action.MEDIATED, 3.0), _lead("cmc", Action.MEDIATED, 8.0, 30)],
    "fraud": [_lead("cpol", Action.ACCEPTED, 10.0), _lead("cgc", Action.SUPERVISED, 30.0, 60)],
    "demolition": [
        _lead("sgov", Action.ACCEPTED, 3.0),
        _co("cnat", Action.MEDIATED, 10.0),
        _lead("sgc", Action.MEDIATED, 20.0, 30),
    ],
    "legal_aid": [
        _lead("claid", Action.ACCEPTED, 5.0, 9),
        _lead("carb", Action.ACCEPTED, 20.0, 45),
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
    resolved = [_lead(main, Action.RESOLVED, 1.0, outcome="agreement")]
    follow = [_lead(owner, Action.FOLLOWED_UP, 2.0, outcome="satisfied")]
    close = [_lead(owner, Action.CLOSED, 0.5)]
    failed_m = [*middle[:-1], (*middle[-1][:5], "failed")]
    if status == Status.REPORTED:
        return intake[:1], True
    if status == Status.ACCEPTED:
        return intake, True
    if status == Status.IN_MEDIATION:
        return intake + middle, True
    if status == Status.NOT_ACCEPTED:
        first = intake[0]
        return [first, _lead(first[0], Action.CLOSED, 1.0, outcome="not_accepted")], False
    if status == Status.WITHDRAWN:
        return [*intake, *middle, _lead(main, Action.CLOSED, 0.5, outcome="withdrawn")], False
    if status == Status.RESOLVED:
        return intake + middle + resolved + follow + close, False
    if status == Status.CLOSED:
        return intake + middle + follow + close, False
    if status == Status.FAILED:
        return intake + failed_m, False
    if status == Status.LITIGATED:
        onward = (
            _lead("carb", Action.ACCEPTED, 20.0, 45)
            if handler in {"labour", "legal_aid"}
            else _lead("ccourt", Action.ACCEPTED, 20.0, 30)
        )
        return [*intake, *failed_m, onward], True
    if status == Status.REBOUNDED:
        unsatisfied = [_lead(owner, Action.FOLLOWED_UP, 2.0, outcome="unsatisfied")]
        reopen = [_lead("sgc", Action.RECEIVED, 1.0, 30)]
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
