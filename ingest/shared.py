"""The shared graphs rewritten on every ingest, and the classifier's own description."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ingest.classify import VERSION, Example, FoldScore
from ingest.emit import CLASSIFIER
from ingest.emit_legal import catalogue_graph
from ingest.emit_localities import provinces_2025_graph
from ingest.emit_units import units_scheme_graph
from ingest.papimap import ConceptLabels
from ontology.iris import SHARED_GRAPHS
from ontology.load import ontology_graph, papi_concepts, papi_scheme
from ontology.namespaces import PK, new_graph


def shared_graphs() -> dict[URIRef, Graph]:
    return {
        SHARED_GRAPHS["ontology"]: ontology_graph(),
        SHARED_GRAPHS["papi"]: papi_scheme(),
        SHARED_GRAPHS["legal"]: catalogue_graph(),
        SHARED_GRAPHS["units"]: units_scheme_graph(),
        SHARED_GRAPHS["localities"]: provinces_2025_graph(),
    }


def concept_labels() -> list[ConceptLabels]:
    """PAPI concepts of the current framework as the label matcher sees them."""
    return [
        ConceptLabels(c.notation, c.broader, (c.pref_vi, c.pref_en, *c.alt_labels), c.deprecated)
        for c in papi_concepts(include_retired=True)
    ]


def label_examples() -> list[Example]:
    """Each sub-dimension's labels as short training documents."""
    return [
        Example(label, c.notation, "labels")
        for c in papi_concepts()
        if c.broader
        for label in (c.pref_vi, *c.alt_labels)
    ]


def classifier_graph(examples: list[Example], folds: list[FoldScore]) -> Graph:
    """The classifier as a prov:SoftwareAgent with its leave-one-plan-out accuracy."""
    graph = new_graph(SHARED_GRAPHS["classifier"])
    graph.add((CLASSIFIER, RDF.type, PK.Classifier))
    graph.add((CLASSIFIER, RDF.type, PROV.SoftwareAgent))
    graph.add(
        (CLASSIFIER, RDFS.label, Literal(f"PAPI sub-dimension classifier ({VERSION})", lang="en"))
    )
    graph.add(
        (
            CLASSIFIER,
            DCTERMS.description,
            Literal(
                "Logistic regression over TF-IDF of accent-folded syllable unigrams and bigrams, trained on "
                "the tasks whose sub-dimension their plan states; accuracy is leave-one-plan-out.",
                lang="en",
            ),
        )
    )
    graph.add((CLASSIFIER, PK.trainingSize, Literal(len(examples), datatype=XSD.integer)))
    total = sum(f.n for f in folds)
    if total:
        accuracy = sum(f.correct for f in folds) / total
        graph.add((CLASSIFIER, PK.accuracy, Literal(f"{accuracy:.4f}", datatype=XSD.decimal)))
    return graph
