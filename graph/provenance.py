"""The provenance model: how one article's extraction becomes its named graph.

Pattern (documented in README, "Reading the evidence of a fact")::

    GRAPH <article> {
      <article> a cg:Article ; dcterms:title ... ; cg:sha256 ... ; cg:text ... ;
                prov:generatedAtTime ... ; cg:extractorVersion ... ;
                cg:statementCount N ; cg:mentions <entity> ... .
      <entity>  a cg:Company ; rdfs:label ... ; skos:altLabel ... .
      <s> <p> <o> .                                   # the fact itself
      <evidence> a cg:Evidence ;
                rdf:subject <s> ; rdf:predicate <p> ; rdf:object <o> ;
                cg:sentence "..." ; cg:charStart 10 ; cg:charEnd 80 ;
                cg:confidence 0.8 ; cg:rule "apposition" ;
                cg:reportedBy <org> ; prov:wasDerivedFrom <article> .
    }

Every triple an article contributes is in its graph, so removing the article
is dropping the graph; ``cg:statementCount`` lets a reader check the graph is
whole.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD
from rdflib.term import Node

from graph.ids import mint
from graph.records import Evidence, Extraction
from graph.vocab import CG

__all__ = ["article_triples", "evidence_iri", "evidence_triples"]

Triple = tuple[Node, Node, Node]


def evidence_iri(article: URIRef, subject: Node, predicate: Node, obj: Node, evidence: Evidence) -> URIRef:
    """Stable IRI of the evidence node for one statement in one article."""
    return mint("evidence", str(article), str(subject), str(predicate), str(obj), str(evidence.start), evidence.rule)


# terms of every evidence node, looked up once (a closed namespace's attribute access is slow)
_TYPE, _SUBJECT, _PREDICATE, _OBJECT = RDF.type, RDF.subject, RDF.predicate, RDF.object
_EVIDENCE, _SENTENCE, _CHAR_START, _CHAR_END = CG.Evidence, CG.sentence, CG.charStart, CG.charEnd
_CONFIDENCE, _RULE, _SOURCE_KIND, _REPORTED_BY = CG.confidence, CG.rule, CG.sourceKind, CG.reportedBy
_DERIVED_FROM = PROV.wasDerivedFrom
_NEWS = Literal("news")


@functools.lru_cache(maxsize=4096, typed=True)
def _plain(value: str | int) -> Literal:
    """A literal of a value that recurs across facts (rule names, offsets, sentences)."""
    return Literal(value)


@functools.lru_cache(maxsize=1024)
def _confidence(value: float) -> Literal:
    return Literal(Decimal(str(round(value, 3))), datatype=XSD.decimal)


def evidence_triples(
    node: URIRef, subject: Node, predicate: Node, obj: Node, evidence: Evidence, article: URIRef
) -> list[Triple]:
    """Triples of one evidence node (the statement, the sentence and how it was found)."""
    triples: list[Triple] = [
        (node, _TYPE, _EVIDENCE),
        (node, _SUBJECT, subject),
        (node, _PREDICATE, predicate),
        (node, _OBJECT, obj),
        (node, _SENTENCE, _plain(evidence.sentence)),
        (node, _CHAR_START, _plain(evidence.start)),
        (node, _CHAR_END, _plain(evidence.end)),
        (node, _CONFIDENCE, _confidence(evidence.confidence)),
        (node, _RULE, _plain(evidence.rule)),
        (node, _SOURCE_KIND, _NEWS),
        (node, _DERIVED_FROM, article),
    ]
    triples += [(node, _REPORTED_BY, who) for who in evidence.reported_by]
    return triples


def article_triples(extraction: Extraction, *, ingested_at: datetime) -> list[Triple]:
    """All triples of an article's named graph, ``cg:statementCount`` included."""
    article = extraction.article
    a = article.iri
    triples: list[Triple] = [
        (a, RDF.type, CG.Article),
        (a, CG.sha256, Literal(article.sha256)),
        (a, CG.text, Literal(article.text)),
        (a, CG.extractorVersion, Literal(extraction.extractor)),
        (a, CG.sourceKind, Literal("news")),
        (a, PROV.generatedAtTime, Literal(ingested_at.isoformat(timespec="seconds"), datatype=XSD.dateTime)),
    ]
    if article.title:
        triples.append((a, DCTERMS.title, Literal(article.title)))
    if article.url:
        triples.append((a, DCTERMS.source, URIRef(article.url)))
    if article.published:
        triples.append((a, DCTERMS.issued, Literal(article.published.isoformat(), datatype=XSD.date)))
    if article.file_name:
        triples.append((a, CG.fileName, Literal(article.file_name)))

    for entity in extraction.entities:
        e = entity.iri
        triples += [(a, CG.mentions, e), (e, RDF.type, entity.cls), (e, RDFS.label, Literal(entity.label))]
        triples += [(e, SKOS.altLabel, Literal(alias)) for alias in entity.aliases if alias != entity.label]
        triples += [(e, URIRef("http://www.w3.org/2002/07/owl#sameAs"), same) for same in entity.same_as]
        triples += [(e, predicate, value) for predicate, value in entity.attributes]

    for sanction in extraction.sanctions:
        s = sanction.iri
        triples += [(a, CG.mentions, s), (s, RDF.type, sanction.kind), (s, RDFS.label, Literal(sanction.label))]
        if sanction.status is not None:
            triples.append((s, CG.status, sanction.status))
        if sanction.date is not None:
            triples.append((s, CG.date, sanction.date))
        if sanction.threshold_nm is not None:
            triples.append((s, CG.thresholdNm, Literal(sanction.threshold_nm, datatype=XSD.decimal)))
        node = evidence_iri(a, s, RDF.type, sanction.kind, sanction.evidence)
        triples += evidence_triples(node, s, RDF.type, sanction.kind, sanction.evidence, a)

    for fact in extraction.facts:
        triples.append((fact.subject, fact.predicate, fact.object))
        node = evidence_iri(a, fact.subject, fact.predicate, fact.object, fact.evidence)
        triples += evidence_triples(node, fact.subject, fact.predicate, fact.object, fact.evidence, a)

    unique = list(dict.fromkeys(triples))
    unique.append((a, CG.statementCount, Literal(len(unique) + 1)))
    return unique


def graph_is_whole(triples: Iterable[Triple], article: URIRef) -> bool:
    """Whether an article graph holds as many triples as its cg:statementCount says."""
    triples = list(triples)
    declared = [o for s, p, o in triples if s == article and p == CG.statementCount]
    return len(declared) == 1 and int(declared[0]) == len(triples)  # type: ignore[call-overload]
