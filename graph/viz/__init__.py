"""Interactive graph pages: views of the projection drawn with vis-network through pyvis.

:mod:`graph.viz.views` selects what a page shows (overview, entity
neighbourhood, dependency paths, sanctions, what-if, countries) as the records
of :mod:`graph.viz.model`; :mod:`graph.viz.looks` decides how they look;
:mod:`graph.viz.render` turns a view into a safe, offline HTML page (the only
module importing pyvis); :mod:`graph.viz.files` writes pages where they may go.

>>> from graph.analytics import graph_from_facts
>>> G = graph_from_facts([("org/asml", "suppliesTo", "org/smic")])
>>> html = render_page(entity_view(G, "smic"))
>>> html.startswith("<!DOCTYPE html>"), "<script src=" in html, "Content-Security-Policy" in html
(True, False, True)
"""

from graph.viz.files import safe_output_path, write_page
from graph.viz.model import View, VizEdge, VizFact, VizNode
from graph.viz.render import ASSETS, PageOptions, asset_path, page_csp, page_data, render_page
from graph.viz.views import (
    countries_view,
    entity_view,
    overview_view,
    path_view,
    sanctions_view,
    whatif_view,
)

__all__ = [
    "ASSETS",
    "PageOptions",
    "View",
    "VizEdge",
    "VizFact",
    "VizNode",
    "asset_path",
    "countries_view",
    "entity_view",
    "overview_view",
    "page_csp",
    "page_data",
    "path_view",
    "render_page",
    "safe_output_path",
    "sanctions_view",
    "whatif_view",
    "write_page",
]
