"""What the HTML page of a dereferenced IRI shows (`api/templates/resource.html`): its facts with
Vietnamese names and links, the facts of the nodes that describe it, what links to it, and the
source lines it came from.

Only http(s) IRIs become links (`link`): the graph can be written through SPARQL Update, and a
`javascript:` or `data:` IRI in an `href` would run in our origin when clicked. Jinja escapes
every value; the page's CSP (`api.routes_resources.PAGE_CSP`) forbids inline script besides."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from api.sources import lines_of, spans
from ontology.namespaces import BASE, ID, PAPI, PREFIXES

MAX_INCOMING = 200
MAX_SPANS = 5
NAMES = {  # predicate (prefixed) → Vietnamese name shown on the page
    "rdf:type": "Loại", "pk:text": "Nội dung", "dcterms:title": "Tiêu đề",
    "skos:prefLabel": "Tên", "skos:altLabel": "Tên khác", "skos:notation": "Ký hiệu",
    "skos:definition": "Định nghĩa", "skos:broader": "Thuộc", "skos:narrower": "Gồm",
    "pk:inPlan": "Thuộc kế hoạch", "pk:hasTask": "Nhiệm vụ", "pk:order": "Thứ tự",
    "pk:section": "Mục", "pk:addresses": "Chỉ số PAPI", "pk:assignment": "Gán chỉ số",
    "pk:concept": "Chỉ số", "pk:method": "Cách gán", "pk:confidence": "Độ tin cậy",
    "pk:leadUnit": "Đơn vị chủ trì", "pk:supportUnit": "Đơn vị phối hợp",
    "pk:unitMention": "Nhắc đến đơn vị", "pk:expectedResult": "Kết quả dự kiến",
    "pk:target": "Chỉ tiêu", "pk:timeframe": "Thời gian thực hiện", "eli:cites": "Trích dẫn",
    "pk:citation": "Trích dẫn (nguyên văn)", "pk:act": "Văn bản", "pk:rawText": "Nguyên văn",
    "pk:outOfForce": "Hết hiệu lực khi trích dẫn", "prov:wasDerivedFrom": "Dòng nguồn",
    "pk:locality": "Địa bàn", "pk:year": "Năm", "pk:number": "Số hiệu",
    "eli:date_document": "Ngày ban hành", "pk:signer": "Người ký", "pk:signerRole": "Chức vụ",
    "pk:issuer": "Cơ quan ban hành", "pk:implements": "Triển khai văn bản",
    "pk:underIndicator": "Thuộc chỉ tiêu của kế hoạch", "pk:hasIndicator": "Chỉ tiêu",
    "pk:startLine": "Từ dòng", "pk:endLine": "Đến dòng", "pk:sourceFile": "Tệp nguồn",
    "pk:fileName": "Tên tệp", "pk:level": "Cấp", "pk:parent": "Trực thuộc",
    "pk:currentProvince": "Tỉnh hiện nay (từ 1/7/2025)", "pk:kind": "Loại đơn vị",
    "eli:in_force": "Hiệu lực", "eli:repealed_by": "Bị thay thế bởi", "eli:title": "Tên văn bản",
    "eli:id_local": "Số ký hiệu", "eli:type_document": "Loại văn bản",
}  # fmt: skip
_LABELS = """
SELECT ?x ?lp ?label WHERE {
  VALUES ?x { %(values)s }
  VALUES ?lp { skos:prefLabel dcterms:title eli:id_local pk:text pk:rawText skos:notation pk:fileName }
  ?x ?lp ?label
}"""
_LABEL_ORDER = ["skos:prefLabel", "eli:id_local", "dcterms:title", "skos:notation", "pk:text",
                "pk:rawText", "pk:fileName"]  # fmt: skip
_INCOMING = "SELECT DISTINCT ?s ?p WHERE { ?s ?p <%(iri)s> } ORDER BY ?p ?s LIMIT %(limit)d"


def short(iri: str) -> str:
    """A prefixed name when a prefix fits ('pk:text'), else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and prefix != "id":
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


def local_path(iri: str) -> str | None:
    """Where an IRI of ours dereferences on this server ('/id/…', '/papi/…'), else None."""
    if iri.startswith((str(ID), str(PAPI))):
        return "/" + iri[len(BASE) :]
    return None


