"""The projection: the one place RDF becomes a networkx graph.

Every analytics question runs on a :class:`networkx.MultiDiGraph` built here
from the store with a handful of bulk SELECTs (:mod:`graph.analytics.tables`
says how they stay fast at a million facts).

Dependency direction
--------------------
Edges run **upstream -> downstream**: from what is depended on to what
depends on it. The direction of each property comes from the ontology
(``cg:dependencyDirection`` read through :func:`graph.ontology.property_info`),
never from code: ``forward`` keeps ``s p o`` as ``s -> o``, ``reverse`` turns
it into ``o -> s`` (labelled with ``cg:inverseLabel``), ``none`` is not an
edge. So a country is upstream of its companies (``country -(home of)->
company``), an equipment maker of the fab it supplies, a foundry of its
designer, equipment of its user, a component of its product, an origin
country of its equipment, and ``imposer -> sanction -> target`` /
``sanction -> restricted item``.

Layers
------
Each edge has a ``layer``:

* ``"sanction"``: properties whose domain is ``cg:Sanction`` (imposedBy, targets, restricts);
* ``"structure"``: where things are and what they are (headquarteredIn,
  locatedIn, operates, subsidiaryOf, atNode, typeOf, goesInto);
* ``"supply"``: every other directed property (suppliesTo, manufacturesFor,
  makes, uses, hasComponent, originCountry) and the market-share provisions.

``cg:Provision`` records (ETO) become ``provider -(provides)-> input`` supply
edges carrying ``share`` (percent) and ``year``.

Nodes and edges
---------------
Nodes are IRIs of typed entities with ``types`` (cg: class local names),
``label``, ``country`` / ``countries`` (home country from headquarteredIn,
else locatedIn, else originCountry), ``sources`` and, for sanctions,
``status``, ``date``, ``end_date``, ``threshold_nm``, ``exempts``. Edges are
keyed by the predicate's local name and carry ``predicate``, ``name``,
``label``, ``layer``, ``evidence`` (:class:`EdgeEvidence` per sentence or
dataset row, most confident first), ``confidence`` (best evidence),
``articles``, ``dates`` and ``sources``. The evidence of a fact is a
:class:`~graph.analytics.evidence.LazyEvidence`: the projection knows the
graphs stating it and the best confidence in each, and reads sentences, rules
and rows from the store when the edge is first shown.

Filters and cache
-----------------
``as_of`` keeps facts from articles published on or before the date (undated
articles count as known) and reference data, and sanctions dated on or before
it and not lifted by then; partial dates (``2022``, ``2022-10``) compare by
their first day. ``min_confidence`` drops evidence below it, ``sources``
keeps only some kinds (news, reference, eto, supplybench). :func:`projection`
caches per store and store generation, so any write invalidates it.

>>> from graph.store import MemoryStore
>>> G = projection(MemoryStore())
>>> G.number_of_edges(), sorted(LAYERS)
(0, ['sanction', 'structure', 'supply'])
"""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import networkx as nx
from rdflib import URIRef

from graph.analytics import tables
from graph.analytics.evidence import EvidenceSource, LazyEvidence, evidence_order, load_evidence
from graph.analytics.results import EdgeEvidence
from graph.analytics.tables import kind_of
from graph.errors import EntityNotFound, InvalidParameter
from graph.ids import ID_BASE, REFERENCE_GRAPH, is_article_iri
from graph.kg import KnowledgeGraph
from graph.ontology import CG_NAMESPACE, PropertyInfo, class_ancestors, load_ontology, property_info
from graph.store import Store
from graph.vocab import CG

__all__ = [
    "ATTRIBUTION_PREDICATES",
    "DEPENDENCY_LAYERS",
    "LAYERS",
    "SOURCE_KINDS",
    "EdgeEvidence",
    "LazyEvidence",
    "clear_projection_cache",
    "edge_layers",
    "filter_projection",
    "find_node",
    "graph_from_facts",
    "is_sanction",
    "load_evidence",
    "node_countries",
    "parse_date",
    "project",
    "projection",
    "resolve_layers",
]

