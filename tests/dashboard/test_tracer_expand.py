"""The tracer's expand-on-demand state machine (no browser needed)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from dash import no_update

from disputegraph.dashboard import ids
from disputegraph.dashboard.pages import tracer
from disputegraph.views.state import ViewState


def _expand(
    monkeypatch: pytest.MonkeyPatch, trigger: str, entity: str, tapped: object, current: object
) -> object:
    monkeypatch.setattr(tracer, "ctx", SimpleNamespace(triggered_id=trigger))
    data = ViewState(entity=entity).as_dict()
    return tracer.expand(data, tapped, current)  # type: ignore[arg-type]


def test_a_new_entity_starts_over(monkeypatch: pytest.MonkeyPatch) -> None:
    old = {"entity": "P1", "nodes": ["E1"]}
    assert _expand(monkeypatch, "url", "P2", None, old) == {"entity": "P2", "nodes": []}


def test_a_tap_adds_the_node_once(monkeypatch: pytest.MonkeyPatch) -> None:
    current = {"entity": "P1", "nodes": []}
    tap = {"id": "E1", "kind": "Employer"}
    grown = _expand(monkeypatch, ids.TRACER_NETWORK, "P1", tap, current)
    assert grown == {"entity": "P1", "nodes": ["E1"]}
    assert _expand(monkeypatch, ids.TRACER_NETWORK, "P1", tap, grown) is no_update
    root = {"id": "P1", "kind": "Party"}
    assert _expand(monkeypatch, ids.TRACER_NETWORK, "P1", root, current) is no_update
    group = {"id": "g:1", "kind": "Group"}
    assert _expand(monkeypatch, ids.TRACER_NETWORK, "P1", group, current) is no_update


def test_a_tap_before_the_reset_round_trip_is_not_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    # The page has just loaded entity P1: the store still holds nothing (or the
    # previous entity) when the user taps a neighbour.
    tap = {"id": "E1", "kind": "Employer"}
    assert _expand(monkeypatch, ids.TRACER_NETWORK, "P1", tap, None) == {
        "entity": "P1",
        "nodes": ["E1"],
    }
