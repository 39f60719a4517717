"""The JSON routes of the HTTP app over the five seed plans (fake encoder): answers and errors."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from search.corpus import TaskDoc
from search.retrieve import Hit, hit_dict

SUPPORT = runpy.run_path(str(Path(__file__).with_name("test_app_support.py")))
api_data, client = SUPPORT["api_data"], SUPPORT["client"]
assert_error, HY, HY_TASK, LC_TASK = (SUPPORT[k] for k in ("assert_error", "HY", "HY_TASK", "LC_TASK"))
SEED_PLANS = {"tinh-bac-giang-2021", "huyen-gia-nghia-2024", "tinh-hung-yen-2021-24-kh-ubnd",
              "tinh-lao-cai-2023-166-kh-ubnd", "xa-trung-trac-2023-06-kh-ubnd"}  # fmt: skip
POOR = "cong khai ho ngheo"


def search(client, **params):
    response = client.get("/search", params={"q": POOR, **params})
    assert response.status_code == 200, response.text
    return response.json()


# ---------------------------------------------------------------- search


def test_search_finds_the_poor_household_lists_in_several_plans_without_accents(client):
    data = search(client, limit=50)
    assert data["query"] == POOR and data["total"] >= len(data["hits"]) > 0
    plans = {h["planKey"] for h in data["hits"]}
    assert len(plans) >= 3
    assert all("<mark>" in h["highlights"] for h in data["hits"][:5])
    assert any(h["papi"]["notation"] == "2.2" for h in data["hits"][:5])


def test_a_hit_has_the_shape_of_the_search_cli(client):
    doc = TaskDoc(task="t", text="x", plan="p", plan_key="k", plan_label="l", locality="",
                  level="xa", province="", province_now="", year=None)  # fmt: skip
    cli_keys = set(hit_dict(Hit(doc, 1.0, "both", "x")))
    for hit in search(client, limit=5)["hits"]:
        assert cli_keys <= set(hit), cli_keys - set(hit)
        assert set(hit["source"]) == {"file", "lines"}


@pytest.mark.parametrize(
    ("params", "offset"), [({}, 0), ({}, 5), ({"level": "xa"}, 0), ({"papi": "D2", "year_from": 2022}, 3)]
)
def test_a_page_is_what_the_search_package_answers(client, api_data, params, offset):
    from api.deps import Resources
    from search.retrieve import Filters
    from search.retrieve import search as engine

    res = Resources(SUPPORT["app_settings"](api_data))
    hits = engine(res.index(), POOR, filters=Filters(**params), k=offset + 5)
    res.close()
    page = search(client, limit=5, offset=offset, **params)
    assert [h["task"] for h in page["hits"]] == [h.doc.task for h in hits[offset:]]
    assert page["offset"] == offset and page["limit"] == 5 and page["total"] >= offset + len(page["hits"])


def test_query_vectors_are_embedded_once():
    from api.deps import QueryCache
    from search.encoders import FakeEncoder

    class Counting(FakeEncoder):
        calls = 0

        def encode_queries(self, texts):
            Counting.calls += len(texts)
            return super().encode_queries(texts)

    plain, cached = FakeEncoder(), QueryCache(Counting(), size=2)
    texts = ["công khai hộ nghèo", "tiếp công dân"]
    assert (cached.encode_queries(texts) == plain.encode_queries(texts)).all()
    cached.encode_queries(texts[:1])
    assert Counting.calls == 2
    cached.encode_queries(["a", "b"])  # evicts both
    assert (cached.encode_queries(texts[1:]) == plain.encode_queries(texts[1:])).all()
    assert Counting.calls == 5 and len(cached._vectors) == 2
    assert cached.fingerprint == plain.fingerprint and cached.dim == plain.dim


@pytest.mark.parametrize(("papi", "wanted"), [("2.2", "2.2"), ("2-2", "2.2"), ("D2", "2."), ("2", "2.")])
def test_papi_filter_keeps_tasks_under_the_concept(client, papi, wanted):
    hits = search(client, papi=papi, limit=30)["hits"]
    assert hits
    for hit in hits:
        assert any(c["notation"].startswith(wanted) for c in hit["concepts"]), hit["concepts"]


@pytest.mark.parametrize("province", ["Lâm Đồng", "dak nong", "Tỉnh Đắk Nông"])
def test_province_filter_knows_names_before_and_after_2025(client, province):
    hits = search(client, province=province, limit=50)["hits"]
    assert hits and {h["planKey"] for h in hits} == {"huyen-gia-nghia-2024"}


def test_level_year_plan_and_exclude_filters(client):
    assert {h["level"] for h in search(client, level="xa", limit=50)["hits"]} == {"xa"}
    years = {h["year"] for h in search(client, year_from=2023, year_to=2023, limit=50)["hits"]}
    assert years == {2023}
    only = search(client, plan=HY, limit=50)["hits"]
    assert {h["planKey"] for h in only} == {HY.split("/")[-1]}
    without = search(client, exclude_plan=[HY.split("/")[-1]], limit=50)["hits"]
    assert without and HY.split("/")[-1] not in {h["planKey"] for h in without}


def test_unit_filter_matches_lead_units_without_accents(client):
    hits = search(client, unit="uy ban nhan dan xa", limit=20)["hits"]
    assert hits and all(any("xã" in u.lower() for u in h["leadUnits"]) for h in hits)


@pytest.mark.parametrize(
    ("params", "mentions"),
    [
        ({"q": ""}, ["empty"]),
        ({"q": "   "}, ["empty"]),
        ({"q": "x" * 501}, ["501", "500"]),
        ({"papi": "9.9"}, ["'9.9'"]),
        ({"papi": "hộ nghèo"}, ["'hộ nghèo'"]),
        ({"level": "thon"}, ["'thon'"]),
        ({"province": "Atlantis"}, ["'Atlantis'"]),
        ({"year_from": "abc"}, ["year_from", "'abc'"]),
        ({"year_to": "20x1"}, ["year_to"]),
        ({"year_from": 2024, "year_to": 2021}, ["2024", "2021"]),
        ({"year_from": 1066}, ["year_from"]),
        ({"plan": "plan/nowhere"}, ["'plan/nowhere'"]),
        ({"exclude_plan": "nowhere"}, ["'nowhere'"]),
        ({"limit": 0}, ["limit"]),
        ({"limit": 1000}, ["limit"]),
        ({"offset": -1}, ["offset"]),
        ({"provice": "Hưng Yên"}, ["'provice'"]),
    ],
)
def test_bad_search_parameters_answer_400_naming_them(client, params, mentions):
    response = client.get("/search", params={"q": POOR, **params})
    assert_error(response, 400, None, *mentions)


# ---------------------------------------------------------------- tasks


def test_a_task_comes_with_everything(client, api_data):
    task = client.get(f"/tasks/{LC_TASK}").json()
    assert task["id"] == LC_TASK and task["text"].startswith("Thực hiện Nghị định số 90/2013")
    assert task["plan"]["id"] == "plan/tinh-lao-cai-2023-166-kh-ubnd" and task["plan"]["year"] == 2023
    assert task["locality"]["label"] == "Tỉnh Lào Cai" and task["locality"]["level"] == "tinh"
    assert task["papi"] and {"notation", "method", "confidence"} <= set(task["papi"][0])
    assert [u["label"] for u in task["leadUnits"]] == ["Thanh tra tỉnh Lào Cai"]
    assert len(task["supportUnits"]) == 3
    assert "100% kiến nghị của người dân được giải quyết." in task["targets"]
    assert "Báo cáo kết quả hàng quý, 6 tháng, năm." in task["results"]
    assert task["timeframe"] == "Thường xuyên"
    assert task["citations"][0]["idLocal"] == "90/2013/NĐ-CP"
    source = task["source"]
    lines = (api_data / "plans" / source["file"]).read_text(encoding="utf-8-sig").splitlines()
    assert [line["text"] for line in source["text"]] == lines[source["start"] - 1 : source["end"]]
    assert "Nghị định số 90/2013/NĐ-CP" in source["text"][0]["text"]


def test_a_stated_task_has_confidence_one(client):
    task = client.get(f"/tasks/{HY_TASK}").json()
    assert task["order"] == 17 and task["section"]
    stated = [a for a in task["papi"] if a["method"] == "stated"]
    assert all(a["confidence"] == 1.0 for a in stated)


def test_a_task_is_found_by_its_full_iri_too(client):
    iri = f"https://w3id.org/papikg/id/{HY_TASK}"
    assert client.get(f"/tasks/{iri}").json()["iri"] == iri
    assert client.get(f"/tasks/{iri.replace('/', '%2F')}").status_code == 200


@pytest.mark.parametrize("task_id", [f"{HY}/task/9999", "plan/nowhere/task/1", "a<b>c", HY])
def test_unknown_task_is_404(client, task_id):
    assert_error(client.get(f"/tasks/{task_id}"), 404, "not_found")


def test_similar_measures_come_from_other_plans(client):
    data = client.get(f"/tasks/{HY_TASK}/similar", params={"limit": 5}).json()
    assert data["task"].endswith(HY_TASK) and 0 < len(data["hits"]) <= 5
    assert all(h["plan"] != f"https://w3id.org/papikg/id/{HY}" for h in data["hits"])
    same = client.get(f"/tasks/{HY_TASK}/similar", params={"same_papi": True}).json()["hits"]
    concepts = {a["notation"] for a in client.get(f"/tasks/{HY_TASK}").json()["papi"]}
    assert all(concepts & {c["notation"] for c in h["concepts"]} for h in same)


def test_similar_to_an_unknown_task_is_404_and_bad_limit_400(client):
    assert_error(client.get(f"/tasks/{HY}/task/9999/similar"), 404, "not_found")
    assert_error(client.get(f"/tasks/{HY_TASK}/similar", params={"limit": "many"}), 400, None, "limit")


# ---------------------------------------------------------------- suggest


def test_suggestions_for_a_sub_indicator_and_level(client):
    response = client.post("/suggest-tasks", json={"papi": "2.2", "level": "xa", "k": 4})
    assert response.status_code == 200, response.text
    suggestions = response.json()["suggestions"]
    assert 0 < len(suggestions) <= 4
    for s in suggestions:
        assert {"text", "papi", "plans", "leadUnits", "supportUnits", "results", "cites"} <= set(s)
        assert "2.2" in s["papi"] and s["planCount"] == len({p["plan"] for p in s["plans"]})
        for p in s["plans"]:
            assert {"plan", "locality", "year", "task", "source"} <= set(p)


def test_what_the_draft_already_has_is_left_out(client):
    first = client.post("/suggest-tasks", json={"papi": "2.2", "k": 3}).json()["suggestions"][0]
    data = client.post("/suggest-tasks", json={"papi": "2.2", "k": 3, "draft": first["text"]}).json()
    assert first["text"] in {s["text"] for s in data["covered"]}
    assert first["text"] not in {s["text"] for s in data["suggestions"]}


def test_suggestions_from_free_text(client):
    data = client.post("/suggest-tasks", json={"text": "niem yet cong khai ho ngheo"}).json()
    assert data["suggestions"] and any("2.2" in s["papi"] for s in data["suggestions"][:3])


@pytest.mark.parametrize(
    ("body", "status", "mentions"),
    [
        ({}, 400, ["papi", "text"]),
        ({"level": "xa"}, 400, ["papi"]),
        ({"text": "   "}, 400, ["papi"]),
        ({"papi": "9.9"}, 400, ["'9.9'"]),
        ({"papi": "2.2", "level": "thon"}, 400, ["'thon'"]),
        ({"text": "x" * 600}, 400, ["500"]),
        ({"papi": "2.2", "k": 0}, 422, ["k"]),
        ({"papi": "2.2", "k": "many"}, 422, ["k"]),
        ({"papi": "2.2", "colour": "red"}, 422, ["colour"]),
        ([1, 2], 422, []),
    ],
)
def test_bad_suggest_requests(client, body, status, mentions):
    assert_error(client.post("/suggest-tasks", json=body), status, None, *mentions)


@pytest.mark.parametrize("raw", [b"{bad json", b"", b'{"papi": "2.2",}'])
def test_malformed_json_is_422_with_the_same_body_shape(client, raw):
    response = client.post("/suggest-tasks", content=raw, headers={"content-type": "application/json"})
    assert_error(response, 422, "invalid_request")


# ---------------------------------------------------------------- plans, indicators, legal, units


def test_plans_lists_the_five_seed_plans(client):
    plans = client.get("/plans").json()["plans"]
    assert {p["key"] for p in plans} == SEED_PLANS
    assert sum(p["tasks"] for p in plans) > 400
    gia_nghia = next(p for p in plans if p["key"] == "huyen-gia-nghia-2024")
    assert gia_nghia["locality"]["province"] == "Tỉnh Đắk Nông"
    assert gia_nghia["locality"]["provinceNow"] == "Tỉnh Lâm Đồng"


@pytest.mark.parametrize("plan_id", [HY, HY.split("/")[-1], f"https://w3id.org/papikg/id/{HY}"])
def test_a_plan_with_tasks_by_concept_coverage_and_gaps(client, plan_id):
    plan = client.get(f"/plans/{plan_id}").json()
    assert plan["id"] == HY and plan["number"] == "24/KH-UBND" and plan["year"] == 2021
    assert len(plan["coverage"]) == 29
    by_concept = {g["notation"]: len(g["tasks"]) for g in plan["tasksByConcept"]}
    for cell in plan["coverage"]:
        assert cell["tasks"] == by_concept.get(cell["notation"], 0)
        assert 0 <= cell["stated"] <= cell["tasks"]
    assert {g["notation"] for g in plan["gaps"]} == {c["notation"] for c in plan["coverage"] if not c["tasks"]}
    listed = {t["iri"] for g in plan["tasksByConcept"] for t in g["tasks"]} | {t["iri"] for t in plan["unassigned"]}
    assert len(listed) == plan["tasks"]
    assert plan["source"]["file"] == "hung-yen-2021.txt" and plan["source"]["text"]


def test_gap_suggestions_on_request(client):
    plans = client.get("/plans").json()["plans"]
    for p in plans:
        plan = client.get(f"/plans/{p['id']}", params={"gap_suggestions": 2}).json()
        for gap in plan["gaps"]:
            assert len(gap["suggestions"]) <= 2
            assert all(gap["notation"] in s["papi"] for s in gap["suggestions"])
    assert_error(client.get(f"/plans/{HY}", params={"gap_suggestions": 9}), 400, None, "gap_suggestions")


def test_unknown_plan_is_404(client):
    assert_error(client.get("/plans/plan/nowhere-2020"), 404, "not_found", "nowhere-2020")


def test_provinces_then_and_now(client):
    data = client.get("/provinces").json()
    assert len(data["current"]) == 34 and len(data["former"]) == 63
    now = {p["label"]: p["now"] for p in data["former"]}
    assert now["Tỉnh Đắk Nông"] == "Tỉnh Lâm Đồng"
    assert {"Tỉnh Đắk Nông", "Tỉnh Lâm Đồng", "Tỉnh Hưng Yên"} <= set(data["withPlans"])


def test_the_papi_tree_counts_tasks(client):
    tree = client.get("/indicators").json()
    dims = tree["dimensions"]
    assert [d["notation"] for d in dims] == [f"D{n}" for n in range(1, 9)]
    assert sum(len(d["children"]) for d in dims) == 29
    for dim in dims:
        assert dim["tasks"] >= max(c["tasks"] for c in dim["children"])
        assert all(c["plans"] <= 5 for c in dim["children"])
    two_two = next(c for c in dims[1]["children"] if c["notation"] == "2.2")
    assert two_two["plans"] >= 4 and sum(two_two["byMethod"].values()) == two_two["tasks"]


def test_legal_acts_with_status_and_who_cites_them(client):
    acts = client.get("/legal").json()["acts"]
    ordinance = next(a for a in acts if a["idLocal"] == "34/2007/PL-UBTVQH11")
    assert ordinance["inForce"] == "notInForce" and ordinance["noLongerInForce"] == "2023-07-01"
    assert [r["label"] for r in ordinance["repealedBy"]] == ["10/2022/QH15"]
    assert len(ordinance["plans"]) >= 3 and ordinance["tasks"] and ordinance["citations"] > 0
    cited = client.get("/legal", params={"cited": True}).json()["acts"]
    assert cited and all(a["citations"] > 0 for a in cited) and len(cited) <= len(acts)


def test_units_with_their_tasks(client):
    units = client.get("/units").json()["units"]
    assert units and units[0]["leadTasks"] >= units[-1]["leadTasks"]
    inspectors = client.get("/units", params={"kind": "thanh tra tinh"}).json()["units"]
    assert inspectors and all("thanh-tra" in u["kind"] for u in inspectors)
    one_plan = client.get("/units", params={"plan": HY}).json()["units"]
    assert one_plan and all(any(p["iri"].endswith(HY) for p in u["plans"]) for u in one_plan)


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [("/legal", {"cited": "maybe"}, "cited"), (f"/tasks/{HY_TASK}/similar", {"same_papi": "perhaps"}, "same_papi"),
     (f"/plans/{HY}", {"gap_suggestions": "x"}, "gap_suggestions")],
)  # fmt: skip
def test_bad_boolean_and_number_parameters_are_400(client, path, params, name):
    assert_error(client.get(path, params=params), 400, "bad_parameter", name)


# ---------------------------------------------------------------- dump, health, sparql


def test_dump_in_three_formats(client):
    nquads = client.get("/dump", params={"format": "nquads"})
    assert nquads.headers["content-type"].startswith("application/n-quads")
    dataset = Dataset()
    dataset.parse(data=nquads.text, format="nquads")
    turtle = client.get("/dump")
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "attachment" in turtle.headers["content-disposition"]
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) > 10000
    jsonld = client.get("/dump", params={"format": "jsonld"})
    assert jsonld.headers["content-type"].startswith("application/ld+json") and json.loads(jsonld.text)
    assert_error(client.get("/dump", params={"format": "xml"}), 400, "bad_parameter", "'xml'")


def test_healthz_reports_store_and_index(client):
    data = client.get("/healthz").json()
    assert data["status"] == "ok" and data["store"]["plans"] == 5 and data["store"]["triples"] > 10000
    assert data["index"]["model"] == "fake"


def test_the_sparql_endpoint_is_mounted(client):
    response = client.get("/sparql", params={"query": "ASK { ?t a <https://w3id.org/papikg/ontology#Task> }"},
                          headers={"accept": "application/sparql-results+json"})  # fmt: skip
    assert response.status_code == 200 and response.json()["boolean"] is True
    assert_error(client.get("/sparql", params={"query": "SELEKT"}), 400)


# ---------------------------------------------------------------- generic errors


def test_unknown_route_and_wrong_method(client):
    assert_error(client.get("/nowhere"), 404, "not_found")
    assert_error(client.delete("/plans"), 405, "method_not_allowed")
    assert_error(client.get("/suggest-tasks"), 405, "method_not_allowed")
