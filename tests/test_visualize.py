"""Graph pages without a browser: what each view selects, that every text from an article stays
text (names, sentences, titles, quotes), that a page names no other host and loads nothing, that
file names and ids cannot leave their folder, the CLI and the /viz routes over real HTTP."""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest
from conftest_api import LiveServer, api_settings, start_server
from typer.testing import CliRunner
from viz_support import (
    ARTICLE_ID,
    EVIL_NAMES,
    IMG_NAME,
    QUOTE_NAME,
    SANCTION_NAME,
    SCRIPT_NAME,
    evil_id,
    evil_iri,
    hostile_graph,
)

from graph.analytics import graph_from_facts, projection
from graph.cli import app as cli_app
from graph.errors import EntityNotFound, InvalidParameter
from graph.ids import ID_BASE
from graph.kg import KnowledgeGraph
from graph.settings import Settings
from graph.store import EmbeddedStore
from graph.viz import (
    PageOptions,
    View,
    countries_view,
    entity_view,
    overview_view,
    page_data,
    path_view,
    render_page,
    safe_output_path,
    sanctions_view,
    whatif_view,
    write_page,
)
from graph.viz.layout import spring_layout
from graph.viz.render import embed_json

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STANDALONE = PageOptions(standalone=True, link_base="http://127.0.0.1:8000")
SERVED = PageOptions(standalone=False, nav=True)
DATA_BLOCK = re.compile(r'<script type="application/json" id="viz-data">(.*?)</script>', re.S)
VIS_BLOCK = re.compile(r"<script nonce=\"[^\"]+\">/\*\*\s*\* vis-network.*?</script>", re.S)


