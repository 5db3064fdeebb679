"""Clusters on hand-built graphs: components, the community split, hubs, stable ids."""

from __future__ import annotations

from analytics_city import AS_OF, City

from disputegraph.analytics import cluster_id, find_clusters, project
from disputegraph.analytics.clusters import components, hubs


def _two_groups(city: City) -> City:
    """Two groups of four disputes; in each, every dispute names the same two
    applicants (K4,2: 6 nodes, 8 edges). One extra edge DA1–PB1 bridges them,
    so there is one component of 12 nodes.

    Louvain: each group is dense inside and the bridge is one edge out of 17,
    so the best split puts DA1 with group A (4 edges there, 1 to B)."""
    for g in ("A", "B"):
        city.party(f"P{g}1").party(f"P{g}2")
        for k in range(1, 5):
            city.dispute(f"D{g}{k}")
            city.involve(f"D{g}{k}", f"P{g}1").involve(f"D{g}{k}", f"P{g}2")
    city.involve("DA1", "PB1", "third_party")
    return city


def test_components_and_singletons(city: City) -> None:
    # D1, D2 share respondent E1; D3 stands alone (no stakeholder at all);
    # D4 names P4 only -> three components with disputes: {D1,D2,E1}, {D3}, {D4,P4}
    city.employer("E1").party("P4")
    for d in ("D1", "D2", "D3", "D4"):
        city.dispute(d)
    city.involve("D1", "E1", "respondent").involve("D2", "E1", "respondent").involve("D4", "P4")
    p = project(city.store, AS_OF)
    n, labels = components(p)
    assert n == 3
    assert labels[p.index["D1"]] == labels[p.index["D2"]] == labels[p.index["E1"]]
    assert labels[p.index["D3"]] != labels[p.index["D4"]]
    clusters = find_clusters(p)
    assert sorted(c.disputes for c in clusters) == [("D1", "D2"), ("D3",), ("D4",)]
    by_d = {c.disputes: c for c in clusters}
    assert by_d[("D1", "D2")].members == ("E1",)
    assert by_d[("D1", "D2")].size == 3
    assert by_d[("D3",)].members == ()


def test_oversized_component_is_split_deterministically(city: City) -> None:
    p = project(_two_groups(city).store, AS_OF)
    whole = find_clusters(p, size_cap=100)
    assert len(whole) == 1 and whole[0].size == 12 and whole[0].split_from is None
    split = find_clusters(p, size_cap=10, seed=42)
    assert sorted(c.disputes for c in split) == [
        ("DA1", "DA2", "DA3", "DA4"),
        ("DB1", "DB2", "DB3", "DB4"),
    ]
    assert {c.split_from for c in split} == {whole[0].id}
    # every node in exactly one part
    nodes = [n for c in split for n in c.nodes]
    assert sorted(nodes) == list(range(12))
    # same input, same answer
    again = find_clusters(p, size_cap=10, seed=42)
    assert [(c.id, c.nodes) for c in again] == [(c.id, c.nodes) for c in split]


def test_hubs_are_reported_with_their_degree(city: City) -> None:
    # E1 is the respondent of 6 disputes: degree 6; with hub_degree 5 it is a hub
    city.employer("E1", "物业公司")
    for k in range(6):
        city.dispute(f"D{k}").involve(f"D{k}", "E1", "respondent")
    p = project(city.store, AS_OF)
    assert hubs(p, 5) == [("E1", 6)]
    assert hubs(p, 6) == []
    (cluster,) = find_clusters(p, hub_degree=5)
    assert cluster.hubs == (("E1", 6),)


def test_cluster_ids_are_stable_and_membership_derived(city: City) -> None:
    assert cluster_id(["D2", "D1"]) == cluster_id(["D1", "D2"])
    assert cluster_id(["D1", "D2"]) != cluster_id(["D1", "D3"])
    assert cluster_id(["D1"]).startswith("C-") and len(cluster_id(["D1"])) == 12
    city.employer("E1")
    city.dispute("D1").dispute("D2").involve("D1", "E1").involve("D2", "E1")
    first = find_clusters(project(city.store, AS_OF))
    second = find_clusters(project(city.store, AS_OF))
    assert [c.id for c in first] == [c.id for c in second] == [cluster_id(["D1", "D2"])]
