"""Bulk reads of the store the projection is built from.

:mod:`graph.analytics.project` turns these rows into the networkx graph; this
module only knows how to get them out of a store quickly: the graphs (source
kind, publication date), the typed entities with their labels, every fact of a
directed property with the best confidence of its evidence, the market-share
provisions and the sanction attributes.

Why the queries look the way they do
------------------------------------
At 100k entities and 1M facts the cost of reading is the cost of turning stored
terms back into strings. The embedded (RocksDB) store looks every IRI and long
literal of a result up in its string table: about 3 µs per value once the
store is compacted, 10-25 µs right after a bulk load. So on that backend the
facts query (and the entity and label reads) join against ``VALUES`` tables of
the graph and entity IRIs and return positions in those tables, small
integers that need no look-up (:class:`Plan`); the memory store decodes
cheaply and a remote store should not be sent tables of 100k IRIs, so they get
the same queries returning IRIs, as do the small reads everywhere. Every
result is read as one TSV serialisation (:meth:`graph.store.Store.select_values`)
rather than a term object per value. The evidence of each fact is joined in the
engine (hash joins over its subject, predicate and object, which sub-SELECTs
force), so one row per piece of evidence comes back carrying only its
confidence; sentences, rules and rows are read later, for the edges an answer
shows (:mod:`graph.analytics.evidence`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from graph.ids import ETO_GRAPH, ID_BASE, ONTOLOGY_GRAPH, REFERENCE_GRAPH, SUPPLYBENCH_GRAPH, is_article_iri
from graph.prefixes import SPARQL_PREFIXES
from graph.store import Store

__all__ = ["GraphInfo", "Plan", "kind_of", "read_graphs"]

#: characters that cannot appear in an IRI written between <> in a query
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def kind_of(graph: str, kinds: dict[str, str]) -> str:
    """Source kind of a graph: its recorded kind, ``news`` for articles, else its last segment."""
    if graph in kinds:
        return kinds[graph]
    return "news" if is_article_iri(graph) else local_name(graph)


@dataclass
class GraphInfo:
    """The named graphs (ontology aside), their source kinds and the articles' publication dates."""

    names: list[str]
    kinds: dict[str, str] = field(default_factory=dict)
    published: dict[str, str | None] = field(default_factory=dict)


class Plan:
    """How the bulk queries name graphs and entities: by IRI, or by position in a VALUES table.

    ``coded`` plans (the embedded store) add a table to the query for each
    variable the engine should hand back as a position (``?g`` -> ``?g_i``).
    Either way :meth:`graph` and :meth:`entity` turn a result cell back into
    the one shared string for that graph or entity, or None when the cell
    names something that is not one (a plain plan's rows may).
    """

    def __init__(self, store: Store, graphs: Sequence[str]) -> None:
        self.store = store
        self.coded = getattr(store, "backend", None) == "embedded"
        self.graphs = [g for g in graphs if not _NOT_IN_IRI.search(g)]
        self._graph_index = {g: g for g in self.graphs}
        self.entities: list[str] = []
        self._entity_index: dict[str, str] = {}

    def set_entities(self, entities: Iterable[str]) -> None:
        self.entities = [e for e in entities if not _NOT_IN_IRI.search(e)]
        self._entity_index = {e: e for e in self.entities}

    # -- query text ----------------------------------------------------------------

    def out(self, var: str) -> str:
        """The variable to project for ``var`` (its position when coded)."""
        return f"?{var}_i" if self.coded else f"?{var}"

    def graph_table(self, var: str = "g") -> str:
        return self._table(var, self.graphs) if self.coded else ""

    def entity_table(self, var: str) -> str:
        return self._table(var, self.entities) if self.coded else ""

    @staticmethod
    def _table(var: str, iris: Sequence[str]) -> str:
        rows = " ".join(f"(<{iri}> {n})" for n, iri in enumerate(iris))
        # a sub-SELECT, so the engine hash-joins the table instead of looking it up row by row
        return f"{{ SELECT ?{var} ?{var}_i WHERE {{ VALUES (?{var} ?{var}_i) {{ {rows} }} }} }}"

    # -- result cells --------------------------------------------------------------

    def graph(self, cell: str | None) -> str | None:
        if cell is None:
            return None
        return self.graphs[int(cell)] if self.coded else self._graph_index.get(cell)

    def entity(self, cell: str | None) -> str | None:
        if cell is None:
            return None
        return self.entities[int(cell)] if self.coded else self._entity_index.get(cell)

    def known_graph(self, iri: str | None) -> str | None:
        """The shared string of a graph given by IRI (whatever the plan), None if not one."""
        return None if iri is None else self._graph_index.get(iri)

    def known_entity(self, iri: str | None) -> str | None:
        """The shared string of an entity given by IRI (whatever the plan), None if not one."""
        return None if iri is None else self._entity_index.get(iri)

    def rows(self, query: str) -> Iterator[tuple[str | None, ...]]:
        return self.store.select_values(SPARQL_PREFIXES + query)


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def read_graphs(store: Store) -> GraphInfo:
    """Named graphs, their source kinds and the publication dates of articles (one row per graph: plain IRIs)."""
    info = GraphInfo(names=[str(g) for g in store.graph_names() if g != ONTOLOGY_GRAPH])
    info.kinds.update({str(REFERENCE_GRAPH): "reference", str(ETO_GRAPH): "eto", str(SUPPLYBENCH_GRAPH): "supplybench"})
    rows = store.select_values(SPARQL_PREFIXES + "SELECT ?g ?kind WHERE { GRAPH ?g { ?g cg:sourceKind ?kind } }")
    for graph, kind in rows:
        if graph is not None and kind is not None:
            info.kinds.setdefault(graph, kind)
    query = "SELECT ?g ?issued WHERE { GRAPH ?g { ?g a cg:Article OPTIONAL { ?g dcterms:issued ?issued } } }"
    for graph, issued in store.select_values(SPARQL_PREFIXES + query):
        if graph is not None:
            info.kinds[graph] = "news"
            if issued is not None or graph not in info.published:
                info.published[graph] = issued
    return info