@pytest.fixture(scope="module")
def kg() -> Iterator[KnowledgeGraph]:
    graph = hostile_graph(api_settings())
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def G(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    return projection(kg)


VIEWS: dict[str, Callable[[nx.MultiDiGraph], View]] = {
    "overview": lambda G: overview_view(G, max_nodes=300),
    "entity": lambda G: entity_view(G, evil_iri(IMG_NAME), depth=2),
    "path": lambda G: path_view(G, evil_iri(IMG_NAME), ID_BASE + "org/huawei"),
    "sanctions": lambda G: sanctions_view(G),
    "whatif": lambda G: whatif_view(G, remove=[ID_BASE + "country/netherlands"]),
    "countries": lambda G: countries_view(G),
}


def _data(html: str) -> dict[str, Any]:
    blocks = DATA_BLOCK.findall(html)
    assert len(blocks) == 1
    assert "<" not in blocks[0] and ">" not in blocks[0] and "&" not in blocks[0]
    return json.loads(blocks[0])  # type: ignore[no-any-return]


class _Tags(HTMLParser):
    """Every element and attribute an HTML parser sees (script and style contents are not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _no_live_markup(html: str) -> None:
    for name in (*EVIL_NAMES, SANCTION_NAME, "<b>bold</b>", "<iframe"):
        assert name not in html
    parser = _Tags()
    parser.feed(html)
    names = {tag for tag, _ in parser.tags}
    assert not names & {"img", "svg", "iframe", "b", "object", "embed"}
    assert not [a for _, attrs in parser.tags for a, _ in attrs if a.startswith("on")]
    assert not [v for _, attrs in parser.tags for _, v in attrs if v and v.strip().lower().startswith("javascript:")]


# -- escaping -----------------------------------------------------------------------------------


@pytest.mark.parametrize("options", [STANDALONE, SERVED], ids=["standalone", "served"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_article_text_stays_text(G: nx.MultiDiGraph, view: str, options: PageOptions) -> None:
    html = render_page(VIEWS[view](G), options)
    _no_live_markup(html)
    # only our own script elements: the data block plus vis-network and the page script
    assert html.count("<script") == 3
    data = _data(html)
    names = {n["name"] for n in data["nodes"]}
    sentences = [ev["sentence"] for e in data["edges"] for f in e["facts"] for ev in f["evidence"] if ev["sentence"]]
    if view in ("overview", "entity", "path"):
        assert set(EVIL_NAMES) & names  # the hostile names arrive intact, quotes included, as data
        assert any(QUOTE_NAME in s and '"friends"' in s for s in sentences)
    if view == "sanctions":
        assert SANCTION_NAME in names


def test_headings_and_notices_are_escaped(G: nx.MultiDiGraph) -> None:
    html = render_page(entity_view(G, evil_iri(SCRIPT_NAME)), SERVED)
    assert '<h1 id="viz-title">&lt;script&gt;alert(1)&lt;/script&gt;</h1>' in html
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · chipgraph</title>" in html
    path = render_page(path_view(G, evil_iri(QUOTE_NAME), ID_BASE + "org/huawei"), SERVED)
    _no_live_markup(path)
    assert "Quote&#34;&#39;Corp &lt;/script&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt; → Huawei" in path


def test_embedded_json_cannot_close_its_script() -> None:
    text = str(embed_json({"name": "</script><script>alert(1)</script>", "amp": "a & b", "ls": "\u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script>", "amp": "a & b", "ls": "\u2028"}


def test_tooltips_are_data_not_markup(G: nx.MultiDiGraph) -> None:
    """vis-network would render string titles; pages give it none and build tooltips with textContent."""
    data = page_data(VIEWS["path"](G), SERVED)
    assert all("title" not in n for n in data["nodes"]) and all("title" not in e for e in data["edges"])
    script = (Path(__file__).resolve().parents[1] / "graph" / "viz" / "static" / "viz.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script
    assert "eval(" not in script and "new Function" not in script


# -- offline ------------------------------------------------------------------------------------


def _urls(text: str) -> list[str]:
    return re.findall(r"(?:https?:)?//[A-Za-z0-9.\-]+(?::\d+)?[^\s\"'<>)]*", text)


@pytest.mark.parametrize("view", list(VIEWS))
def test_served_page_names_no_other_host(G: nx.MultiDiGraph, view: str) -> None:
    html = render_page(VIEWS[view](G), SERVED)
    assert _urls(html) == []
    assert re.findall(r'<script src="([^"]+)"', html) == ["/viz/static/vis-network.min.js", "/viz/static/viz.js"]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == [
        "/viz/static/vis-network.css",
        "/viz/static/viz.css",
    ]


@pytest.mark.parametrize("view", list(VIEWS))
def test_standalone_page_inlines_everything(G: nx.MultiDiGraph, view: str) -> None:
    html = render_page(VIEWS[view](G), STANDALONE)
    assert "<script src" not in html and "<link" not in html and "@import" not in html
    # the vendored library's licence header names its authors' sites, and SVG has a namespace name
    # (an identifier, never fetched); nothing else names a host but the server links go to
    outside = VIS_BLOCK.sub("", html).replace('"http://www.w3.org/2000/svg"', "")
    assert len(outside) < len(html) - 400_000
    urls = re.findall(r"https?://[^\s\"'<>)]+", outside)
    assert {u.split("/")[2] for u in urls} <= {"127.0.0.1:8000"}
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp is not None
    policy = html_lib.unescape(csp.group(1))
    nonce = re.search(r"script-src 'nonce-([^']+)'", policy)
    assert nonce is not None and "connect-src 'none'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    tags = re.findall(r"<(script|style)( [^>]*)?>", html)
    assert all(f'nonce="{nonce.group(1)}"' in attrs for tag, attrs in tags if 'type="application/json"' not in attrs)


def test_links_point_at_entity_and_article_pages(G: nx.MultiDiGraph) -> None:
    data = page_data(VIEWS["path"](G), STANDALONE)
    urls = {n["id"]: n["url"] for n in data["nodes"]}
    assert urls["org/smic"] == "http://127.0.0.1:8000/id/org/smic"
    assert urls[evil_id(IMG_NAME)] == f"http://127.0.0.1:8000/id/{evil_id(IMG_NAME)}"
    evidence = [ev for e in data["edges"] for f in e["facts"] for ev in f["evidence"] if ev["article"] == ARTICLE_ID]
    assert evidence and evidence[0]["articleUrl"] == f"http://127.0.0.1:8000/articles/{ARTICLE_ID}"
    assert evidence[0]["published"] == "2024-01-05" and evidence[0]["confidence"] == 0.8
    assert "https://w3id.org" not in json.dumps(data)  # node ids are local ids, not IRIs


# -- what the views select ------------------------------------------------------------------------


def test_path_view_highlights_the_paths_on_their_neighbourhood(G: nx.MultiDiGraph) -> None:
    view = path_view(G, "country/netherlands", "org/huawei", k=2, context=3)
    assert view.paths[0][0].startswith("Netherlands → ")
    roles = {n.iri.removeprefix(ID_BASE): n.role for n in view.nodes}
    assert roles["country/netherlands"] == roles["org/huawei"] == "focus"
    assert roles["org/smic"] == "path"
    assert sum(1 for r in roles.values() if r is None) == 3  # the context
    hops = {(e.source.removeprefix(ID_BASE), e.target.removeprefix(ID_BASE)) for e in view.edges if e.role == "path"}
    assert ("org/smic", "org/huawei") in hops
    data = page_data(view, SERVED)
    assert data["paths"][0]["nodes"][0] == "country/netherlands" and data["paths"][0]["edges"]
    assert any("neighbours of the path are shown" in n for n in view.notices)


def test_path_view_without_a_directed_path_shows_the_nearest_connection(G: nx.MultiDiGraph) -> None:
    view = path_view(G, "org/huawei", "country/netherlands")
    assert any("no dependency path" in n for n in view.notices)
    assert {e.role for e in view.edges} >= {"nearest"}


def test_overview_keeps_the_most_connected_and_says_what_it_left_out(G: nx.MultiDiGraph) -> None:
    view = overview_view(G, max_nodes=12)
    assert len(view.nodes) == 12
    assert view.notices[0].startswith("Showing the 12 most connected of ")
    degrees = [len(set(G._succ[n.iri]) | set(G._pred[n.iri])) for n in view.nodes]
    left = [len(set(G._succ[n]) | set(G._pred[n])) for n in G if n not in {v.iri for v in view.nodes}]
    assert min(degrees) >= max(left)


def test_entity_view_depth_and_limits(G: nx.MultiDiGraph) -> None:
    one = entity_view(G, "org/smic", depth=1)
    two = entity_view(G, "org/smic", depth=2)
    assert {n.iri for n in one.nodes} < {n.iri for n in two.nodes}
    assert [n.role for n in one.nodes].count("focus") == 1
    capped = entity_view(G, "org/smic", depth=3, max_nodes=5)
    assert len(capped.nodes) == 5 and "nearest" in capped.notices[-1]
    for depth in (0, 4):
        with pytest.raises(InvalidParameter):
            entity_view(G, "org/smic", depth=depth)
    with pytest.raises(EntityNotFound):
        entity_view(G, "org/../../etc/passwd")


def test_sanctions_view_filters_by_status_and_date(kg: KnowledgeGraph, G: nx.MultiDiGraph) -> None:
    def names(view: View) -> set[str]:
        return {n.label for n in view.nodes if n.kind == "Sanction"}

    assert "Dutch DUV licence requirement" in names(sanctions_view(G))
    assert names(sanctions_view(G, statuses=["Proposed"])) == {"Dutch DUV licence requirement"}
    then = sanctions_view(projection(kg, as_of="2018-05-01"))
    assert names(then) == {"US denial order on ZTE"}
    assert any("2018-05-01" in n for n in then.notices)
    with pytest.raises(InvalidParameter):
        sanctions_view(G, statuses=["Bogus"])
    roles = {(e.source.removeprefix(ID_BASE), e.role) for e in sanctions_view(G).edges}
    assert ("country/united-states", None) in roles


def test_whatif_view_marks_cuts_and_lost_paths(G: nx.MultiDiGraph) -> None:
    view = whatif_view(G, remove=[ID_BASE + "country/netherlands"])
    roles = {n.label: n.role for n in view.nodes}
    assert roles["Netherlands"] == "removed" and roles["SMIC"] == "lost-some"
    assert {e.role for e in view.edges} >= {"cut", "surviving"}
    data = page_data(view, SERVED)
    assert data["view"]["modes"] == ["before", "after"]
    cut = next(e for e in data["edges"] if e["role"] == "cut")
    assert cut["modes"]["after"]["dashes"] and not cut["modes"]["before"]["dashes"]
    lost = whatif_view(
        graph_from_facts([("equipment/duv", "originCountry", "country/nl"), ("org/a", "uses", "equipment/duv")]),
        remove=[ID_BASE + "country/nl"],
    )
    assert {n.label: n.role for n in lost.nodes}["a"] == "lost"


def test_countries_view_sizes_roles_and_weights(G: nx.MultiDiGraph) -> None:
    view = countries_view(G)
    roles = {n.label: n.role for n in view.nodes}
    assert roles["Netherlands"] == "supplier" and roles["China"] == "dependent"
    arrow = next(e for e in view.edges if e.source.endswith("netherlands") and e.target.endswith("china"))
    assert arrow.label.startswith("2 links") and arrow.facts and arrow.facts[0].between is not None


def test_big_pages_get_a_precomputed_layout_small_ones_bounded_physics(G: nx.MultiDiGraph) -> None:
    view = overview_view(G, max_nodes=40)
    small = page_data(view, PageOptions(physics_iterations=123))
    assert small["layout"]["physics"] and small["options"]["physics"]["stabilization"]["iterations"] == 123
    assert all("x" not in n for n in small["nodes"])
    big = page_data(view, PageOptions(physics_node_limit=10))
    assert not big["layout"]["physics"] and not big["options"]["physics"]["enabled"]
    assert all(isinstance(n["x"], float) and n["physics"] is False for n in big["nodes"])


def test_spring_layout_is_deterministic_and_spreads_nodes() -> None:
    nodes = [f"n{i}" for i in range(60)]
    edges = [(f"n{i}", f"n{(i * 7) % 60}") for i in range(60)] + [("n0", f"n{i}") for i in range(1, 20)]
    first, second = spring_layout(nodes, edges), spring_layout(nodes, edges)
    assert first == second
    points = list(first.values())
    nearest = sorted(
        min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for b in points if b is not a) for a in points
    )
    assert nearest[len(nearest) // 2] > 15  # neighbours sit apart, not on top of each other


# -- files and ids cannot leave their folder ------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../escape.html",
        "a/../../escape.html",
        "..",
        "/tmp/escape.html",
        "//host/escape.html",
        "\\escape.html",
        "sub\\..\\..\\escape.html",
        "page.txt",
        ".hidden.html",
        "",
        "bad\x00.html",
    ],
)
def test_output_names_that_could_escape_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidParameter):
        safe_output_path(tmp_path / "out", name)
    assert not (tmp_path / "escape.html").exists()


def test_symlinks_out_of_the_folder_are_refused(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(InvalidParameter):
        write_page(out, "link/page.html", "<p>x</p>")
    (out / "page.html").symlink_to(elsewhere / "target.html")
    with pytest.raises(InvalidParameter):
        write_page(out, "page.html", "<p>x</p>")
    assert list(elsewhere.iterdir()) == []


def test_pages_are_written_inside_the_folder(tmp_path: Path) -> None:
    written = write_page(tmp_path / "out", "maps/page.html", "<p>x</p>")
    assert written == (tmp_path / "out" / "maps" / "page.html").resolve()
    assert written.read_text() == "<p>x</p>"
    assert [p.name for p in written.parent.iterdir()] == ["page.html"]  # no temporary file left


# -- the CLI ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("viz-cli") / "store"
    kg = KnowledgeGraph(EmbeddedStore(path), Settings(store=path))
    kg.bootstrap()
    kg.store.load(FIXTURES / "mini.trig", "trig")
    kg.close()
    return path


def _cli(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli_app, list(args), env=env)


def test_cli_writes_each_view_into_the_output_folder(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    commands = [
        ["overview", "--max-nodes", "50"],
        ["entity", "SMIC", "--depth", "2"],
        ["path", "Netherlands", "Huawei", "-k", "2"],
        ["sanctions", "--status", "InForce", "--as-of", "2023-12-31"],
        ["whatif", "--remove", "Netherlands"],
        ["countries"],
    ]
    for command in commands:
        result = _cli("viz", *command, "--store", str(store_dir), "--output-dir", str(out))
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "countries.html",
        "entity-smic.html",
        "overview.html",
        "path-netherlands-huawei.html",
        "sanctions.html",
        "whatif-netherlands.html",
    ]
    page = (out / "path-netherlands-huawei.html").read_text()
    assert "Netherlands → Huawei" in page and "http://127.0.0.1:8000/id/org/smic" in page


def test_cli_output_folder_from_the_environment_and_refusals(store_dir: Path, tmp_path: Path) -> None:
    env = {"CHIPGRAPH_VIZ_OUTPUT_DIR": str(tmp_path / "env-out")}
    ok = _cli("viz", "countries", "--store", str(store_dir), "-o", "c/countries.html", env=env)
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "env-out" / "c" / "countries.html").is_file()
    for name in ("../escape.html", str(tmp_path / "escape.html")):
        refused = _cli("viz", "countries", "--store", str(store_dir), "-o", name, env=env)
        assert refused.exit_code == 2 and "refused output name" in refused.output
    assert not (tmp_path / "escape.html").exists()
    bad_link = _cli("viz", "countries", "--store", str(store_dir), "--link-base", "javascript:alert(1)", env=env)
    assert bad_link.exit_code == 2
    unknown = _cli("viz", "entity", "Nobody Whatsoever", "--store", str(store_dir), env=env)
    assert unknown.exit_code == 3


# -- the /viz routes over HTTP ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = api_settings(query_workers=1)
    with start_server(hostile_graph(settings), settings) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


PAGES = [
    "/viz/overview",
    f"/viz/entity/{evil_id(IMG_NAME)}?depth=2",
    "/viz/path?source=Netherlands&target=Huawei",
    "/viz/sanctions?as_of=2023-12-31&status=InForce",
    "/viz/whatif?remove=Netherlands",
    "/viz/countries",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_served_with_a_strict_policy(client: httpx.Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "connect-src 'none'" in policy
    assert "unsafe" not in policy and "http" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    _no_live_markup(response.text)
    assert _urls(response.text) == []
    assert _data(response.text)["nodes"]


def test_static_assets_are_a_fixed_list(client: httpx.Client) -> None:
    for name in ("vis-network.min.js", "vis-network.css", "viz.js", "viz.css"):
        response = client.get(f"/viz/static/{name}")
        assert response.status_code == 200 and response.content
    for attempt in (
        "/viz/static/..%2F..%2Fapi%2Fapp.py",
        "/viz/static/%2e%2e/%2e%2e/pyproject.toml",
        "/viz/static/../../pyproject.toml",
        "/viz/static/template.html",
        "/viz/static/..%5Capp.py",
    ):
        response = client.get(attempt)
        assert response.status_code == 404, attempt
        assert b"[project]" not in response.content and b"create_app" not in response.content


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/viz/entity/..%2F..%2Fetc%2Fpasswd", 400),
        ("/viz/entity/org/..%2F..%2Fsecret", 400),
        ("/viz/entity/%2Fetc%2Fpasswd", 400),
        ("/viz/entity/org/no-such-company", 404),
        ("/viz/entity/org/smic%3Cscript%3E", 400),
        ("/viz/path?source=Netherlands&target=Nobody%20Whatsoever", 404),
        ("/viz/sanctions?as_of=banana", 400),
        ("/viz/sanctions?status=Bogus", 400),
        ("/viz/whatif", 400),
        ("/viz/whatif?remove=Netherlands&cut=nocolon", 400),
        ("/viz/overview?source_kind=rumour", 400),
        ("/viz/entity/org/smic?depth=4", 422),
    ],
)
def test_bad_ids_and_parameters_are_refused(client: httpx.Client, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    _no_live_markup(response.text)


def test_entity_by_name_redirects_to_its_page(client: httpx.Client) -> None:
    response = client.get("/viz/entity", params={"name": "SMIC", "depth": 2})
    assert response.status_code == 303
    assert response.headers["location"] == "/viz/entity/org/smic?depth=2"
    hostile = client.get("/viz/entity", params={"name": SCRIPT_NAME})
    assert hostile.status_code == 303 and hostile.headers["location"].startswith(f"/viz/entity/{evil_id(SCRIPT_NAME)}?")


def test_pages_follow_writes(server: LiveServer, client: httpx.Client) -> None:
    before = client.get("/viz/entity/org/smic").text
    assert before == client.get("/viz/entity/org/smic").text  # the cached page
    server.kg.update(
        "PREFIX cg: <https://w3id.org/chipgraph/ontology#> INSERT DATA { GRAPH <https://w3id.org/chipgraph/graph/reference> "
        '{ <https://w3id.org/chipgraph/id/org/newco> a cg:Company ; <http://www.w3.org/2000/01/rdf-schema#label> "NewCo" ; '
        "cg:suppliesTo <https://w3id.org/chipgraph/id/org/smic> } }"
    )
    after = client.get("/viz/entity/org/smic").text
    assert "NewCo" in after and "NewCo" not in before
