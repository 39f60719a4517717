"""Golden facts per seed plan, read back from the ingested graph with SPARQL."""

import pytest

from ingest.text import fold

HY = "https://w3id.org/papikg/id/plan/tinh-hung-yen-2021-24-kh-ubnd"
TT = "https://w3id.org/papikg/id/plan/xa-trung-trac-2023-06-kh-ubnd"
GN = "https://w3id.org/papikg/id/plan/huyen-gia-nghia-2024"
LC = "https://w3id.org/papikg/id/plan/tinh-lao-cai-2023-166-kh-ubnd"
BG = "https://w3id.org/papikg/id/plan/tinh-bac-giang-2021"
PLANS = [HY, TT, GN, LC, BG]


def rows(store, query):
    result = store.query(query)
    names = [v.value for v in result.variables]
    return [{n: (r[n].value if r[n] is not None else None) for n in names} for r in result]


def values(store, query, var="x"):
    return {r[var] for r in rows(store, query)}


def test_every_plan_is_there_with_its_metadata(corpus_store):
    got = {r["plan"]: r for r in rows(corpus_store, """
        SELECT ?plan ?year ?level ?form ?number ?date WHERE {
          ?plan a pk:Plan ; pk:year ?year ; pk:form ?form ; pk:locality/pk:level ?level .
          OPTIONAL { ?plan pk:number ?number } OPTIONAL { ?plan eli:date_document ?date } }""")}
    assert set(got) == set(PLANS)
    assert (got[HY]["number"], got[HY]["year"], got[HY]["level"]) == ("24/KH-UBND", "2021", "tinh")
    assert (got[TT]["number"], got[TT]["date"], got[TT]["level"]) == ("06/KH-UBND", "2023-01-19", "xa")
    assert (got[GN]["number"], got[GN]["level"], got[GN]["year"]) == (None, "huyen", "2024")
    assert (got[LC]["number"], got[LC]["date"]) == ("166/KH-UBND", "2023-03-22")
    assert got[BG]["form"] == "ocr-prose" and got[BG]["number"] is None
    assert {got[p]["form"] for p in (HY, TT)} == {"html-table"}
    assert got[GN]["form"] == "numbered-appendix" and got[LC]["form"] == "prose-appendix"


def test_each_plan_has_tasks_under_every_dimension_it_addresses(corpus_store):
    from ingest.stats import plan_stats

    stats = {s.plan: s for s in plan_stats(corpus_store)}
    for plan in (HY, TT, GN, LC):
        assert set(stats[plan].by_dimension) == {f"D{n}" for n in range(1, 9)}, plan
    # Bắc Giang's headings state dimensions 1, 2, 4, 6, 7, 8; its other tasks are inferred.
    assert {"D1", "D2", "D4", "D6", "D7", "D8"} <= set(stats[BG].by_dimension)
    assert stats[BG].by_method == {"Inferred": stats[BG].tasks}
    assert all(s.tasks >= 50 for s in stats.values())


def test_localities_then_and_now(corpus_store):
    got = {r["plan"]: r for r in rows(corpus_store, """
        SELECT ?plan ?name ?code ?now WHERE { ?plan pk:locality ?l . ?l skos:prefLabel ?name ;
          pk:code ?code ; pk:currentProvince/skos:prefLabel ?now }""")}
    assert fold(got[GN]["name"]) == "thanh pho gia nghia" and fold(got[GN]["now"]) == "tinh lam dong"
    assert fold(got[BG]["now"]) == "tinh bac ninh"
    assert fold(got[TT]["name"]) == "xa trung trac" and fold(got[TT]["now"]) == "tinh hung yen"
    parents = values(corpus_store, f"""SELECT ?x WHERE {{ <{TT}> pk:locality/pk:parent+/skos:prefLabel ?x }}""")
    assert {fold(p) for p in parents} == {"huyen van lam", "tinh hung yen"}


