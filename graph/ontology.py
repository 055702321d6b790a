"""Access to the ontology files: the single source of truth for terms and lexicons.

``ontology/chipgraph.ttl`` defines classes, properties, labels and the trigger
lexicons; :mod:`graph.vocab` is generated from it (``python -m graph.ontology``)
and a test fails when the two drift apart.
"""

from __future__ import annotations

import functools
import keyword
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

__all__ = [
    "CG_NAMESPACE",
    "ONTOLOGY_DIR",
    "PropertyInfo",
    "alignment_files",
    "class_ancestors",
    "class_segment",
    "generate_vocab_source",
    "load_ontology",
    "load_shapes",
    "ontology_files",
    "property_info",
    "reference_files",
    "triggers",
]

CG_NAMESPACE = "https://w3id.org/chipgraph/ontology#"
ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
_CG_TTL = ONTOLOGY_DIR / "chipgraph.ttl"
_SHAPES_TTL = ONTOLOGY_DIR / "shapes.ttl"


def ontology_files() -> list[Path]:
    """The files of the ontology graph: the core ontology and the alignments."""
    return [_CG_TTL, *alignment_files()]


def alignment_files() -> list[Path]:
    """Alignment files mapping other vocabularies onto chipgraph's."""
    return sorted((ONTOLOGY_DIR / "alignment").glob("*.ttl"))


def reference_files() -> list[Path]:
    """Curated reference entity files (companies, countries, bodies...)."""
    return sorted((ONTOLOGY_DIR / "reference").glob("*.ttl"))


@functools.cache
def load_ontology() -> Graph:
    """Parse ``ontology/chipgraph.ttl`` (cached; treat the result as read-only)."""
    graph = Graph()
    graph.parse(_CG_TTL, format="turtle")
    return graph


@functools.cache
def load_shapes() -> Graph:
    """Parse the SHACL shapes (cached; treat the result as read-only)."""
    graph = Graph()
    graph.parse(_SHAPES_TTL, format="turtle")
    return graph


def _cg_terms(graph: Graph) -> Iterator[tuple[str, URIRef]]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
    seen: set[URIRef] = set()
    for kind in kinds:
        for term in graph.subjects(RDF.type, kind):
            if isinstance(term, URIRef) and str(term).startswith(CG_NAMESPACE) and term not in seen:
                seen.add(term)
                yield str(term)[len(CG_NAMESPACE) :], term


def generate_vocab_source() -> str:
    """Python source of :mod:`graph.vocab`, generated from the ontology."""
    graph = load_ontology()
    lines = [
        '"""chipgraph vocabulary: GENERATED from ontology/chipgraph.ttl, do not edit.',
        "",
        "Regenerate with ``python -m graph.ontology``; tests/test_vocab.py fails when",
        "this file and the Turtle drift apart. ``CG`` is a closed namespace: a",
        "misspelt term raises AttributeError instead of minting a new IRI.",
        '"""',
        "",
        "from rdflib import URIRef",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "",
        '__all__ = ["CG"]',
        "",
        "",
        "class CG(DefinedNamespace):",
        '    """Terms of the chipgraph ontology (prefix ``cg:``)."""',
        "",
        f'    _NS = Namespace("{CG_NAMESPACE}")',
        "    _fail = True",
        "",
    ]
    for name, term in sorted(_cg_terms(graph), key=lambda item: item[0]):
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"ontology term {term} is not a valid Python identifier")
        label = graph.value(term, RDFS.label)
        lines.append(f"    {name}: URIRef  # {label}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class PropertyInfo:
    """What the ontology says about one property."""

    iri: URIRef
    label: str
    inverse_label: str
    direction: str  # "forward", "reverse" or "none"
    domain: URIRef | None
    range: URIRef | None
    super_properties: tuple[URIRef, ...]


@functools.cache
def property_info() -> dict[URIRef, PropertyInfo]:
    """Every cg: property with its labels, dependency direction, domain and range."""
    graph = load_ontology()
    cg_dir = URIRef(CG_NAMESPACE + "dependencyDirection")
    cg_inv = URIRef(CG_NAMESPACE + "inverseLabel")
    info: dict[URIRef, PropertyInfo] = {}
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in graph.subjects(RDF.type, kind):
            if not isinstance(prop, URIRef) or not str(prop).startswith(CG_NAMESPACE):
                continue
            domain = graph.value(prop, RDFS.domain)
            range_ = graph.value(prop, RDFS.range)
            info[prop] = PropertyInfo(
                iri=prop,
                label=str(graph.value(prop, RDFS.label) or prop),
                inverse_label=str(graph.value(prop, cg_inv) or ""),
                direction=str(graph.value(prop, cg_dir) or "none"),
                domain=domain if isinstance(domain, URIRef) else None,
                range=range_ if isinstance(range_, URIRef) else None,
                super_properties=tuple(p for p in graph.objects(prop, RDFS.subPropertyOf) if isinstance(p, URIRef)),
            )
    return info


def triggers(term: URIRef, *, inverse: bool = False) -> tuple[str, ...]:
    """The trigger lexicon the ontology attaches to ``term`` (sorted)."""
    graph = load_ontology()
    prop = URIRef(CG_NAMESPACE + ("inverseTrigger" if inverse else "trigger"))
    return tuple(sorted(str(v) for v in graph.objects(term, prop) if isinstance(v, Literal)))


def cues(cls: URIRef) -> tuple[str, ...]:
    """Head nouns that mark a mention as an instance of ``cls`` (sorted)."""
    graph = load_ontology()
    return tuple(sorted(str(v) for v in graph.objects(cls, URIRef(CG_NAMESPACE + "cue"))))


@functools.cache
def class_ancestors(cls: URIRef) -> tuple[URIRef, ...]:
    """``cls`` and all its superclasses in the ontology, nearest first."""
    graph = load_ontology()
    order: list[URIRef] = []
    frontier = [cls]
    while frontier:
        current = frontier.pop(0)
        if current in order:
            continue
        order.append(current)
        frontier.extend(p for p in graph.objects(current, RDFS.subClassOf) if isinstance(p, URIRef))
    return tuple(order)


@functools.cache
def class_segment(cls: URIRef) -> str:
    """The IRI path segment instances of ``cls`` are minted under."""
    graph = load_ontology()
    seg_prop = URIRef(CG_NAMESPACE + "iriSegment")
    for ancestor in class_ancestors(cls):
        segment = graph.value(ancestor, seg_prop)
        if segment is not None:
            return str(segment)
    raise ValueError(f"{cls} has no cg:iriSegment in the ontology")


def labels_of(term: URIRef) -> tuple[str, list[str]]:
    """Preferred label and alternative labels of an ontology term."""
    graph = load_ontology()
    label = str(graph.value(term, RDFS.label) or term)
    return label, sorted(str(a) for a in graph.objects(term, SKOS.altLabel))


def main(argv: list[str] | None = None) -> int:
    """Regenerate ``graph/vocab.py`` (or check it with ``--check``)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(__file__).resolve().parent / "vocab.py"
    source = generate_vocab_source()
    if "--check" in args:
        if target.read_text(encoding="utf-8") != source:
            print("graph/vocab.py is out of date: run python -m graph.ontology", file=sys.stderr)
            return 1
        return 0
    target.write_text(source, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
