"""The hand-off chains of a chunk's disputes: a template per dispute, timed in office hours,
and the ``handlings`` rows with the agency of each step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from disputegraph.schemas.enums import HandlingRole
from disputegraph.synthetic.background.cases import BoolArray, Cases, IntArray
from disputegraph.synthetic.background.tables import HANDLER
from disputegraph.synthetic.city import AGENCY_ROLES, City, Columns
from disputegraph.synthetic.handling import ACTIONS, OPEN_STATUSES, OUTCOMES, STATUSES, Templates
from disputegraph.synthetic.timing import DAY, WORK, Window, from_work, iso_times, to_work

__all__ = ["Handoffs", "time_handoffs", "write_handlings"]


@dataclass(frozen=True)
class Handoffs:
    """Per dispute its template and per ``[dispute, step]`` the step's times."""

    tpl: IntArray
    valid: BoolArray  # a real step (templates are padded)
    started: IntArray
    ended: IntArray
    is_open_step: BoolArray
    due: IntArray
    has_due: BoolArray
    status_name: npt.NDArray[np.str_]
    closed_status: BoolArray  # per dispute: settled (not an open status)
    closed_at: IntArray  # per dispute: the end of its last step


def time_handoffs(
    rng: np.random.Generator, cases: Cases, templates: Templates, window: Window
) -> Handoffs:
    """Pick each dispute's template and lay its steps out between the report and now.

    Durations are office time (08:00-18:00 local): a step of "d days" takes d working
    windows, and every hand-off falls in office hours.
    """
    n, reported = cases.n, cases.reported
    handler = np.array([templates.handlers.index(h) for h in HANDLER])[cases.cat]
    tpl = templates.index(cases.channel, handler, cases.status)
    length = templates.length[tpl]
    width = templates.role.shape[1]
    valid = np.arange(width)[None, :] < length[:, None]
    dur = templates.mean[tpl] * rng.gamma(2.0, 0.5, size=(n, width)) * WORK
    dur = np.where(valid, dur, 0.0)
    open_last = templates.open_last[tpl]
    last_idx = length - 1
    completed = dur.copy()
    completed[open_last, last_idx[open_last]] = 0.0
    total = completed.sum(axis=1)
    w0 = to_work(reported)
    available = to_work(np.full(n, window.now)) - w0
    scale = np.minimum(1.0, 0.93 * available / np.maximum(total, 1.0))
    completed = completed * scale[:, None]
    ends_rel = np.cumsum(completed, axis=1).astype(np.int64)
    starts_rel = ends_rel - completed.astype(np.int64)
    started = np.maximum(from_work(w0[:, None] + starts_rel), reported[:, None])
    ended = np.maximum(from_work(w0[:, None] + ends_rel), started)
    is_open_step = np.zeros((n, width), dtype=bool)
    is_open_step[open_last, last_idx[open_last]] = True
    due_days = templates.due[tpl]
    has_due = ~np.isnan(due_days)
    due = started + np.nan_to_num(due_days * DAY).astype(np.int64)
    status_name = np.asarray(STATUSES)[cases.status]
    closed_status = ~np.isin(status_name, list(OPEN_STATUSES))
    closed_at = ended[np.arange(n), last_idx]
    return Handoffs(
        tpl,
        valid,
        started,
        ended,
        is_open_step,
        due,
        has_due,
        status_name,
        closed_status,
        closed_at,
    )


def write_handlings(
    hd: Columns,
    d_ids: npt.NDArray[np.str_],
    cases: Cases,
    handoffs: Handoffs,
    templates: Templates,
    city: City,
) -> None:
    """One ``handlings`` row per step, at the agency of its role where the dispute is."""
    tpl = handoffs.tpl
    rows, steps = np.nonzero(handoffs.valid)
    role = templates.role[tpl[rows], steps]
    agency = np.empty(len(rows), dtype=object)
    level_index = {
        "grid": cases.grid,
        "community": cases.comm,
        "street": cases.street,
        "district": cases.district,
    }
    for r_i, r_name in enumerate(templates.roles):
        m = role == r_i
        if not m.any():
            continue
        lvl = AGENCY_ROLES[r_name][0]
        ids = city.agency_of[r_name]
        agency[m] = ids[level_index[lvl][rows[m]]] if lvl in level_index else ids[0]
    lead = templates.lead[tpl[rows], steps]
    hd["dispute_id"] = d_ids[rows].tolist()
    hd["seq"] = [str(s) for s in steps.tolist()]
    hd["agency_id"] = agency.tolist()
    hd["action"] = np.asarray(ACTIONS)[templates.action[tpl[rows], steps]].tolist()
    hd["started_at"] = iso_times(handoffs.started[rows, steps])
    hd["ended_at"] = iso_times(handoffs.ended[rows, steps], handoffs.is_open_step[rows, steps])
    hd["due_at"] = iso_times(handoffs.due[rows, steps], ~handoffs.has_due[rows, steps])
    hd["role"] = np.where(lead, HandlingRole.LEAD.value, HandlingRole.CO.value).tolist()
    hd["outcome"] = np.asarray(OUTCOMES)[templates.outcome[tpl[rows], steps]].tolist()
    hd["note"] = [""] * len(rows)
