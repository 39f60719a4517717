"""Real clients against the endpoint served by uvicorn on 127.0.0.1 (a free port): SPARQLWrapper,
rdflib's SPARQLStore/SPARQLUpdateStore, and a headless browser on the query page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, Unauthorized

EX = "http://example.org/"
NAMES = f"SELECT ?s ?n WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?s"

pytestmark = pytest.mark.slow


@pytest.fixture
def endpoint(live_server) -> str:
    return live_server() + "/sparql"


def wrapper(url: str, query: str, fmt: str = JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_select_json(endpoint) -> None:
    result = wrapper(endpoint, NAMES).queryAndConvert()
    assert result["head"]["vars"] == ["s", "n"]
    assert [b["n"]["value"] for b in result["results"]["bindings"]] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Hòa",
    ]


def test_sparqlwrapper_select_json_by_post(endpoint) -> None:
    client = wrapper(endpoint, NAMES)
    client.setMethod(POST)
    assert len(client.queryAndConvert()["results"]["bindings"]) == 3


def test_sparqlwrapper_ask(endpoint) -> None:
    assert wrapper(endpoint, f"ASK {{ <{EX}hoa> ?p ?o }}").queryAndConvert()["boolean"] is True
    assert wrapper(endpoint, f"ASK {{ <{EX}nobody> ?p ?o }}").queryAndConvert()["boolean"] is False


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_construct(endpoint) -> None:
    query = f"CONSTRUCT {{ ?s <{EX}name> ?n }} WHERE {{ ?s <{EX}name> ?n }}"
    graph = wrapper(endpoint, query, TURTLE).queryAndConvert()
    graph = graph if isinstance(graph, Graph) else Graph().parse(data=graph, format="turtle")
    assert (URIRef(EX + "hoa"), URIRef(EX + "name"), Literal("Lê Hòa", lang="vi")) in graph
    assert len(graph) == 3
    default = wrapper(endpoint, query, "xml").queryAndConvert()  # SPARQLWrapper's default: RDF/XML
    assert isinstance(default, Graph) and len(default) == 3


def test_sparqlwrapper_sees_syntax_errors(endpoint) -> None:
    with pytest.raises(QueryBadFormed, match="syntax"):
        wrapper(endpoint, "SELECT * WHERE { ?s ?p }").queryAndConvert()


def test_sparqlwrapper_update_needs_the_token(endpoint, admin_token) -> None:
    update = f'INSERT DATA {{ GRAPH <{EX}g9> {{ <{EX}tuan> <{EX}name> "Tuấn"@vi }} }}'
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery(update)
    with pytest.raises(Unauthorized):
        client.query()
    client.addCustomHttpHeader("Authorization", f"Bearer {admin_token}")
    client.query()
    assert len(wrapper(endpoint, NAMES).queryAndConvert()["results"]["bindings"]) == 4


def test_rdflib_sparqlstore_query(endpoint) -> None:
    graph = Graph(store=SPARQLStore(endpoint))
    rows = list(graph.query(NAMES))
    assert [str(r.n) for r in rows] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hòa"]
    assert rows[2].n.language == "vi"
    assert graph.query(f"ASK {{ <{EX}an> ?p ?o }}").askAnswer is True
    names = set(graph.objects(URIRef(EX + "binh"), URIRef(EX + "name")))  # triple pattern API
    assert names == {Literal("Trần Thị Bình", lang="vi")}


def test_rdflib_sparqlstore_construct(endpoint) -> None:
    graph = Graph(store=SPARQLStore(endpoint))
    result = graph.query(f"CONSTRUCT WHERE {{ ?s <{EX}type> ?t }}")
    assert len(result.graph) == 3


def test_rdflib_update_store(endpoint, admin_token) -> None:
    store = SPARQLUpdateStore(
        endpoint, endpoint, headers={"Authorization": f"Bearer {admin_token}"}
    )
    graph = Graph(store=store, identifier=URIRef(EX + "g7"))
    graph.add((URIRef(EX + "mai"), URIRef(EX + "name"), Literal("Mai", lang="vi")))
    assert len(list(Graph(store=SPARQLStore(endpoint)).query(NAMES))) == 4


def chrome_paths() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    paths = chrome_paths()
    if paths is None:
        pytest.skip(
            "Chromium and chromedriver are not installed (Debian: chromium chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1200,900",
    ):
        options.add_argument(arg)
    options.binary_location = paths[0]
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(paths[1]))
    yield driver
    driver.quit()


def run_in_page(driver, query: str) -> None:
    editor = driver.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys(query)
    driver.find_element(By.ID, "run").click()


def test_query_page_in_a_browser(live_server, browser) -> None:
    browser.get(live_server() + "/sparql")
    wait = WebDriverWait(browser, 10)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#examples option")) > 1)
    run_in_page(browser, NAMES)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
    cells = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#results tbody td")]
    assert "Trần Thị Bình@vi" in [c.replace(" @", "@").replace("\n", "") for c in cells]
    assert browser.find_element(By.ID, "status").text.startswith("3 results")
    links = {
        a.text: a.get_attribute("href")
        for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a")
    }
    assert set(links) == {"JSON", "CSV", "TSV", "XML"} and "format=csv" in links["CSV"]
    assert httpx.get(links["CSV"]).text.startswith("s,n")
    browser.find_element(By.CSS_SELECTOR, "#results tbody td a").click()  # an IRI: DESCRIBE it
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results pre.graph"))
    assert "Nguyễn Văn An" in browser.find_element(By.CSS_SELECTOR, "#results pre").text
    run_in_page(browser, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { } }")
    wait.until(lambda d: "error" in d.find_element(By.ID, "status").get_attribute("class"))
    assert "400 operation_refused" in browser.find_element(By.ID, "status").text
    script_errors = [e for e in browser.get_log("browser") if e["source"] != "network"]
    assert script_errors == []  # (network entries: the favicon 404 and the refused query's 400)
