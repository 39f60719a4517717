"""IRI dereferencing: HTML for browsers, Turtle / JSON-LD / N-Triples by negotiation, 404s."""

from __future__ import annotations

import re
import runpy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ontology.namespaces import PK, SKOS

SUPPORT = runpy.run_path(str(Path(__file__).with_name("test_app_support.py")))
api_data, client = SUPPORT["api_data"], SUPPORT["client"]
assert_error, HY, HY_TASK, LC_TASK = (SUPPORT[k] for k in ("assert_error", "HY", "HY_TASK", "LC_TASK"))
ID = "https://w3id.org/papikg/id/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.hrefs += [v for k, v in attrs if k in ("href", "src") and v]


def links(page: str) -> list[str]:
    parser = Links()
    parser.feed(page)
    return parser.hrefs


def graph_of(response, fmt: str) -> Graph:
    return Graph().parse(data=response.text, format=fmt)


def test_a_browser_gets_a_readable_page_with_links_and_source_lines(client, api_data):
    response = client.get(f"/id/{LC_TASK}", headers={"accept": BROWSER})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page = response.text
    assert "Thực hiện Nghị định số 90/2013/NĐ-CP" in page
    for name in ("Đơn vị chủ trì", "Kết quả dự kiến", "Chỉ số PAPI", "Dòng nguồn"):
        assert name in page, name
    line = (api_data / "plans" / "lao-cai-2023.txt").read_text(encoding="utf-8-sig").splitlines()[254]
    assert "100% kiến nghị của người dân được giải quyết." in line
    assert "<span class=\"ln\">255</span>" in page
    hrefs = links(page)
    concept = client.get(f"/tasks/{LC_TASK}").json()["papi"][0]["concept"]
    assert "/id/unit/p-10/thanh-tra-tinh" in hrefs and concept.replace("https://w3id.org/papikg", "") in hrefs
    assert "/id/plan/tinh-lao-cai-2023-166-kh-ubnd" in hrefs
    assert f"/#/task/{LC_TASK}" in hrefs
    assert not re.search(r"<(?:script|link|img)[^>]+(?:src|href)=\"(?:https?:)?//", page)


def test_every_local_link_of_a_task_page_dereferences(client):
    page = client.get(f"/id/{HY_TASK}", headers={"accept": BROWSER}).text
    local = {h for h in links(page) if h.startswith(("/id/", "/papi/"))}
    assert len(local) >= 4
    for href in local:
        assert client.get(href, headers={"accept": BROWSER}).status_code == 200, href


def test_turtle_by_default_with_the_task_and_its_assignment(client):
    response = client.get(f"/id/{HY_TASK}")
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.headers["vary"] == "Accept"
    graph = graph_of(response, "turtle")
    task = URIRef(ID + HY_TASK)
    assert (task, PK.order, None) in graph and graph.value(task, PK.text)
    assignment = graph.value(task, PK.assignment)
    assert assignment is not None and graph.value(assignment, PK.method) is not None


@pytest.mark.parametrize(
    ("accept", "query", "fmt"),
    [
        ("application/ld+json", "", "json-ld"),
        ("application/json", "", "json-ld"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "", "json-ld"),
        ("application/ld+json;q=0.2, text/turtle", "", "turtle"),
        ("application/n-triples", "", "nt"),
        (BROWSER, "?format=turtle", "turtle"),
        ("text/turtle", "?format=jsonld", "json-ld"),
        ("", "?format=ntriples", "nt"),
    ],
)
def test_negotiated_rdf_is_the_same_graph(client, accept, query, fmt):
    expected = graph_of(client.get(f"/id/{HY_TASK}", headers={"accept": "text/turtle"}), "turtle")
    response = client.get(f"/id/{HY_TASK}{query}", headers={"accept": accept} if accept else {})
    assert response.status_code == 200
    assert isomorphic(graph_of(response, fmt), expected)


def test_format_html_wins_over_accept(client):
    response = client.get(f"/id/{HY}?format=html", headers={"accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/html")
    assert "24/KH-UBND" in response.text and "/#/plan/tinh-hung-yen-2021-24-kh-ubnd" in response.text


def test_papi_concepts_dereference(client):
    graph = graph_of(client.get("/papi/2-2"), "turtle")
    concept = URIRef("https://w3id.org/papikg/papi/2-2")
    assert (concept, SKOS.notation, Literal("2.2")) in graph
    page = client.get("/papi/2-2", headers={"accept": BROWSER}).text
    assert "Công khai danh sách hộ nghèo" in page and 'href="/papi/D2"' in page


def test_a_source_span_shows_its_lines(client):
    page = client.get("/id/source/lao-cai-2023/L255-255", headers={"accept": BROWSER}).text
    assert re.search(r'<span class="ln">255</span>[^\n]*Nghị định số 90/2013', page)


@pytest.mark.parametrize("path", ["/id/plan/nowhere", f"/id/{HY}/task/9999", "/papi/9-9", "/id/a%3Eb", "/id/"])
def test_unknown_iris_are_404(client, path):
    assert_error(client.get(path), 404, "not_found")
    assert_error(client.get(path, headers={"accept": BROWSER}), 404, "not_found")


def test_unacceptable_and_unknown_formats(client):
    assert_error(client.get(f"/id/{HY_TASK}", headers={"accept": "image/png"}), 406, "not_acceptable")
    assert_error(client.get(f"/id/{HY_TASK}?format=pdf"), 400, "bad_parameter", "'pdf'")