def test_implements_and_rests_on(corpus_store):
    got = rows(corpus_store, """SELECT DISTINCT ?plan ?rel ?id ?date WHERE {
        VALUES ?rel { pk:implements pk:restsOn } ?plan ?rel ?a . ?a eli:id_local ?id .
        OPTIONAL { ?a eli:date_document ?date } }""")
    found = {(r["plan"], r["rel"].rsplit("#")[-1], r["id"], r["date"]) for r in got}
    assert (TT, "implements", "15/KH-UBND", "2023-01-18") in found
    assert (GN, "implements", "474/KH-UBND", "2024-07-18") in found
    assert (HY, "restsOn", "06/CT-CTUBND", "2019-05-17") in found
    assert (TT, "restsOn", "06/CT-CTUBND", "2019-05-17") in found


def task_concepts(store, plan, needle):
    """{notation: method} of the tasks of `plan` whose folded text contains `needle`."""
    got = rows(store, f"""SELECT ?text ?n ?m WHERE {{ <{plan}> pk:hasTask ?t . ?t pk:text ?text ;
        pk:assignment [ pk:concept/skos:notation ?n ; pk:method ?m ] }}""")
    return {(r["n"], r["m"].rsplit("#")[-1]) for r in got if needle in fold(r["text"])}


def test_poor_household_task_is_stated_2_2_with_its_lead_unit(corpus_store):
    assert task_concepts(corpus_store, HY, "niem yet cong khai danh sach ho ngheo") == {("2.2", "Stated")}
    leads = values(corpus_store, f"""SELECT ?x WHERE {{ <{HY}> pk:hasTask ?t . ?t pk:text ?text ;
        pk:leadUnit/pk:kind/skos:prefLabel ?x . FILTER(CONTAINS(pk:fold(?text), "niem yet cong khai danh sach ho ngheo")) }}""")
    assert any("lao dong" in fold(x) for x in leads)


def test_merged_water_and_air_indicator_serves_7_2_and_7_3(corpus_store):
    assert task_concepts(corpus_store, HY, "cai thien chat luong khong khi") == {("7.2", "Stated"), ("7.3", "Stated")}
    matches = values(corpus_store, f"""SELECT ?x WHERE {{ ?i pk:inPlan <{HY}> ; skos:narrowMatch/skos:notation ?x }}""")
    assert matches == {"7.2", "7.3"}


def test_cell_listing_several_sub_indicators_chooses_among_them(corpus_store):
    found = task_concepts(corpus_store, HY, "co che mot cua lien thong trong giai quyet tthc")
    assert found and all(m == "StatedAmong" and n.startswith("5.") for n, m in found)


def test_trung_trac_numbering_is_not_papi_numbering(corpus_store):
    mapping = {r["n"]: (r["rel"], r["c"]) for r in rows(corpus_store, f"""
        SELECT ?n ?rel ?c WHERE {{ ?i pk:inPlan <{TT}> ; skos:notation ?n .
          OPTIONAL {{ VALUES ?rel {{ skos:exactMatch skos:relatedMatch skos:broadMatch skos:narrowMatch }}
                     ?i ?rel ?x . ?x skos:notation ?c }} }}""")}
    assert mapping["3"][1] == "D2" and mapping["9"][1] == "D8" and mapping["4"][1] == "D3"
    assert mapping["2"][0].endswith("relatedMatch")  # the commune's own dimension 2
    assert task_concepts(corpus_store, TT, "niem yet cong khai danh sach ho ngheo") == {("2.2", "Stated")}
    local_only = rows(corpus_store, f"""SELECT ?t WHERE {{ ?i pk:inPlan <{TT}> ; skos:notation "2" .
        ?t pk:underIndicator ?i . FILTER EXISTS {{ ?t pk:addresses ?c }} }}""")
    assert local_only == []


def test_gia_nghia_5_2_is_not_papi_5_2(corpus_store):
    got = rows(corpus_store, f"""SELECT ?rel ?c WHERE {{ ?i pk:inPlan <{GN}> ; skos:notation "5.2" ;
        ?rel ?x . ?x skos:notation ?c . FILTER(?rel IN (skos:exactMatch, skos:broadMatch)) }}""")
    assert [(r["rel"].rsplit("#")[-1], r["c"]) for r in got] == [("broadMatch", "D5")]
    assert task_concepts(corpus_store, GN, "do luong su hai long") == {("D5", "Stated")}


