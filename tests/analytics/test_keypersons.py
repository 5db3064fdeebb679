"""Key persons: cut vertices, betweenness and lead roles on a cluster's own subgraph,
on small graphs whose answers are worked out by hand (each says how)."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import pytest
from analytics_city import AS_OF, City

from disputegraph.analytics import find_clusters, project, run_analysis
from disputegraph.analytics.config import KeyPersonSettings, RiskConfig, load_risk_config
from disputegraph.analytics.keypersons import (
    KeyPersonIndex,
    betweenness,
    cut_vertices,
    key_persons,
    sentence,
)
from disputegraph.exceptions import ConfigError
from disputegraph.i18n import STRINGS
from disputegraph.schemas import KeyReason, KeyReasonCode

# A triangle with a tail that forks:
#
#   0 — 1
#    \ /
#     2 — 3 — 4
#         |
#         5
#
# By hand: 2 and 3 are the articulation points. Without 2 the graph falls into
# {0, 1} and {3, 4, 5}: 2 parts, the 2 nodes of the smaller cut off. Without 3 it
# falls into {0, 1, 2}, {4} and {5}: 3 parts, 2 nodes cut off. Betweenness: of the
# C(5, 2) = 10 pairs of other nodes, 2 lies on the one shortest path of the 6 pairs
# {0, 1} × {3, 4, 5} (0.6) and 3 on those of {4, 5} × {0, 1, 2} and (4, 5): 7 (0.7);
# 0, 1, 4 and 5 are on none. Order: 3, 2, then the rest at 0.
BOWTIE = [[1, 2], [0, 2], [0, 1, 3], [2, 4, 5], [3], [3]]


def test_cut_vertices_by_hand() -> None:
    persons = [True, True, False, True, True, False]  # 2 and 5 are not persons
    assert cut_vertices(BOWTIE, persons) == {2: (2, 2, 2), 3: (3, 2, 1)}
    # a cycle has none; two components are measured each on its own
    assert cut_vertices([[1, 2], [0, 2], [0, 1]], [True] * 3) == {}
    assert cut_vertices([[1], [0, 2], [1], [4], [3]], [True] * 5) == {1: (2, 1, 1)}


def test_betweenness_by_hand() -> None:
    assert betweenness(BOWTIE).round(6).tolist() == [0.0, 0.0, 0.6, 0.7, 0.0, 0.0]
    assert betweenness([[1], [0]]).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("seed", range(12))
def test_betweenness_and_cuts_agree_with_networkx(seed: int) -> None:
    """On random graphs (some disconnected, some dense, some larger than the dense
    cut-over) both measures equal networkx's."""
    rng = random.Random(seed)
    n = rng.choice([5, 20, 60, 140])
    g = nx.gnm_random_graph(n, rng.randint(n - 2, 3 * n), seed=seed)
    adj = [sorted(g[v]) for v in range(n)]
    expected = nx.betweenness_centrality(g, normalized=True)
    assert betweenness(adj) == pytest.approx([expected[v] for v in range(n)], abs=1e-9)
    cuts = cut_vertices(adj, [True] * n)
    assert set(cuts) == set(nx.articulation_points(g))
    for v, (parts, cut, people) in cuts.items():
        rest = g.subgraph(nx.node_connected_component(g, v) - {v})
        sizes = sorted(len(c) for c in nx.connected_components(rest))
        assert (parts, cut, people) == (len(sizes), sum(sizes[:-1]), sum(sizes[:-1]))


def _chain_of_disputes(city: City) -> City:
    """D1 (P1 representative, P2, P3) — P1 — D2 (P1 representative, P4, R respondent)
    — R — D3 (R respondent, P5): a tree of 9 nodes."""
    for p in ("P1", "P2", "P3", "P4", "P5", "R"):
        city.party(p)
    for d in ("D1", "D2", "D3"):
        city.dispute(d)
    city.involve("D1", "P1", "representative").involve("D1", "P2").involve("D1", "P3")
    city.involve("D2", "P1", "representative").involve("D2", "P4")
    city.involve("D2", "R", "respondent")
    return city.involve("D3", "R", "respondent").involve("D3", "P5")


