"""A tiny deterministic extractor for testing the layers below extraction
(provenance, stores, ingestion, removal). It knows three made-up companies
and one sentence pattern, so tests know exactly which facts to expect."""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Literal
from rdflib.namespace import XSD

from graph.ids import mint, mint_entity, mint_node
from graph.records import Article, EntityRecord, Evidence, Extraction, Fact, SanctionRecord
from graph.vocab import CG

COMPANIES = ("Acme Foundry", "Globex Chips", "Initech Tools")
_SUPPLIES = re.compile(
    r"(?P<s>Acme Foundry|Globex Chips|Initech Tools) supplies (?P<o>Acme Foundry|Globex Chips|Initech Tools)"
)
_NODE = re.compile(r"(?P<s>Acme Foundry|Globex Chips) makes (?P<n>\d+)nm chips")
_BAN = re.compile(r"Ruritania bans exports to (?P<t>Acme Foundry|Globex Chips|Initech Tools)")


class KeywordExtractor:
    """Finds 'X supplies Y', 'X makes Nnm chips' and 'Ruritania bans exports to X'."""

    name = "test-keywords/1"

    def extract(self, article: Article) -> Extraction:
        text = article.text
        entities: dict[str, EntityRecord] = {}
        facts: list[Fact] = []
        sanctions: list[SanctionRecord] = []

        def company(name: str) -> EntityRecord:
            record = EntityRecord(mint_entity(CG.Company, name), CG.Company, name)
            entities[name] = record
            return record

        def evidence(match: re.Match[str], rule: str) -> Evidence:
            start = text.rfind(".", 0, match.start()) + 1
            end = text.find(".", match.end())
            end = len(text) if end < 0 else end + 1
            while text[start].isspace():
                start += 1
            return Evidence(text[start:end], start, end, 0.9, rule)

        for match in _SUPPLIES.finditer(text):
            s, o = company(match["s"]), company(match["o"])
            facts.append(Fact(s.iri, CG.suppliesTo, o.iri, evidence(match, "test-supplies")))
        for match in _NODE.finditer(text):
            s = company(match["s"])
            size = Decimal(match["n"])
            node = EntityRecord(
                mint_node(size),
                CG.ProcessNode,
                f"{match['n']}nm",
                attributes=((CG.nodeSizeNm, Literal(size, datatype=XSD.decimal)),),
            )
            entities[node.label] = node
            facts.append(Fact(s.iri, CG.atNode, node.iri, evidence(match, "test-node")))
        for match in _BAN.finditer(text):
            country = EntityRecord(mint_entity(CG.Country, "Ruritania"), CG.Country, "Ruritania")
            entities["Ruritania"] = country
            target = company(match["t"])
            ev = evidence(match, "test-ban")
            sanction = SanctionRecord(
                mint("sanction", str(article.iri), str(match.start())),
                CG.ExportControl,
                "Ruritanian export ban",
                ev,
                status=CG.InForce,
                date=Literal("2023", datatype=XSD.gYear),
            )
            sanctions.append(sanction)
            facts.append(Fact(sanction.iri, CG.imposedBy, country.iri, ev))
            facts.append(Fact(sanction.iri, CG.targets, target.iri, ev))
        return Extraction(article, self.name, tuple(entities.values()), tuple(facts), tuple(sanctions))
