"""chipgraph vocabulary: GENERATED from ontology/chipgraph.ttl, do not edit.

Regenerate with ``python -m graph.ontology``; tests/test_vocab.py fails when
this file and the Turtle drift apart. ``CG`` is a closed namespace: a
misspelt term raises AttributeError instead of minting a new IRI.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

__all__ = ["CG"]


class CG(DefinedNamespace):
    """Terms of the chipgraph ontology (prefix ``cg:``)."""

    _NS = Namespace("https://w3id.org/chipgraph/ontology#")
    _fail = True

    Article: URIRef  # article
    Company: URIRef  # company
    Considered: URIRef  # considered
    CounterSanction: URIRef  # counter-sanction
    Country: URIRef  # country
    Dataset: URIRef  # dataset
    DesignResource: URIRef  # design resource
    Entity: URIRef  # entity
    EntityListing: URIRef  # entity listing
    Equipment: URIRef  # equipment
    Evidence: URIRef  # evidence
    Exemption: URIRef  # exemption or licence
    ExportControl: URIRef  # export control
    Extended: URIRef  # extended
    Facility: URIRef  # facility
    GovernmentBody: URIRef  # government body
    InForce: URIRef  # in force
    Lifted: URIRef  # lifted
    Material: URIRef  # material
    Organization: URIRef  # organization
    Person: URIRef  # person
    ProcessNode: URIRef  # process node
    Product: URIRef  # product
    ProductionProcess: URIRef  # production process
    Proposed: URIRef  # proposed
    Provision: URIRef  # provision
    Sanction: URIRef  # sanction
    SanctionStatus: URIRef  # sanction status
    Tariff: URIRef  # tariff
    Technology: URIRef  # technology
    Threatened: URIRef  # threatened
    affiliatedWith: URIRef  # affiliated with
    atNode: URIRef  # at node
    charEnd: URIRef  # end offset
    charStart: URIRef  # start offset
    confidence: URIRef  # confidence
    cue: URIRef  # cue
    date: URIRef  # date
    demonym: URIRef  # demonym
    denialCue: URIRef  # denial cue
    dependencyDirection: URIRef  # dependency direction
    endDate: URIRef  # end date
    exempts: URIRef  # exempts
    externalId: URIRef  # external id
    extractorVersion: URIRef  # extractor version
    fileName: URIRef  # file name
    goesInto: URIRef  # goes into
    hasComponent: URIRef  # has component
    head: URIRef  # head noun
    headquarteredIn: URIRef  # headquartered in
    hedgeCue: URIRef  # hedge cue
    imposedBy: URIRef  # imposed by
    inStage: URIRef  # in stage
    inverseLabel: URIRef  # inverse label
    inverseTrigger: URIRef  # inverse trigger
    iriSegment: URIRef  # IRI segment
    isoCode: URIRef  # ISO code
    locatedIn: URIRef  # located in
    makes: URIRef  # makes
    manufacturesFor: URIRef  # manufactures for
    marketShare: URIRef  # market share (%)
    mentions: URIRef  # mentions
    metonym: URIRef  # metonym
    modifier: URIRef  # modifier
    nodeSizeNm: URIRef  # node size (nm)
    nodeThreshold: URIRef  # node threshold
    operates: URIRef  # operates
    originCountry: URIRef  # origin country
    provided: URIRef  # provided
    provider: URIRef  # provider
    reportedBy: URIRef  # reported by
    restricts: URIRef  # restricts
    role: URIRef  # role
    rule: URIRef  # rule
    sentence: URIRef  # sentence
    sha256: URIRef  # SHA-256
    sourceDataset: URIRef  # source dataset
    sourceKind: URIRef  # source kind
    sourceRow: URIRef  # source row
    statementCount: URIRef  # statement count
    status: URIRef  # status
    subsidiaryOf: URIRef  # subsidiary of
    suppliesTo: URIRef  # supplies to
    targets: URIRef  # targets
    text: URIRef  # text
    thresholdNm: URIRef  # threshold (nm)
    trigger: URIRef  # trigger
    typeOf: URIRef  # is a type of
    uses: URIRef  # uses
    year: URIRef  # year