def link(iri: str) -> str | None:
    """The `href` for an IRI: its page here, else the IRI itself if http(s), else no link."""
    local = local_path(iri)
    if local is not None:
        return local
    return iri if iri.lower().startswith(("http://", "https://")) else None


def labels(store, iris: set[str]) -> dict[str, str]:
    """A short human label for each IRI that has one (Vietnamese preferred)."""
    found: dict[str, tuple] = {}
    safe = [i for i in iris if not any(c in i for c in '<>" {}|\\^`')]
    for start in range(0, len(safe), 300):
        values = " ".join(f"<{i}>" for i in safe[start : start + 300])
        result = store.query(_LABELS % {"values": values})
        for r in result:
            lp = short(r["lp"].value)
            lang = getattr(r["label"], "language", None)
            rank = (_LABEL_ORDER.index(lp), lang not in (None, "vi"))
            if r["x"].value not in found or rank < found[r["x"].value][0]:
                found[r["x"].value] = (rank, r["label"].value)
    return {iri: text if len(text) <= 160 else text[:157] + "…" for iri, (_, text) in found.items()}


def value(term, names: dict[str, str]) -> dict:
    if isinstance(term, ox.NamedNode):
        iri = term.value
        ident = iri[len(str(ID)) :] if iri.startswith(str(ID)) else short(iri)
        return {"text": names.get(iri) or ident, "href": link(iri), "iri": ident}
    if isinstance(term, ox.Literal):
        return {"text": term.value, "href": None, "iri": None, "lang": term.language}
    return {"text": str(term), "href": None, "iri": None}


def fact_groups(triples: list, subject: str, names: dict[str, str]) -> list[dict]:
    by_predicate: dict[str, list] = defaultdict(list)
    for t in triples:
        if t.subject.value == subject:
            by_predicate[t.predicate.value].append(value(t.object, names))
    order = lambda p: (short(p) != "rdf:type", short(p) not in NAMES, short(p))
    return [{"name": NAMES.get(short(p), short(p)), "predicate": short(p),
             "href": link(p), "values": sorted(vs, key=lambda v: v["text"])}
            for p, vs in sorted(by_predicate.items(), key=lambda item: order(item[0]))]  # fmt: skip


def app_link(iri: str) -> dict | None:
    """The planners' page for a task (similar measures) or a plan (coverage)."""
    path = iri[len(str(ID)) :] if iri.startswith(str(ID)) else ""
    parts = path.split("/")
    if len(parts) == 4 and parts[0] == "plan" and parts[2] == "task":
        return {"href": f"/#/task/{path}", "text": "Xem biện pháp tương tự ở địa phương khác"}
    if len(parts) == 2 and parts[0] == "plan":
        return {"href": f"/#/plan/{parts[1]}", "text": "Xem mức độ bao phủ các chỉ số PAPI"}
    return None


def source_view(data_dir: Path, span: dict) -> dict:
    lines, note = lines_of(data_dir, span)
    return {**span, "href": link(span["iri"]), "lines": lines, "note": note}


def page_context(store, data_dir: Path, iri: str, triples: list) -> dict:
    incoming = list(store.query(_INCOMING % {"iri": iri, "limit": MAX_INCOMING}))
    subjects = list(dict.fromkeys(t.subject.value for t in triples))
    mentioned = {iri, *subjects, *(r["s"].value for r in incoming)}
    mentioned |= {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    names = labels(store, mentioned)
    found_spans = spans(store, iri)[:MAX_SPANS]
    return {
        "iri": iri, "title": names.get(iri) or short(iri), "facts": fact_groups(triples, iri, names),
        "parts": [{"iri": s, "href": link(s), "title": names.get(s) or short(s),
                   "facts": fact_groups(triples, s, names)} for s in subjects if s != iri],
        "incoming": [{"predicate": NAMES.get(short(r["p"].value), short(r["p"].value)),
                      **value(r["s"], names)} for r in incoming],
        "incoming_cut": len(incoming) >= MAX_INCOMING,
        "sources": [source_view(data_dir, s) for s in found_spans],
        "app_link": app_link(iri),
    }  # fmt: skip
