"""URL state: parsing, round trips, tolerance of hand-edited URLs, and the URL/controls sync."""

from __future__ import annotations

from datetime import date

from dash import no_update

from disputegraph.dashboard import ids
from disputegraph.dashboard.app import sync_state
from disputegraph.views.state import ViewState


def test_round_trip_keeps_every_field() -> None:
    state = ViewState(
        lang="en",
        as_of=date(2026, 2, 1),
        window=90,
        district="西湖区",
        category="wage_arrears",
        status="open",
        level="red",
        cluster="C-1",
        group="C-1:g2",
        entity="P-1",
        dispute="D-1",
    )
    assert ViewState.from_query(state.to_query()) == state
    assert ViewState.from_dict(state.as_dict()) == state


def test_malformed_values_are_dropped_not_raised() -> None:
    state = ViewState.from_query(
        "?as_of=yesterday&window=-3&category=nonsense&level=purple&lang=fr"
    )
    assert state == ViewState()


def test_labels_are_accepted_and_normalised_to_codes() -> None:
    state = ViewState.from_query("?category=欠薪&status=调解中&level=red")
    assert (state.category, state.status, state.level) == ("wage_arrears", "in_mediation", "red")


def test_filters_only_drops_page_parameters() -> None:
    state = ViewState.from_query("?district=A&id=C-9&entity=P-1")
    assert state.filters_only().to_query() == "?district=A"
    assert state.with_page(entity="P-2").to_values() == {"district": "A", "entity": "P-2"}


def test_sync_from_url_sets_controls_and_state() -> None:
    out = sync_state(None, "?district=A&window=90&lang=en", "zh", [None] * 6)
    search, lang, *controls, data = out
    assert search is no_update
    assert lang == "en"
    assert controls == [no_update, 90, "A", no_update, no_update, no_update]
    assert data["district"] == "A"


def test_sync_from_control_writes_url_and_keeps_page_parameters() -> None:
    out = sync_state(
        ids.FILTER_DISTRICT, "?id=C-1&group=C-1:g0", "zh", [None, None, "B", None, None, None]
    )
    search, lang, *controls, data = out
    assert lang is no_update
    assert search == "?district=B&id=C-1"  # a filter change leaves the drill-in group
    assert all(c is no_update for c in controls)
    assert data["cluster"] == "C-1"
    assert data["district"] == "B"


def test_sync_before_the_location_reports_the_url_changes_nothing() -> None:
    """The first call can run before ``dcc.Location`` has mounted (search is
    None); answering it with the defaults raced the call carrying the deep link."""
    out = sync_state(None, None, "zh", ["2026-01-01", 90, "A", None, None, None], "zh")
    assert all(v is no_update for v in out)
    assert len(out) == 9


def test_a_control_reporting_as_it_mounts_keeps_the_deep_link() -> None:
    """A date picker reports its empty value as it mounts, while the other
    controls still hold the defaults: only that control's part may change, or
    the defaults are written back over the link (lang, window, district lost)."""
    link = "?lang=en&window=365&district=A&id=C-1"
    out = sync_state(ids.FILTER_AS_OF, link, "zh", [None] * 6)
    search, lang, *_, data = out
    assert search is no_update
    assert lang is no_update
    assert (data["lang"], data["window"], data["district"], data["cluster"]) == (
        "en",
        365,
        "A",
        "C-1",
    )


def test_clearing_a_control_drops_only_its_filter() -> None:
    out = sync_state(ids.FILTER_DISTRICT, "?lang=en&window=90&district=A", "en", [None] * 6)
    assert out[0] == "?lang=en&window=90"