def test_a_chain_of_disputes_ranks_the_representative_then_the_respondent(city: City) -> None:
    # By hand, on the tree above (9 nodes, 28 pairs of other nodes):
    # P1 splits {D1, P2, P3} from the other 5: cuts 3 nodes off (2 persons), and lies
    #    on the paths of 3 × 5 = 15 pairs (15/28); representative in 2 disputes:
    #    score 0.5·15/28 + 0.3·3/8 + 0.2·2/3 = 0.5137.
    # R  splits {D3, P5} from the other 6: cuts 2 off (1 person), 2 × 6 = 12 pairs
    #    (12/28); no lead role: score 0.5·12/28 + 0.3·2/8 = 0.2893.
    # P2–P5 are leaves (no path through them, no lead role): not listed; the disputes
    #    are cut vertices too but never ranked.
    _chain_of_disputes(city)
    result = run_analysis(city.store, as_of=AS_OF)
    cluster = result.cluster_of("D1")
    assert cluster is not None and cluster.size == 9
    p1, r = cluster.key_persons
    assert (p1.entity_id, p1.label, p1.kind) == ("P1", "Party", "person")
    assert (p1.score, p1.betweenness) == (0.5137, round(15 / 28, 4))
    assert (p1.parts, p1.cut_off, p1.cut_off_people, p1.disputes) == (2, 3, 2, 2)
    assert p1.roles == {"representative": 2}
    assert [(x.code, x.fields) for x in p1.reasons] == [
        (KeyReasonCode.CUT_VERTEX, {"parts": 2, "cut": 3, "people": 2}),
        (KeyReasonCode.BETWEENNESS, {"pct": 54}),
        (KeyReasonCode.REPRESENTATIVE, {"n": 2}),
        (KeyReasonCode.DISPUTES, {"n": 2, "total": 3}),
    ]
    assert p1.reasons_en[0] == (
        "ties 2 parts of the cluster together: removing it cuts 3 nodes off from the rest "
        "(persons among them: 2)"
    )
    assert p1.reasons_zh[2] == "在本簇2起纠纷中担任代表人"
    assert (r.entity_id, r.score, r.cut_off, r.cut_off_people) == ("R", 0.2893, 2, 1)
    assert [x.code for x in r.reasons] == [
        KeyReasonCode.CUT_VERTEX,
        KeyReasonCode.BETWEENNESS,
        KeyReasonCode.RESPONDENT,
        KeyReasonCode.DISPUTES,
    ]
    assert r.reason_text("en").startswith("ties 2 parts") and "respondent in 2" in r.reason_text(
        "en"
    )
    assert "本簇2起纠纷的被申请人" in r.reason_text("zh")


def test_top_and_min_size_come_from_the_settings(city: City) -> None:
    _chain_of_disputes(city)
    proj = project(city.store, AS_OF)
    (cluster,) = find_clusters(proj)
    index = KeyPersonIndex.of(proj)
    assert [p.entity_id for p in key_persons(index, proj, cluster, KeyPersonSettings())] == [
        "P1",
        "R",
    ]
    top1 = key_persons(index, proj, cluster, KeyPersonSettings(top=1))
    assert [p.entity_id for p in top1] == ["P1"]
    assert key_persons(index, proj, cluster, KeyPersonSettings(min_size=10)) == []
    # without the lead-role weight, the representative of a single dispute is not key
    no_lead = KeyPersonSettings(weights={"betweenness": 0.6, "cut_off": 0.4, "lead_role": 0.0})
    p1, _ = key_persons(index, proj, cluster, no_lead)
    assert p1.score == round(0.6 * 15 / 28 + 0.4 * 3 / 8, 4)