LAYERS = ("supply", "structure", "sanction")
#: layers dependency questions (paths, upstream, exposure) follow by default
DEPENDENCY_LAYERS = ("supply", "structure")
SOURCE_KINDS = ("news", "reference", "eto", "supplybench")
#: predicates that say where something belongs rather than who supplies whom
ATTRIBUTION_PREDICATES = ("headquarteredIn", "locatedIn", "originCountry")
PROVIDES = "provides"

_STRUCTURE = {"headquarteredIn", "locatedIn", "operates", "subsidiaryOf", "atNode", "typeOf", "goesInto"}
_COUNTRY_ORDER = ("headquarteredIn", "locatedIn", "originCountry")


_local = tables.local_name


@functools.cache
def edge_layers() -> dict[str, tuple[PropertyInfo, str]]:
    """Directed cg: properties (IRI -> (info, layer)), read from the ontology.

    >>> info, layer = edge_layers()[str(CG.manufacturesFor)]
    >>> info.direction, layer
    ('forward', 'supply')
    >>> edge_layers()[str(CG.headquarteredIn)][0].inverse_label, edge_layers()[str(CG.imposedBy)][1]
    ('home of', 'sanction')
    """
    table: dict[str, tuple[PropertyInfo, str]] = {}
    for iri, info in property_info().items():
        if info.direction not in ("forward", "reverse"):
            continue
        name = _local(str(iri))
        if info.domain == CG.Sanction:
            layer = "sanction"
        elif name in _STRUCTURE:
            layer = "structure"
        else:
            layer = "supply"
        table[str(iri)] = (info, layer)
    return table


