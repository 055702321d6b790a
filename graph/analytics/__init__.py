"""Analytics over the chip supply chain: paths, chokepoints, exposure, what-if.

Everything runs on the projection (:mod:`graph.analytics.project`), a
networkx graph whose edges run upstream -> downstream; every answer is a
frozen dataclass with ``to_dict()`` and the evidence of each hop.

>>> from graph.analytics import graph_from_facts, dependency_paths
>>> G = graph_from_facts([("org/asml", "suppliesTo", "org/smic")])
>>> dependency_paths(G, "asml", "smic").paths[0].describe()
'asml -(supplies to)-> smic'
"""

from graph.analytics.centrality import CentralityResult, betweenness, centrality_rankings, pagerank
from graph.analytics.chokepoints import (
    ChokepointRanking,
    TargetChokepoints,
    country_shares,
    rank_chokepoints,
    target_chokepoints,
)
from graph.analytics.countries import CountryMatrix, country_matrix
from graph.analytics.exposure import ExposureResult, SanctionReach, sanction_exposure, sanction_reach
from graph.analytics.neighbourhood import Neighbourhood, downstream, upstream
from graph.analytics.paths import PathsResult, dependency_paths
from graph.analytics.project import (
    DEPENDENCY_LAYERS,
    LAYERS,
    SOURCE_KINDS,
    clear_projection_cache,
    filter_projection,
    find_node,
    graph_from_facts,
    project,
    projection,
)
from graph.analytics.results import DependencyPath, EdgeEvidence, EntityRef, Hop, HopEdge
from graph.analytics.scenarios import ScenarioResult, input_nodes, what_if

__all__ = [
    "DEPENDENCY_LAYERS",
    "LAYERS",
    "SOURCE_KINDS",
    "CentralityResult",
    "ChokepointRanking",
    "CountryMatrix",
    "DependencyPath",
    "EdgeEvidence",
    "EntityRef",
    "ExposureResult",
    "Hop",
    "HopEdge",
    "Neighbourhood",
    "PathsResult",
    "SanctionReach",
    "ScenarioResult",
    "TargetChokepoints",
    "betweenness",
    "centrality_rankings",
    "clear_projection_cache",
    "country_matrix",
    "country_shares",
    "dependency_paths",
    "downstream",
    "filter_projection",
    "find_node",
    "graph_from_facts",
    "input_nodes",
    "pagerank",
    "project",
    "projection",
    "rank_chokepoints",
    "sanction_exposure",
    "sanction_reach",
    "target_chokepoints",
    "upstream",
    "what_if",
]