def test_an_employer_of_two_teams_ties_a_wage_cluster(city: City) -> None:
    """Two disputes, each of two workers of one labour company X (respondent in both):
    D1 – W1, W2; D2 – W3, W4; every worker EMPLOYED_BY X. By hand (7 nodes, 15 pairs of
    other nodes): without X, {D1, W1, W2} and {D2, W3, W4} fall apart (2 parts, 3 nodes
    cut off, 2 of them persons); X is on the only paths of the 3 × 3 pairs across and on
    one of the two shortest paths of W1–W2 and of W3–W4: (9 + ½ + ½) / 15."""
    city.employer("X", "力诚劳务有限公司", kind="labour_team")
    for d, workers in (("D1", ("W1", "W2")), ("D2", ("W3", "W4"))):
        city.dispute(d, category="wage_arrears")
        for w in workers:
            city.party(w).employ(w, "X", since="2025-06-01").involve(d, w)
        city.involve(d, "X", "respondent")
    result = run_analysis(city.store, as_of=AS_OF)
    cluster = result.cluster_of("D1")
    assert cluster is not None
    top = cluster.key_persons[0]
    assert (top.entity_id, top.label, top.kind) == ("X", "Employer", "labour_team")
    assert (top.parts, top.cut_off, top.cut_off_people) == (2, 3, 2)
    assert top.betweenness == round(10 / 15, 4)
    assert [x.code for x in top.reasons] == [
        KeyReasonCode.CUT_VERTEX,
        KeyReasonCode.BETWEENNESS,
        KeyReasonCode.RESPONDENT,
        KeyReasonCode.EMPLOYER,
        KeyReasonCode.DISPUTES,
    ]
    assert top.reasons_en[3] == "employs 4 of the cluster's parties"


def test_every_reason_code_has_its_sentence() -> None:
    for code in KeyReasonCode:
        assert f"keyperson.{code.value}" in STRINGS
    fields = {"parts": 3, "cut": 14, "people": 12, "pct": 40, "n": 4, "total": 6}
    for code in KeyReasonCode:
        used = {k: v for k, v in fields.items() if "{" + k + "}" in STRINGS[f"keyperson.{code}"][1]}
        reason = KeyReason(code=code, fields=used)
        assert "{" not in sentence(reason, "zh") and "{" not in sentence(reason, "en")
    cut = KeyReason(code=KeyReasonCode.CUT_VERTEX, fields={"parts": 3, "cut": 14, "people": 12})
    assert sentence(cut, "en").startswith("ties 3 parts of the cluster together")


def test_the_settings_are_checked(tmp_path: Path) -> None:
    assert load_risk_config().key_persons.top == 10
    bad = tmp_path / "bad.toml"
    bad.write_text("[key_persons]\nweights = { betweenness = 0.9, cut_off = 0.9, lead_role = 0 }\n")
    with pytest.raises(ConfigError, match=r"key_persons.*sum to at most 1"):
        load_risk_config(bad)
    assert isinstance(load_risk_config(), RiskConfig)


def test_one_dispute_lists_only_its_representative(city: City) -> None:
    """A star: D1 with representative P1 and applicants P2–P4. By hand: only D1 is on
    any path or cuts anything off, and disputes are not ranked; P1 is listed for its
    role alone (0.2 · 1/3 = 0.0667), the applicants not at all."""
    for p in ("P1", "P2", "P3", "P4"):
        city.party(p)
    city.dispute("D1").involve("D1", "P1", "representative")
    for p in ("P2", "P3", "P4"):
        city.involve("D1", p)
    cluster = run_analysis(city.store, as_of=AS_OF).cluster_of("D1")
    assert cluster is not None
    assert [(p.entity_id, p.score, p.betweenness, p.parts) for p in cluster.key_persons] == [
        ("P1", 0.0667, 0.0, 0)
    ]
    assert [x.code for x in cluster.key_persons[0].reasons] == [KeyReasonCode.REPRESENTATIVE]