def read_entities(plan: Plan, classes: Sequence[str]) -> dict[str, tuple[set[str], set[str]]]:
    """Typed entities: IRI -> (class IRIs, graphs stating a type)."""
    table = " ".join(f"(<{c}> {n})" for n, c in enumerate(classes))
    query = f"""SELECT ?e ?t_i {plan.out("g")} WHERE {{
        {{ SELECT ?e ?t_i ?g WHERE {{ VALUES (?t ?t_i) {{ {table} }} GRAPH ?g {{ ?e a ?t }} }} }}
        {plan.graph_table()} }}"""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for e, t, cell in plan.rows(query):
        graph = plan.graph(cell)
        if e is None or t is None or graph is None or not e.startswith(ID_BASE) or is_article_iri(e):
            continue
        types, graphs = found.setdefault(e, (set(), set()))
        types.add(classes[int(t)])
        graphs.add(graph)
    return found


def read_labels(plan: Plan) -> dict[str, str]:
    """The least label (in code-point order) of every entity of the plan."""
    if plan.coded:
        query = f"SELECT ?e_i ?l WHERE {{ {{ SELECT ?e ?l WHERE {{ ?e rdfs:label ?l }} }} {plan.entity_table('e')} }}"
    else:
        query = f'SELECT ?e ?l WHERE {{ ?e rdfs:label ?l FILTER(STRSTARTS(STR(?e), "{ID_BASE}")) }}'
    labels: dict[str, str] = {}
    for cell, label in plan.rows(query):
        entity = plan.entity(cell)
        if entity is not None and label is not None and (entity not in labels or label < labels[entity]):
            labels[entity] = label
    return labels