def test_inferred_tasks_carry_a_confidence_within_their_stated_dimension(corpus_store):
    got = rows(corpus_store, f"""SELECT ?n ?c ?sec WHERE {{ <{BG}> pk:hasTask ?t . ?t pk:section ?sec ;
        pk:assignment [ pk:method pk:Inferred ; pk:concept/skos:notation ?n ; pk:confidence ?c ] }}""")
    assert len(got) > 30 and all(0 < float(r["c"]) <= 1 for r in got)
    under_4 = [r["n"] for r in got if "chi s6 ndi dung 4" in fold(r["sec"])]
    assert under_4 and all(n.startswith("4.") for n in under_4)


def test_out_of_force_citations_are_flagged(corpus_store):
    flagged = {(r["plan"], r["id"]) for r in rows(corpus_store, """SELECT DISTINCT ?plan ?id WHERE {
        ?plan pk:citesOutOfForce/eli:id_local ?id }""")}
    assert (LC, "90/2013/NĐ-CP") in flagged  # repealed 15/08/2019, cited 22/03/2023
    assert (GN, "34/2007/PL-UBTVQH11") in flagged  # repealed 01/07/2023, cited 2024
    assert not any(plan in (HY, TT, BG) for plan, _ in flagged)  # still in force then


def test_every_written_form_of_pl_34_2007_is_one_act(corpus_store):
    got = rows(corpus_store, """SELECT DISTINCT ?plan ?raw WHERE { ?plan a pk:Plan ; pk:citation ?c .
        ?c pk:act/eli:id_local "34/2007/PL-UBTVQH11" ; pk:rawText ?raw }""")
    assert {r["plan"] for r in got} >= {HY, TT, GN, BG}
    raws = {fold(r["raw"]) for r in got}
    assert any("phap lenh" in r and "dan chu" in r and "34/2007" not in r for r in raws)  # by name
    assert any("34/2007/pl-" in r.replace(" ", "") for r in raws)  # OCR form


def test_targets_and_results_attach_to_their_tasks(corpus_store):
    targets = values(corpus_store, f"SELECT ?x WHERE {{ <{LC}> pk:hasTask/pk:target ?x }}")
    assert "100% cấp xã công khai" in targets
    results = values(corpus_store, f"SELECT ?x WHERE {{ <{HY}> pk:hasTask/pk:expectedResult ?x }}")
    assert len(results) > 30


@pytest.mark.parametrize("needle", ["noi nhan", "tren day la ke hoach", "tm. uy ban", "muc dich", "kt. chu tich"])
def test_no_boilerplate_tasks(corpus_store, needle):
    texts = values(corpus_store, "SELECT ?x WHERE { ?t a pk:Task ; pk:text ?x }")
    assert not [t for t in texts if fold(t).startswith(needle) or f" {needle}:" in fold(t)]


def test_units_are_normalised_across_written_forms(corpus_store):
    kinds = values(corpus_store, """SELECT ?x WHERE { ?m a pk:UnitMention ; pk:rawText ?r ;
        pk:unit/pk:kind ?x . FILTER(CONTAINS(pk:fold(?r), "tn&mt") || CONTAINS(pk:fold(?r), "tai nguyen va moi truong")) }""")
    assert any(k.endswith("/so-tai-nguyen-moi-truong") for k in kinds)
    generic = rows(corpus_store, f"""SELECT ?u WHERE {{ <{HY}> pk:hasTask/pk:leadUnit ?u .
        ?u pk:collective true ; pk:kind/skos:notation|pk:kind ?k . FILTER(CONTAINS(STR(?k), "ubnd-xa")) }}""")
    assert generic  # "UBND cấp xã" in a province plan: every commune's UBND, not one unit
