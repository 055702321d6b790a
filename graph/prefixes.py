"""Namespace prefixes used in SPARQL text and RDF output."""

from __future__ import annotations

from graph.ids import ID_BASE
from graph.ontology import CG_NAMESPACE

__all__ = ["PREFIXES", "SPARQL_PREFIXES"]

PREFIXES: dict[str, str] = {
    "cg": CG_NAMESPACE,
    "id": ID_BASE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "wd": "http://www.wikidata.org/entity/",
}

#: PREFIX declarations to put in front of chipgraph's own SPARQL queries
SPARQL_PREFIXES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