@functools.cache
def _entity_classes() -> tuple[str, ...]:
    from rdflib import OWL, RDF

    graph = load_ontology()
    classes = [
        str(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and CG.Entity in class_ancestors(c)
    ]
    return tuple(sorted(classes))


def resolve_layers(layers: Iterable[str] | None, default: Sequence[str] = DEPENDENCY_LAYERS) -> frozenset[str]:
    """Validated set of layer names (``default`` when None).

    >>> sorted(resolve_layers(None))
    ['structure', 'supply']
    >>> resolve_layers(["trade"])
    Traceback (most recent call last):
    ...
    graph.errors.InvalidParameter: unknown layer 'trade'; use supply, structure, sanction
    """
    chosen = frozenset(default if layers is None else layers)
    for layer in chosen:
        if layer not in LAYERS:
            raise InvalidParameter(f"unknown layer {layer!r}; use {', '.join(LAYERS)}")
    return chosen


def parse_date(text: str | date | None) -> date | None:
    """First day of an ISO date, year-month or year; None when absent or unreadable.

    >>> parse_date("2022"), parse_date("2019-05"), parse_date("2022-10-07T00:00:00")
    (datetime.date(2022, 1, 1), datetime.date(2019, 5, 1), datetime.date(2022, 10, 7))
    """
    if text is None or isinstance(text, date):
        return text
    value = str(text).strip()
    try:
        if len(value) == 4:
            return date(int(value), 1, 1)
        if len(value) == 7:
            return date(int(value[:4]), int(value[5:7]), 1)
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# -- building ------------------------------------------------------------------------------


def project(
    store: Store | KnowledgeGraph,
    *,
    as_of: date | str | None = None,
    min_confidence: float = 0.0,
    sources: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """Build the projection from the store, without the cache (see :func:`projection`)."""
    base = _build(store.store if isinstance(store, KnowledgeGraph) else store)
    if as_of is None and not min_confidence and sources is None:
        return base
    return filter_projection(base, as_of=as_of, min_confidence=min_confidence, sources=sources)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    # Millions of new containers would trigger collections that find nothing to free, and
    # once collection resumes each young generation would walk them all again. Freezing and
    # unfreezing moves them straight to the oldest generation (unless someone else froze
    # objects on purpose, e.g. before forking workers).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _build(store: Store, *, keep_store: bool = False) -> nx.MultiDiGraph:
    generation = store.generation
    info = tables.read_graphs(store)
    kinds, published = info.kinds, info.published
    plan = tables.Plan(store, info.names)
    G = nx.MultiDiGraph()
    G.graph.update(generation=generation, published=published, kinds=kinds, filters={})
    source = EvidenceSource(store, kinds, published, keep=keep_store)
    with _no_gc():
        _add_nodes(G, plan, kinds)
        _sanction_attributes(store, G)
        attribution = _add_facts(G, plan, source)
        for node, label in tables.read_labels(plan).items():
            G._node[node]["label"] = label
        _add_provisions(G, plan, kinds)
        _set_countries(G, attribution)
    return G


def _add_nodes(G: nx.MultiDiGraph, plan: tables.Plan, kinds: dict[str, str]) -> None:
    found = tables.read_entities(plan, _entity_classes())
    plan.set_entities(sorted(found))
    shared: dict[Any, Any] = {}  # one tuple object per distinct value, not one per node
    for e in plan.entities:
        classes, graphs = found[e]
        names = tuple(sorted({_local(c) for c in classes}))
        in_graphs = tuple(sorted(graphs))
        G.add_node(
            e,
            types=shared.setdefault(names, names),
            label=_local(e),  # until labels are read
            graphs=shared.setdefault(in_graphs, in_graphs),
            sources=shared.setdefault(("s", in_graphs), tuple(sorted({kind_of(g, kinds) for g in in_graphs}))),
            country=None,
            countries=(),
        )


class _Graphs:
    """Per graph, the tuples an edge stated only there carries (shared by all such edges)."""

    def __init__(self, kinds: dict[str, str], published: dict[str, str | None]) -> None:
        self.kinds, self.published = kinds, published
        self.known: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}

    def about(self, g: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """``(graphs, articles, dates, sources)`` of an edge stated in ``g`` alone."""
        known = self.known.get(g)
        if known is None:
            article = is_article_iri(g)
            day = self.published.get(g) if article else None
            known = (g,), (g,) if article else (), (day,) if day else (), (kind_of(g, self.kinds),)
            self.known[g] = known
        return known


def _add_facts(G: nx.MultiDiGraph, plan: tables.Plan, source: EvidenceSource) -> dict[str, dict[str, set[str]]]:
    """One edge per (upstream, downstream, predicate) with its evidence, confidence, articles, dates, sources.

    Returns the attribution edges (node -> predicate -> upstream nodes) for the countries.
    """
    table = edge_layers()
    predicates = list(table)
    shapes = []  # per predicate: IRI, forward?, key, label, layer, attribution?
    for iri in predicates:
        info, layer = table[iri]
        forward = info.direction == "forward"
        label = info.label if forward else (info.inverse_label or f"{info.label} (reversed)")
        key = _local(iri)
        shapes.append((iri, forward, key, label, layer, key in ATTRIBUTION_PREDICATES))
    attribution: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    graph_info = _Graphs(source.kinds, source.published)
    known_graphs, about = graph_info.known, graph_info.about
    sanction_dates = {n: d.get("date") for n, d in G.nodes(data=True) if is_sanction(G, n)}
    succ, pred = G._succ, G._pred
    numbers: dict[str | None, tuple[float, tuple[float]]] = {None: (1.0, (1.0,))}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    repeated: dict[int, tuple[str, str, dict[str, Any], list[tuple[str, float]]]] = {}
    for position, s, o, g, conf in tables.read_facts(plan, predicates):
        iri, forward, key, label, layer, attributing = shapes[position]
        u, v = (s, o) if forward else (o, s)
        known = numbers.get(conf)
        if known is None:
            c = float(conf)  # type: ignore[arg-type]
            known = numbers[conf] = (c, (c,))
        keyed = succ[u].get(v)
        if keyed is not None and key in keyed:  # stated again: in another graph, or by more evidence
            data = keyed[key]
            repeated.setdefault(id(data), (u, v, data, []))[3].append((g, known[0]))
            continue
        graphs, articles, dates, kinds = known_graphs.get(g) or about(g)
        if layer == "sanction":
            when = sanction_dates[u] if u in sanction_dates else sanction_dates.get(v)
            if when and when not in dates:
                dates = tuple(sorted((*dates, when)))
                dates = shared.setdefault(dates, dates)
        data = {
            "predicate": iri,
            "name": key,
            "label": label,
            "layer": layer,
            "evidence": LazyEvidence(source, s, iri, o, graphs, known[1]),
            "confidence": known[0],
            "articles": articles,
            "dates": dates,
            "sources": kinds,
        }
        if keyed is None:
            succ[u][v] = pred[v][u] = {key: data}
        else:
            keyed[key] = data
        if attributing:
            attribution[v][key].add(u)
    for u, v, data, more in repeated.values():
        when = sanction_dates[u] if u in sanction_dates else sanction_dates.get(v)
        _merge_statements(data, more, about, when, shared)
    return attribution


def _merge_statements(
    data: dict[str, Any],
    more: list[tuple[str, float]],
    about: Any,
    sanction_date: str | None,
    shared: dict[tuple[str, ...], tuple[str, ...]],
) -> None:
    """Fold further (graph, confidence) statements of an edge into its attributes."""
    evidence: LazyEvidence = data["evidence"]
    best_in: dict[str, float] = {}
    for g, c in [*zip(evidence.graphs, evidence.confidences, strict=True), *more]:
        if c > best_in.get(g, -1.0):
            best_in[g] = c
    graphs = tuple(sorted(best_in))
    confidences = tuple(best_in[g] for g in graphs)
    facts = [about(g) for g in graphs]
    dates = {d for f in facts for d in f[2]}
    if data["layer"] == "sanction" and sanction_date:
        dates.add(sanction_date)
    data["evidence"] = LazyEvidence(
        evidence.source, evidence.subject, evidence.predicate, evidence.object, graphs, confidences
    )
    data["confidence"] = max(confidences)
    data["articles"] = tuple(sorted({a for f in facts for a in f[1]}))
    ordered = tuple(sorted(dates))
    data["dates"] = shared.setdefault(ordered, ordered)
    kinds = tuple(sorted({k for f in facts for k in f[3]}))
    data["sources"] = shared.setdefault(kinds, kinds)


def _add_provisions(G: nx.MultiDiGraph, plan: tables.Plan, kinds: dict[str, str]) -> None:
    """Market-share provisions: provider -(provides)-> input, with share, year and the dataset rows."""
    rows: dict[tuple[str, str], list[EdgeEvidence]] = defaultdict(list)
    for g, provider, item, share, year, row in tables.read_provisions(plan):
        rows[(provider, item)].append(
            EdgeEvidence(graph=g, source=kind_of(g, kinds), confidence=1.0, row=row, rule="provision")
        )
        keyed = G._succ[provider].get(item)
        data = keyed.get(PROVIDES) if keyed else None
        if data is None:
            attributes = {"predicate": str(CG.provided), "name": PROVIDES, "label": PROVIDES, "layer": "supply"}
            G.add_edge(provider, item, key=PROVIDES, **attributes)
            data = G._succ[provider][item][PROVIDES]
        if share is not None:
            data["share"] = float(share)
        if year is not None:
            data["year"] = year
    for (provider, item), items in rows.items():
        data = G._succ[provider][item][PROVIDES]
        ordered = tuple(sorted(dict.fromkeys(items), key=evidence_order)) if len(items) > 1 else tuple(items)
        data["evidence"] = ordered
        data["confidence"] = 1.0
        data["articles"] = ()
        data["dates"] = ()
        data["sources"] = tuple(sorted({e.source for e in ordered}))


@functools.cache
def _sanction_type_names() -> frozenset[str]:
    from rdflib import OWL, RDF

    graph = load_ontology()
    return frozenset(
        _local(str(c))
        for c in graph.subjects(RDF.type, OWL.Class)
        if isinstance(c, URIRef) and CG.Sanction in class_ancestors(c)
    )


_SANCTION_TYPES = _sanction_type_names()


def is_sanction(G: nx.MultiDiGraph, node: str) -> bool:
    """Whether a projected node is a sanction (of any kind)."""
    return bool(set(G.nodes[node].get("types", ())) & _SANCTION_TYPES)


def _sanction_attributes(store: Store, G: nx.MultiDiGraph) -> None:
    exempts: dict[str, set[str]] = defaultdict(set)
    classes = [CG_NAMESPACE + name for name in sorted(_SANCTION_TYPES)]
    for s, status, when, end, nm, exempt, node in tables.read_sanctions(store, classes):
        if s not in G:
            continue
        data = G.nodes[s]
        if status:
            data["status"] = _local(status)
        if when and (not data.get("date") or when < data["date"]):
            data["date"] = when
        if end:
            data["end_date"] = end
        if nm is not None:
            data["threshold_nm"] = float(nm)
        if node:
            data["node_threshold"] = node
        if exempt:
            exempts[s].add(exempt)
    for node, data in G.nodes(data=True):
        if is_sanction(G, node):
            data.setdefault("status", None)
            data.setdefault("date", None)
            data.setdefault("end_date", None)
            data["exempts"] = tuple(sorted(exempts.get(node, ())))


def assign_countries(G: nx.MultiDiGraph) -> None:
    """Set each node's ``country`` (home country) and ``countries`` from its attribution edges.

    Headquarters win over location, location over origin; a country is its own country.
    """
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for u, v, key in G.edges(keys=True):
        if key in ATTRIBUTION_PREDICATES:
            found[v][key].add(u)
    _set_countries(G, found)


def _set_countries(G: nx.MultiDiGraph, found: dict[str, dict[str, set[str]]]) -> None:
    for node, data in G.nodes(data=True):
        if "Country" in data.get("types", ()):
            data["country"], data["countries"] = node, (node,)
            continue
        per = found.get(node)
        if not per:
            data["country"], data["countries"] = None, ()
            continue
        ordered = [c for key in _COUNTRY_ORDER for c in sorted(per.get(key, ()))]
        data["country"] = ordered[0]
        data["countries"] = tuple(dict.fromkeys(ordered))


def find_node(G: nx.MultiDiGraph, text: str) -> str:
    """The projected node ``text`` names: an IRI, a local id (``org/smic``) or an exact label.

    Names are matched case-insensitively; the CLI and API resolve fuzzier names
    with :class:`graph.entities.EntityIndex` first.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node(ID_BASE + "org/smic", label="SMIC")
    >>> find_node(G, "org/smic") == find_node(G, "smic") == ID_BASE + "org/smic"
    True
    """
    if text in G:
        return str(text)
    if ID_BASE + text in G:
        return ID_BASE + text
    wanted = text.strip().casefold()
    matches = sorted(n for n, label in G.nodes(data="label") if label and str(label).casefold() == wanted)
    if matches:
        return str(matches[0])
    raise EntityNotFound(f"no entity {text!r} in the graph")


def node_countries(G: nx.MultiDiGraph, node: str) -> tuple[str, ...]:
    """Countries a node is attributed to (headquarters, location, origin; itself for a country)."""
    return tuple(G.nodes[node].get("countries", ())) if node in G else ()


# -- filtering ----------------------------------------------------------------------------


def _sanction_in_force(data: dict[str, Any], cutoff: date, published: date | None) -> bool:
    start = parse_date(data.get("date")) or published
    if start is not None and start > cutoff:
        return False
    end = parse_date(data.get("end_date"))
    if end is None and data.get("status") == "Lifted":
        end = published or date.min  # lifted at an unknown time: by the article reporting it, else always
    return end is None or end > cutoff


def filter_projection(
    G: nx.MultiDiGraph,
    *,
    as_of: date | str | None = None,
    min_confidence: float = 0.0,
    sources: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """A new projection keeping only what passes the filters (see the module docstring).

    >>> H = filter_projection(nx.MultiDiGraph(published={}), as_of="2022-12-31", sources=["news"])
    >>> H.graph["filters"]["sources"]
    ['news']
    """
    cutoff = parse_date(as_of)
    if as_of is not None and cutoff is None:
        raise InvalidParameter(f"as_of must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), not {as_of!r}")
    if not 0.0 <= min_confidence <= 1.0:
        raise InvalidParameter("min_confidence must be between 0 and 1")
    wanted = None if sources is None else frozenset(sources)
    if wanted is not None and not wanted:
        raise InvalidParameter("sources must name at least one source kind")
    published: dict[str, str | None] = G.graph.get("published", {})
    kinds: dict[str, str] = G.graph.get("kinds", {})

    @functools.cache
    def source_ok(graph: str) -> bool:
        return wanted is None or kind_of(graph, kinds) in wanted

    @functools.cache
    def date_ok(graph: str) -> bool:
        if cutoff is None or graph not in published:
            return True
        day = parse_date(published[graph])
        return day is None or day <= cutoff

    H = nx.MultiDiGraph()
    H.graph.update({key: value for key, value in G.graph.items() if not key.startswith("_")})
    H.graph["filters"] = {
        "as_of": cutoff.isoformat() if cutoff else None,
        "min_confidence": min_confidence,
        "sources": sorted(wanted) if wanted is not None else None,
    }
    for node, data in G.nodes(data=True):
        graphs = data.get("graphs", ())
        sanction = is_sanction(G, node)
        # the source filter applies to facts, not to the catalogue of entities
        if not sanction and graphs and not any(date_ok(g) for g in graphs):
            continue
        if sanction and not any(source_ok(g) for g in graphs):
            continue
        if cutoff is not None and sanction:
            days = [parse_date(published.get(g)) for g in graphs if g in published]
            first = min((d for d in days if d is not None), default=None)
            if not _sanction_in_force(data, cutoff, first):
                continue
        H.add_node(node, **data)
    shared: dict[Any, Any] = {}
    for u, v, key, data in G.edges(keys=True, data=True):
        if u not in H or v not in H:
            continue
        # sanction edges follow their sanction's own date, not their article's
        dated = data["layer"] != "sanction"
        evidence = data["evidence"]
        copy = dict(data)
        if isinstance(evidence, LazyEvidence):
            kept_in = [
                (g, c)
                for g, c in zip(evidence.graphs, evidence.confidences, strict=True)
                if c >= min_confidence and source_ok(g) and (not dated or date_ok(g))
            ]
            if not kept_in:
                continue
            graphs = tuple(g for g, _ in kept_in)
            confidences = tuple(c for _, c in kept_in)
            copy["evidence"] = evidence.restricted(graphs, confidences, min_confidence)
            copy["confidence"] = max(confidences)
            articles = tuple(sorted(g for g in graphs if is_article_iri(g)))
            found = tuple(sorted({kind_of(g, kinds) for g in graphs}))
        else:
            kept = tuple(
                e
                for e in evidence
                if e.confidence >= min_confidence and source_ok(e.graph) and (not dated or date_ok(e.graph))
            )
            if not kept:
                continue
            copy["evidence"] = kept
            copy["confidence"] = max(e.confidence for e in kept)
            articles = tuple(sorted({e.article for e in kept if e.article}))
            found = tuple(sorted({e.source for e in kept}))
        copy["articles"] = shared.setdefault(articles, articles)
        copy["sources"] = shared.setdefault(found, found)
        H.add_edge(u, v, key=key, **copy)
    assign_countries(H)
    return H


_SEGMENT_TYPES = {
    "org": "Company",
    "country": "Country",
    "equipment": "Equipment",
    "product": "Product",
    "sanction": "ExportControl",
    "facility": "Facility",
    "node": "ProcessNode",
    "person": "Person",
    "tech": "Technology",
    "process": "ProductionProcess",
}


def graph_from_facts(
    facts: Iterable[tuple[str, str, str]],
    *,
    types: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> nx.MultiDiGraph:
    """Project a handful of facts given as local ids (for examples and what-if sketches).

    Each fact is ``(subject, property, object)`` with local ids such as
    ``org/smic`` and a cg: property name; classes default from the id's segment
    (``org`` -> Company), labels from its slug. The facts go through a memory
    store and :func:`project`, exactly like stored data.

    >>> G = graph_from_facts([("org/smic", "manufacturesFor", "org/huawei"),
    ...                       ("org/huawei", "headquarteredIn", "country/china")])
    >>> [(G.nodes[u]["label"], d["label"], G.nodes[v]["label"]) for u, v, d in G.edges(data=True)]
    [('china', 'home of', 'huawei'), ('smic', 'manufactures for', 'huawei')]
    >>> G.nodes[ID_BASE + "org/huawei"]["country"] == ID_BASE + "country/china"
    True
    """
    from rdflib import RDF, RDFS, Literal
    from rdflib.term import Node

    from graph.store import MemoryStore

    types, labels = types or {}, labels or {}
    triples: list[tuple[Node, Node, Node]] = []
    nodes: dict[str, None] = {}
    for subject, prop, obj in facts:
        triples.append((URIRef(ID_BASE + subject), URIRef(CG_NAMESPACE + prop), URIRef(ID_BASE + obj)))
        nodes.update({subject: None, obj: None})
    for node in nodes:
        segment = node.split("/", 1)[0]
        cls = types.get(node) or _SEGMENT_TYPES.get(segment, "Entity")
        triples.append((URIRef(ID_BASE + node), RDF.type, URIRef(CG_NAMESPACE + cls)))
        triples.append((URIRef(ID_BASE + node), RDFS.label, Literal(labels.get(node, node.rsplit("/", 1)[-1]))))
    store = MemoryStore()
    store.replace_graph(REFERENCE_GRAPH, triples)
    return _build(store, keep_store=True)


# -- the cache ------------------------------------------------------------------------------


class _StoreCache:
    def __init__(self) -> None:
        self.generation = -1
        self.graphs: dict[tuple[Any, ...], nx.MultiDiGraph] = {}


_cache: weakref.WeakKeyDictionary[Store, _StoreCache] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()
_watched: weakref.WeakSet[KnowledgeGraph] = weakref.WeakSet()
_MAX_VARIANTS = 8


def clear_projection_cache(store: Store | None = None) -> None:
    """Forget cached projections (of one store, or all)."""
    with _cache_lock:
        if store is None:
            _cache.clear()
        else:
            _cache.pop(store, None)


def projection(
    source: Store | KnowledgeGraph,
    *,
    as_of: date | str | None = None,
    min_confidence: float = 0.0,
    sources: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """The projection of a store (or knowledge graph), cached until the next write.

    Filtered variants are derived from the cached full projection without
    querying the store again. Treat the result as read-only.
    """
    if isinstance(source, KnowledgeGraph):
        store = source.store
        if source not in _watched:
            _watched.add(source)
            source.on_change(functools.partial(clear_projection_cache, store))
    else:
        store = source
    for kind in sources or ():
        if kind not in SOURCE_KINDS:
            raise InvalidParameter(f"unknown source {kind!r}; use {', '.join(SOURCE_KINDS)}")
    key = (
        parse_date(as_of),
        float(min_confidence),
        None if sources is None else tuple(sorted(set(sources))),
    )
    if as_of is not None and key[0] is None:
        raise InvalidParameter(f"as_of must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), not {as_of!r}")
    with _cache_lock:
        entry = _cache.get(store)
        if entry is None or entry.generation != store.generation:
            entry = _StoreCache()
            _cache[store] = entry
        cached = entry.graphs.get(key)
        base = entry.graphs.get((None, 0.0, None))
    if cached is not None:
        return cached
    generation = store.generation
    if base is None:
        base = _build(store)
    result = (
        base
        if key == (None, 0.0, None)
        else filter_projection(base, as_of=key[0], min_confidence=key[1], sources=key[2])
    )
    with _cache_lock:
        entry = _cache.get(store)
        if entry is not None and entry.generation in (-1, generation) and store.generation == generation:
            entry.generation = generation
            entry.graphs[(None, 0.0, None)] = base
            if len(entry.graphs) >= _MAX_VARIANTS:
                entry.graphs = {(None, 0.0, None): base}
            entry.graphs[key] = result
    return result