def read_facts(plan: Plan, predicates: Sequence[str]) -> Iterator[tuple[int, str, str, str, str | None]]:
    """``(predicate position, subject, object, graph, confidence)`` for every fact between entities.

    One row per piece of evidence of the fact (a node with ``rdf:subject``,
    ``rdf:predicate`` and ``rdf:object`` in the fact's graph), or one row with
    no confidence when the fact has none; evidence without a confidence also
    comes back with None.
    """
    table = " ".join(f"(<{p}> {n})" for n, p in enumerate(predicates))
    query = f"""SELECT ?p_i {plan.out("s")} {plan.out("o")} {plan.out("g")} ?c WHERE {{
        {{ SELECT ?p_i ?p ?s ?o ?g WHERE {{ VALUES (?p ?p_i) {{ {table} }} GRAPH ?g {{ ?s ?p ?o }} }} }}
        {plan.entity_table("s")} {plan.entity_table("o")} {plan.graph_table()}
        OPTIONAL {{ SELECT ?g ?s ?p ?o ?c WHERE {{
            {{ SELECT ?ev ?g ?s WHERE {{ GRAPH ?g {{ ?ev rdf:subject ?s }} }} }}
            {{ SELECT ?ev ?g ?p WHERE {{ GRAPH ?g {{ ?ev rdf:predicate ?p }} }} }}
            {{ SELECT ?ev ?g ?o WHERE {{ GRAPH ?g {{ ?ev rdf:object ?o }} }} }}
            OPTIONAL {{ SELECT ?ev ?g ?c WHERE {{ GRAPH ?g {{ ?ev cg:confidence ?c }} }} }} }} }} }}"""
    rows = plan.rows(query)
    if plan.coded:  # the joins kept only facts between entities, in known graphs
        entities, graphs = plan.entities, plan.graphs
        for p, s, o, g, c in rows:
            yield int(p), entities[int(s)], entities[int(o)], graphs[int(g)], c  # type: ignore[arg-type]
        return
    entity, graph = plan.known_entity, plan.known_graph
    for p, s, o, g, c in rows:
        subject, obj, where = entity(s), entity(o), graph(g)
        if p is not None and subject is not None and obj is not None and where is not None:
            yield int(p), subject, obj, where, c


def read_provisions(plan: Plan) -> Iterator[tuple[str, str, str, str | None, str | None, str | None]]:
    """``(graph, provider, provided input, share, year, source row)`` of every market-share provision.

    The row is the provision's own ``cg:sourceRow``, else that of the evidence
    about it in its graph (how the ETO importer records it).
    """
    pattern = """{ SELECT ?g ?prov WHERE { GRAPH ?g { ?prov a cg:Provision } } }
        { SELECT ?g ?prov ?a WHERE { GRAPH ?g { ?prov cg:provider ?a } } }
        { SELECT ?g ?prov ?b WHERE { GRAPH ?g { ?prov cg:provided ?b } } }
        OPTIONAL { SELECT ?g ?prov ?share WHERE { GRAPH ?g { ?prov cg:marketShare ?share } } }
        OPTIONAL { SELECT ?g ?prov ?year WHERE { GRAPH ?g { ?prov cg:year ?year } } }
        OPTIONAL { SELECT ?g ?prov ?row WHERE { GRAPH ?g { ?prov cg:sourceRow ?row } } }"""
    # by IRI on every backend: joining a few thousand rows against tables of every entity costs more
    found = list(
        plan.store.select_values(SPARQL_PREFIXES + f"SELECT ?g ?prov ?a ?b ?share ?year ?row WHERE {{ {pattern} }}")
    )
    rows: dict[tuple[str | None, str | None], list[str | None]] = defaultdict(list)
    if any(row is None for *_, row in found):
        # rows from the evidence about each provision; a separate query, since Oxigraph joins
        # an OPTIONAL evidence pattern against all the evidence there is
        query = "SELECT ?g ?prov ?row WHERE { GRAPH ?g { ?ev cg:sourceRow ?row ; rdf:subject ?prov } }"
        for g, prov, row in plan.store.select_values(SPARQL_PREFIXES + query):
            rows[(g, prov)].append(row)
    for g, prov, a, b, share, year, row in found:
        where, provider, item = plan.known_graph(g), plan.known_entity(a), plan.known_entity(b)
        if where is None or provider is None or item is None:
            continue
        for source_row in [row] if row is not None else rows.get((g, prov)) or [None]:
            yield where, provider, item, share, year, source_row


def read_sanctions(
    store: Store, sanction_classes: Iterable[str]
) -> Iterator[tuple[str, str | None, str | None, str | None, str | None, str | None, str | None]]:
    """``(sanction, status, date, end date, threshold nm, exempted entity, node threshold)`` rows."""
    query = f"""SELECT ?s ?status ?date ?end ?nm ?exempt ?node WHERE {{
      VALUES ?kind {{ {_values(sanction_classes)} }} ?s a ?kind .
      OPTIONAL {{ ?s cg:status ?status }} OPTIONAL {{ ?s cg:date ?date }} OPTIONAL {{ ?s cg:endDate ?end }}
      OPTIONAL {{ ?s cg:thresholdNm ?nm }} OPTIONAL {{ ?s cg:exempts ?exempt }}
      OPTIONAL {{ ?s cg:nodeThreshold ?node }} }}"""
    for s, status, when, end, nm, exempt, node in store.select_values(SPARQL_PREFIXES + query):
        if s is not None:
            yield s, status, when, end, nm, exempt, node
