"""The cooperation network through its HTTP API: relations, surveys, metrics, exports, policies."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio

BUKOWIEC = "0414012"
DRAGACZ = "0414022"
TORUN = "0463011"
BASE = "/api/v1/network"


async def tie(
    client: Any, staff: Any, a: int, b: int, relation_type: str = "cooperates", **extra: Any
) -> dict[str, Any]:
    body = {"source_id": a, "target_id": b, "relation_type": relation_type, **extra}
    response = await client.post(f"{BASE}/relations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_relation_crud_with_etag_and_audit(client, staff, org):
    a = await org("Spółdzielnia Socjalna Razem", "social_cooperative")
    b = await org("Urząd Gminy Bukowiec", "gmina_office")
    created = await tie(client, staff, b, a, "contracts_service", value_pln="12500.00", social_clause=True,
                        valid_from="2024-01-01")  # fmt: skip
    assert created["directed"] is True and created["origin"] == "manual"
    assert created["value_pln"] == "12500.00"
    rid = created["id"]
    read = await client.get(f"{BASE}/relations/{rid}", headers=staff.headers)
    assert read.headers["etag"] == f'"relation-{rid}-v1"'
    no_match = await client.patch(
        f"{BASE}/relations/{rid}", json={"intensity": "coordination"}, headers=staff.headers
    )
    assert no_match.status_code == 428
    changed = await client.patch(
        f"{BASE}/relations/{rid}", json={"intensity": "coordination", "valid_to": "2025-12-31"},
        headers={**staff.headers, "If-Match": read.headers["etag"]},
    )  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["intensity"] == "coordination" and changed.json()["version"] == 2
    stale = await client.patch(
        f"{BASE}/relations/{rid}",
        json={"weight": 3},
        headers={**staff.headers, "If-Match": read.headers["etag"]},
    )
    assert stale.status_code == 412
    listing = await client.get(f"{BASE}/relations", params={"organisation_id": a}, headers=staff.headers)
    assert listing.json()["total"] == 1
    active = await client.get(f"{BASE}/relations", params={"active_on": "2026-06-01"}, headers=staff.headers)
    assert active.json()["total"] == 0
    gone = await client.delete(
        f"{BASE}/relations/{rid}", headers={**staff.headers, "If-Match": f'"relation-{rid}-v2"'}
    )
    assert gone.status_code == 204
    assert (await client.get(f"{BASE}/relations/{rid}", headers=staff.headers)).status_code == 404


async def test_bad_relations_are_refused_with_specific_messages(client, staff, org):
    a = await org("Fundacja Pomocy")
    cases = [
        ({"source_id": a, "target_id": a}, "target_id", "pętla"),
        ({"source_id": a, "target_id": 999999}, "target_id", "999999"),
        ({"source_id": a, "target_id": 999998, "valid_from": "2025-01-01", "valid_to": "2024-01-01"},
         "valid_to", "wcześniejsza"),
    ]  # fmt: skip
    for body, field, fragment in cases:
        response = await client.post(
            f"{BASE}/relations", json={"relation_type": "cooperates", **body}, headers=staff.headers
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        messages = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert fragment in messages[field]
    unknown_type = await client.post(
        f"{BASE}/relations",
        json={"source_id": a, "target_id": a, "relation_type": "friends"},
        headers=staff.headers,
    )
    assert unknown_type.status_code in (400, 422)
    assert unknown_type.headers["content-type"].startswith("application/problem+json")
    assert any("relation_type" in e["field"] for e in unknown_type.json()["errors"])


async def test_role_policies(client, staff, reviewer, committee, caller_for, org):
    owes_org = await org("OWES Kujawy", is_owes=True)
    other = await org("Stowarzyszenie Inne")
    third = await org("Stowarzyszenie Trzecie")
    mine = await tie(client, staff, owes_org, other, "owes_supports")
    theirs = await tie(client, staff, other, third)
    owes = await caller_for(Role.OWES, organisation_id=owes_org, name="owes-net")
    body = {"source_id": other, "target_id": third, "relation_type": "cooperates"}
    for caller in (reviewer, committee, owes):
        assert (await client.post(f"{BASE}/relations", json=body, headers=caller.headers)).status_code == 403
    assert (await client.get(f"{BASE}/relations", headers=committee.headers)).status_code == 403
    own = await client.get(f"{BASE}/relations", headers=owes.headers)
    assert [r["id"] for r in own.json()["items"]] == [mine["id"]]
    assert (await client.get(f"{BASE}/relations/{theirs['id']}", headers=owes.headers)).status_code == 404
    assert (await client.get(f"{BASE}/relations/{mine['id']}", headers=owes.headers)).status_code == 200
    # An OWES sees only its own ego network; asking for another's answers 404.
    ego = await client.get(f"{BASE}/metrics", headers=owes.headers)
    assert ego.status_code == 200 and ego.json()["scope"]["ego"] == owes_org
    assert ego.json()["summary"]["nodes"] == 2
    assert (
        await client.get(f"{BASE}/metrics", params={"ego": other}, headers=owes.headers)
    ).status_code == 404
    assert (await client.get(f"{BASE}/communities", headers=owes.headers)).status_code == 403
    assert (await client.get(f"{BASE}/metrics", headers=committee.headers)).status_code == 200
    assert (await client.get(f"{BASE}/metrics")).status_code == 401


async def test_metrics_by_territory_date_and_cache_invalidation(client, staff, committee, org):
    hub = await org("Centrum Integracji", "association")
    spokes = [await org(f"Stowarzyszenie {i}", gmina=DRAGACZ) for i in range(3)]
    far = await org("Fundacja Toruńska", "foundation", gmina=TORUN)
    for spoke in spokes:
        await tie(client, staff, hub, spoke, valid_from="2024-01-01")
    await tie(client, staff, hub, far, valid_from="2025-06-01")
    first = await client.get(f"{BASE}/metrics", params={"territory": "0414"}, headers=committee.headers)
    assert first.status_code == 200, first.text
    body = first.json()
    summary = body["summary"]
    assert body["cached"] is False
    assert (summary["nodes"], summary["ties"]) == (4, 3)
    assert summary["centralization"]["degree"] == pytest.approx(1.0)  # a star
    assert summary["density"] == pytest.approx(0.5)
    again = await client.get(f"{BASE}/metrics", params={"territory": "0414"}, headers=committee.headers)
    assert again.json()["cached"] is True and again.json()["summary"] == summary
    region = await client.get(f"{BASE}/metrics", params={"as_of": "2025-01-01"}, headers=committee.headers)
    assert region.json()["summary"]["ties"] == 3
    # A new tie makes a new version: the cached answer is not served.
    await tie(client, staff, spokes[0], spokes[1], valid_from="2024-02-01")
    after = await client.get(f"{BASE}/metrics", params={"territory": "0414"}, headers=committee.headers)
    assert after.json()["cached"] is False and after.json()["summary"]["ties"] == 4
    assert after.json()["version"] > body["version"]
    nodes = await client.get(f"{BASE}/metrics/nodes", params={"territory": "0414", "sort": "degree"},
                             headers=committee.headers)  # fmt: skip
    assert nodes.json()["items"][0]["id"] == hub and nodes.json()["items"][0]["degree"] == 3
    bad = await client.get(
        f"{BASE}/metrics", params={"territory": "04x", "types": "friends"}, headers=committee.headers
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"territory", "types"}
    change = await client.get(f"{BASE}/change", params={"from_date": "2024-06-01", "to_date": "2025-12-31"},
                              headers=committee.headers)  # fmt: skip
    assert change.status_code == 200, change.text
    assert (change.json()["new_ties"], change.json()["ended_ties"]) == (1, 0)


async def test_communities_recommendations_and_register_ties(client, staff, reviewer, org):
    office = await org("Urząd Gminy Bukowiec", "gmina_office")
    pes = [await org(f"Spółdzielnia {i}", "social_cooperative") for i in range(3)]
    lonely = await org("Stowarzyszenie w Dragaczu", gmina=DRAGACZ)
    # A CIS run by the office: a tie taken from the register itself.
    cis = await org("CIS Bukowiec", "cis", founder_id=office)
    await tie(client, staff, pes[0], pes[1])
    await tie(client, staff, pes[1], pes[2])
    await tie(client, staff, pes[0], pes[2])
    await tie(client, staff, pes[2], lonely)
    response = await client.get(
        f"{BASE}/recommendations", params={"territory": "0414"}, headers=reviewer.headers
    )
    assert response.status_code == 200, response.text
    recs = response.json()
    # Bukowiec's office runs the CIS (a tie from the register); Dragacz's PES has no tie to its office.
    assert [g["gmina"] for g in recs["gminas_without_local_government_tie"]] == ["041402"]
    assert pes[2] in {c["id"] for c in recs["critical_organisations"]}
    communities = await client.get(
        f"{BASE}/communities", params={"territory": "0414"}, headers=reviewer.headers
    )
    body = communities.json()
    assert body["seed"] == 42 and body["total"] >= 2
    assert any(set(c["members"]) == {office, cis} for c in body["items"])
    metrics = (
        await client.get(f"{BASE}/metrics", params={"types": "founds_runs"}, headers=reviewer.headers)
    ).json()
    assert metrics["summary"]["ties"] == 1


async def test_communities_only_when_asked_for(client, staff, committee, org):
    # Two triangles in powiat 0414 joined by one tie, one tie to Toruń (another powiat).
    ids = [await org(f"Stowarzyszenie T{i}", gmina=DRAGACZ) for i in range(6)]
    far = await org("Fundacja spoza powiatu", gmina=TORUN)
    for a, b in [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)]:
        await tie(client, staff, ids[a], ids[b], valid_from="2024-01-01")
    await tie(client, staff, ids[0], far, valid_from="2024-01-01")
    await tie(client, staff, ids[1], ids[4], valid_from="2023-01-01", valid_to="2023-12-31")
    params = {"territory": "0414"}
    plain = (await client.get(f"{BASE}/metrics", params=params, headers=committee.headers)).json()
    assert plain["summary"]["communities"] is None
    assert (plain["summary"]["ties"], plain["summary"]["bridges"]) == (7, 1)
    full = await client.get(
        f"{BASE}/metrics", params={**params, "communities": "true"}, headers=committee.headers
    )
    assert full.status_code == 200 and full.json()["cached"] is False
    found = full.json()["summary"]["communities"]
    # Modularity of the split (m = 7, each side 3 inner ties and degree sum 7): 5/14.
    assert (found["count"], found["sizes"], found["seed"]) == (2, [3, 3], 42)
    assert found["modularity"] == pytest.approx(5 / 14, abs=1e-6)
    rows = (await client.get(f"{BASE}/metrics/nodes", params=params, headers=committee.headers)).json()[
        "items"
    ]
    assert {r["community"] for r in rows} == {None}
    rows = (
        await client.get(
            f"{BASE}/metrics/nodes", params={**params, "communities": "true"}, headers=committee.headers
        )
    ).json()["items"]
    assert {r["community"] for r in rows} == {0, 1}
    # A past date inside a territory: the tie of 2023 existed, the triangles did not yet.
    past = (
        await client.get(
            f"{BASE}/metrics", params={**params, "as_of": "2023-06-01"}, headers=committee.headers
        )
    ).json()
    assert (past["summary"]["nodes"], past["summary"]["ties"]) == (6, 1)
    typed = (
        await client.get(
            f"{BASE}/metrics", params={**params, "types": "owes_supports"}, headers=committee.headers
        )
    ).json()
    assert typed["summary"]["ties"] == 0


async def test_exports_graphml_gexf_json(client, staff, committee, org):
    import io

    a = await org("Fundacja Łączy")
    b = await org("Firma Sp. z o.o.", "business")
    await tie(client, staff, a, b, weight=2)
    graphml = await client.get(f"{BASE}/export.graphml", headers=committee.headers)
    assert graphml.status_code == 200
    assert graphml.headers["content-type"].startswith("application/graphml+xml")
    assert "siec.graphml" in graphml.headers["content-disposition"]
    graph = nx.read_graphml(io.BytesIO(graphml.content))
    assert graph.has_edge(str(a), str(b)) and graph.nodes[str(b)]["sector"] == "business"
    gexf = await client.get(f"{BASE}/export.gexf", headers=committee.headers)
    assert gexf.headers["content-type"].startswith("application/gexf+xml")
    assert nx.read_gexf(io.BytesIO(gexf.content)).number_of_edges() == 1  # one relation, one edge
    data = (await client.get(f"{BASE}/export.json", headers=committee.headers)).json()
    assert {n["name"] for n in data["nodes"]} >= {"Fundacja Łączy", "Firma Sp. z o.o."}
    assert {(link["source"], link["target"]) for link in data["links"]} >= {(a, b), (b, a)}


async def test_survey_round_responses_scores_and_ties(client, staff, committee, caller_for, org):
    owes_org = await org("OWES Pomorze", is_owes=True)
    partner = await org("Spółdzielnia Partner", "social_cooperative")
    outsider = await org("Niezaproszona Fundacja", "foundation")
    created = await client.post(
        f"{BASE}/surveys", json={"name": "Badanie sieci 2025", "opened_on": "2025-03-01",
                                 "invited_ids": [owes_org, partner]}, headers=staff.headers,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    assert (created.json()["invited"], created.json()["responded"]) == (2, 0)
    owes = await caller_for(Role.OWES, organisation_id=owes_org, name="owes-survey")
    bad = await client.post(
        f"{BASE}/surveys/{sid}/responses",
        json={"respondent_id": owes_org,
              "partners": [{"partner_id": partner, "trust": [1, 5, 2], "value": [0, 2, 3]},
                           {"partner_id": owes_org, "trust": [1, 1], "value": [1, 1, 1]}]},
        headers=owes.headers,
    )  # fmt: skip
    assert bad.status_code == 422
    fields = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert "1–4" in fields["partners.0.trust.1"] and "1–4" in fields["partners.0.value.0"]
    assert "siebie" in fields["partners.1.partner_id"] and "trzy" in fields["partners.1.trust"]
    not_invited = await client.post(
        f"{BASE}/surveys/{sid}/responses",
        json={"respondent_id": outsider, "partners": []},
        headers=staff.headers,
    )
    assert not_invited.status_code == 422
    assert "nie została zaproszona" in not_invited.json()["errors"][0]["message"]
    for_other = await client.post(
        f"{BASE}/surveys/{sid}/responses",
        json={"respondent_id": partner, "partners": []},
        headers=owes.headers,
    )
    assert for_other.status_code == 404
    ok = await client.post(
        f"{BASE}/surveys/{sid}/responses",
        json={
            "respondent_id": owes_org,
            "partners": [{"partner_id": partner, "trust": [4, 3, 2], "value": [4, 4, 1]}],
        },
        headers=owes.headers,
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["relations_created"] == 1
    again = await client.post(
        f"{BASE}/surveys/{sid}/responses",
        json={"respondent_id": owes_org, "partners": []},
        headers=owes.headers,
    )
    assert again.status_code == 409
    await client.post(
        f"{BASE}/surveys/{sid}/responses",
        json={
            "respondent_id": partner,
            "partners": [{"partner_id": owes_org, "trust": [2, 2, 2], "value": [3, 3, 3]}],
        },
        headers=staff.headers,
    )
    scores = (await client.get(f"{BASE}/surveys/{sid}/scores", headers=committee.headers)).json()
    assert (scores["invited"], scores["responded"], scores["response_rate"]) == (2, 2, 1.0)
    # Relationship trust: mean of 3.0 and 2.0; value: mean of 3.0 and 3.0.
    assert scores["relationship_trust"] == pytest.approx(2.5) and scores[
        "relationship_value"
    ] == pytest.approx(3.0)
    by_org = {o["organisation_id"]: o for o in scores["organisations"]}
    assert by_org[partner]["trust"] == pytest.approx(3.0) and by_org[owes_org]["value"] == pytest.approx(3.0)
    closed = await client.post(f"{BASE}/surveys/{sid}/close", headers=staff.headers)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    late = await client.post(
        f"{BASE}/surveys/{sid}/responses",
        json={"respondent_id": owes_org, "partners": []},
        headers=owes.headers,
    )
    assert late.status_code == 409 and "zamknięta" in late.json()["detail"]
    ties = (await client.get(f"{BASE}/relations", params={"origin": "survey"}, headers=staff.headers)).json()
    assert ties["total"] == 2 and {t["valid_from"] for t in ties["items"]} == {"2025-03-01"}


async def test_large_scopes_are_measured_in_a_worker_process(client, staff, committee, monkeypatch, org):
    from network import dispatch

    a = await org("Stowarzyszenie A")
    b = await org("Stowarzyszenie B")
    c = await org("Stowarzyszenie C")
    await tie(client, staff, a, b)
    await tie(client, staff, b, c)
    in_thread = (
        await client.get(f"{BASE}/metrics", params={"territory": "0414"}, headers=committee.headers)
    ).json()
    monkeypatch.setattr(dispatch, "PROCESS_THRESHOLD", 0)
    dispatch.CACHE.clear()
    in_process = (
        await client.get(f"{BASE}/metrics", params={"territory": "0414"}, headers=committee.headers)
    ).json()
    assert in_thread["summary"]["ties"] == 2
    # The worker process reads the database through its own connection, so it sees committed data
    # only; this test's writes sit in a transaction that is rolled back, so it finds no ties.
    assert in_process["cached"] is False
    assert in_process["summary"]["ties"] == 0 and "centralization" in in_process["summary"]


async def test_csv_import_all_or_nothing_with_line_numbers(client, staff, reviewer, org):
    a = await org("Spółdzielnia Import A", "social_cooperative")
    b = await org("Urząd Gminy Import", "gmina_office")
    bad = (
        "source_id,target_id,relation_type,valid_from,valid_to,value_pln\n"
        f"{b},{a},contracts_service,2024-01-01,,15000\n"
        f"{a},{a},cooperates,,,\n"
        f"{a},999999,friends,2025-01-01,2024-01-01,\n"
    )
    files = {"data": ("relacje.csv", bad.encode(), "text/csv")}
    refused = await client.post(f"{BASE}/relations/import", files=files, headers=staff.headers)
    assert refused.status_code == 422, refused.text
    problems = {(e["row"], e["field"]) for e in refused.json()["errors"]}
    assert problems == {(3, "target_id"), (4, "relation_type"), (4, "valid_to")}
    assert (await client.get(f"{BASE}/relations", headers=staff.headers)).json()["total"] == 0
    good = bad.splitlines()[0] + "\n" + bad.splitlines()[1] + "\n" + f"{a},{b},cooperates,2023-05-01,,\n"
    files = {"data": ("relacje.csv", good.encode(), "text/csv")}
    assert (
        await client.post(f"{BASE}/relations/import", files=files, headers=reviewer.headers)
    ).status_code == 403
    done = await client.post(f"{BASE}/relations/import", files=files, headers=staff.headers)
    assert done.status_code == 201, done.text
    assert done.json()["created"] == 2
    listed = (
        await client.get(f"{BASE}/relations", params={"origin": "import"}, headers=staff.headers)
    ).json()
    assert listed["total"] == 2
    assert {r["value_pln"] for r in listed["items"]} == {"15000.00", None}


async def test_gephi_exports_label_organisations_by_name_and_carry_each_relation(client, staff, org):
    """GEXF and GraphML: node labels are names; each relation is an edge with its intensity, dates,
    value and origin, as recorded (two relations between one pair stay two edges)."""
    import io

    a = await org("Spółdzielnia Socjalna Eksport", "social_cooperative")
    b = await org("Urząd Gminy Eksport", "gmina_office")
    contract = await tie(
        client, staff, b, a, "contracts_service",
        value_pln="12500.50", intensity="coordination", valid_from="2024-02-01", social_clause=True,
    )  # fmt: skip
    await tie(client, staff, a, b, "cooperates", valid_from="2025-01-01")
    for path, reader in (("export.gexf", nx.read_gexf), ("export.graphml", nx.read_graphml)):
        response = await client.get(f"{BASE}/{path}", headers=staff.headers)
        assert response.status_code == 200, response.text
        graph = reader(io.BytesIO(response.content))
        labels = {graph.nodes[n].get("label") for n in graph}
        assert {"Spółdzielnia Socjalna Eksport", "Urząd Gminy Eksport"} <= labels, path
        edges = [data for _, _, data in graph.edges(data=True)]
        by_type = {data["relation_type"]: data for data in edges}
        assert len(edges) == 2, (path, edges)
        recorded = by_type["contracts_service"]
        assert recorded["intensity"] == "coordination" and recorded["value_pln"] == "12500.50"
        assert recorded["valid_from"] == "2024-02-01" and recorded["origin"] == "manual"
        assert int(recorded["relation_id"]) == contract["id"]
        assert by_type["cooperates"]["valid_from"] == "2025-01-01"
        assert by_type["cooperates"]["directed"] in (False, "false", "False")


async def test_status_says_whether_the_region_index_holds_the_current_data(client, staff, org):
    before = (await client.get(f"{BASE}/status", headers=staff.headers)).json()
    a, b = await org("Status A"), await org("Status B")
    await tie(client, staff, a, b)
    after = (await client.get(f"{BASE}/status", headers=staff.headers)).json()
    assert after["version"] == before["version"] + 1
    # A network this small is read from the database: no index is kept for it.
    assert after["index"]["current"] is False and after["index"]["min_ties"] == 20_000
