"""The remote backend end to end against a real ``oxigraph serve`` on loopback.

The KnowledgeGraph on a remote store ingests the seeds with the real extractor
and holds exactly what the embedded store holds; bulk uploads go through the
Graph Store Protocol in batches; the union default graph is asked for the way
the server understands it; the analytics projection pulled over HTTP equals
the embedded one; a dead server or a missing URL fails with a clear error.
"""

from __future__ import annotations

import io
import socket
import subprocess
from pathlib import Path

import httpx
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import PROV

from bench.synthetic import write_synthetic
from graph.analytics import project
from graph.errors import ConfigError, QueryTimeout, RemoteStoreError
from graph.extract import Extractor, load_extractor
from graph.ids import ONTOLOGY_GRAPH, REFERENCE_GRAPH
from graph.kg import KnowledgeGraph
from graph.settings import Settings
from graph.store import EmbeddedStore, RemoteStore, Store, open_store
from graph.validate import validate_store
from tests.conftest import free_port, oxigraph_binary, remote_settings, remote_store, wait_http

pytestmark = pytest.mark.remote

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
EX = "https://example.org/"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    """The real rule extractor, loaded once for the module."""
    return load_extractor(Settings(backend="memory"))


@pytest.fixture
def server(oxigraph_server: str) -> str:
    """The shared ``oxigraph serve``, emptied."""
    with remote_store(oxigraph_server) as clean:
        clean.update("DROP SILENT ALL")
    return oxigraph_server


def counting(store: RemoteStore) -> list[httpx.Request]:
    """Record the HTTP requests a remote store sends from now on."""
    sent: list[httpx.Request] = []
    store._client.event_hooks["request"].append(sent.append)
    return sent


def comparable(store: Store) -> set[tuple[object, ...]]:
    """Every quad but ingestion timestamps and blank nodes (both differ between two loads)."""
    return {q for q in store.quads() if q[1] != PROV.generatedAtTime and not any(isinstance(t, BNode) for t in q)}


def synthetic_nquads(**sizes: int) -> bytes:
    out = io.StringIO()
    write_synthetic(out, **sizes)
    return out.getvalue().encode()


# -- the knowledge graph on a remote store -------------------------------------------------------


def test_knowledge_graph_end_to_end_on_the_remote_store(server: str, tmp_path: Path, extractor: Extractor) -> None:
    remote = KnowledgeGraph.open(remote_settings(server), extractor=extractor)
    local = KnowledgeGraph.open(Settings(backend="embedded", store=tmp_path / "store"), extractor=extractor)
    try:
        for kg in (remote, local):
            results = kg.ingest_paths([SEEDS])
            assert results and all(r.status == "added" for r in results)
        seeds = sorted(p.stem for p in SEEDS.glob("*.txt"))
        assert remote.article_ids() == seeds
        # the same extraction lands as the same quads, graph by graph
        assert comparable(remote.store) == comparable(local.store)
        assert remote.store.count() == local.store.count()
        assert remote.stats()["triples_by_source"] == local.stats()["triples_by_source"]

        query = "SELECT ?s ?o WHERE { ?s cg:manufacturesFor ?o }"
        rows = remote.query(query)
        assert rows and {tuple(r.values()) for r in rows} == {tuple(r.values()) for r in local.query(query)}
        assert remote.article(seeds[0])["text"] == local.article(seeds[0])["text"]

        # re-ingesting changes nothing; removing drops exactly that article's graph
        assert {r.status for r in remote.ingest_paths([SEEDS])} == {"unchanged"}
        gone = remote._article_iri(seeds[0])
        before = remote.store.count()
        held = remote.store.count(gone)
        remote.remove_article(seeds[0])
        assert remote.article_ids() == seeds[1:]
        assert not remote.store.has_graph(gone)
        assert remote.store.count() == before - held

        report = validate_store(remote.store)
        assert report.conforms, report.results[:3]
    finally:
        remote.close()
        local.close()


# -- bulk upload through the Graph Store Protocol ---------------------------------------------------


@pytest.mark.parametrize("flavour", ["oxigraph", "generic"])
def test_bulk_upload_goes_through_gsp_in_batches(server: str, flavour: str) -> None:
    data = synthetic_nquads(entities=120, edges=400, seed=3)
    lines = [line for line in data.decode().splitlines() if line]
    with RemoteStore(
        f"{server}/query", f"{server}/update", f"{server}/store", flavour=flavour, batch_triples=100
    ) as store:
        sent = counting(store)
        assert store.load(data, "nquads") == len(lines)
        assert store.count() == len(set(lines))  # every distinct quad arrived, in its graph
        for name in (REFERENCE_GRAPH, URIRef("https://w3id.org/chipgraph/id/article/syn-1")):
            expected = sum(1 for line in set(lines) if line.endswith(f"<{name}> ."))
            assert store.count(name) == expected > 0
        uploads = [r for r in sent if r.url.path == "/store"]
        assert uploads and all(r.method == "POST" for r in uploads)
        assert max(len(r.content.splitlines()) for r in uploads) <= 100  # never more than a batch
        if flavour == "oxigraph":
            # N-Quads batches across graphs: as few requests as batches
            assert len(uploads) == -(-len(lines) // 100)
            assert all("graph" not in r.url.params for r in uploads)
        else:
            # standard GSP: one graph per request; the big reference graph took several
            assert all("graph" in r.url.params for r in uploads)
            assert sum(r.url.params["graph"] == str(REFERENCE_GRAPH) for r in uploads) >= 2


def test_replace_graph_larger_than_a_batch(server: str) -> None:
    graph = URIRef(EX + "big")
    triples = [(URIRef(f"{EX}s{i}"), URIRef(EX + "p"), Literal(i)) for i in range(1_250)]
    with RemoteStore(
        f"{server}/query", f"{server}/update", f"{server}/store", flavour="oxigraph", batch_triples=500
    ) as store:
        sent = counting(store)
        store.replace_graph(graph, triples)
        assert store.count(graph) == 1_250
        assert [r.method for r in sent if r.url.path == "/store"] == ["PUT", "POST", "POST"]
        store.replace_graph(graph, triples[:10])  # the first PUT replaces whatever was there
        assert store.count(graph) == 10


def test_without_a_gsp_url_writes_fall_back_to_sparql_update(server: str) -> None:
    graph = URIRef(EX + "g")
    with RemoteStore(f"{server}/query", f"{server}/update", None, flavour="oxigraph") as store:
        sent = counting(store)
        store.replace_graph(graph, [(URIRef(EX + "a"), URIRef(EX + "p"), Literal("x"))])
        assert store.count(graph) == 1
        assert {r.url.path for r in sent} <= {"/update", "/query"}


# -- the union default graph ---------------------------------------------------------------------------


def _two_graphs(store: Store) -> None:
    store.replace_graph(URIRef(EX + "g1"), [(URIRef(EX + "a"), URIRef(EX + "p"), URIRef(EX + "b"))])
    store.replace_graph(URIRef(EX + "g2"), [(URIRef(EX + "b"), URIRef(EX + "p"), URIRef(EX + "c"))])


CHAIN = f"SELECT ?x WHERE {{ <{EX}a> <{EX}p> ?y . ?y <{EX}p> ?x }}"


def test_queries_see_the_union_of_named_graphs(server: str) -> None:
    with remote_store(server) as store:
        _two_graphs(store)
        # a join across two graphs only works on the union default graph
        assert store.select(CHAIN) == [{"x": URIRef(EX + "c")}]
        # an explicit dataset overrides the union: in g1 alone there is no second hop
        assert store.evaluate(CHAIN, default_graphs=[URIRef(EX + "g1")]).rows == []
        assert store.select(f"SELECT ?x FROM <{EX}g2> WHERE {{ ?s <{EX}p> ?x }}") == [{"x": URIRef(EX + "c")}]


def test_the_flavour_decides_how_the_union_is_asked_for(server: str, tmp_path: Path) -> None:
    with remote_store(server) as store:
        _two_graphs(store)
    # "generic" sends nothing special: oxigraph's own default graph is empty
    with RemoteStore(f"{server}/query", flavour="generic") as generic:
        assert generic.select(CHAIN) == []
    # a server started with --union-default-graph serves the union to a generic client
    port = free_port()
    process = subprocess.Popen(
        [
            oxigraph_binary(),
            "serve",
            "--location",
            str(tmp_path / "u"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/query?query=ASK%7B%7D")
        with RemoteStore(f"{base}/query", f"{base}/update", f"{base}/store", flavour="generic") as store:
            _two_graphs(store)
            assert store.select(CHAIN) == [{"x": URIRef(EX + "c")}]
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- analytics on the remote store -----------------------------------------------------------------------


def test_projection_over_http_equals_the_embedded_one(server: str, tmp_path: Path) -> None:
    data = synthetic_nquads(entities=200, edges=1_500, seed=5)
    local = EmbeddedStore(tmp_path / "store")
    local.load(data, "nquads")
    with remote_store(server) as remote:
        remote.load(data, "nquads")
        sent = counting(remote)
        G_remote, G_local = project(remote), project(local)
        # what projecting asked for; comparing the edges below reads their (lazy) evidence too
        projecting = list(sent)
        assert G_local.number_of_edges() > 1_000
        assert dict(G_remote.nodes(data=True)) == dict(G_local.nodes(data=True))
        edges = lambda G: sorted((u, v, k, tuple(sorted(d.items()))) for u, v, k, d in G.edges(keys=True, data=True))  # noqa: E731
        assert edges(G_remote) == edges(G_local)
        # the projection asks a handful of queries for what it uses, never for a dump of the store
        assert projecting and all(r.url.path == "/query" for r in projecting)
        assert len(projecting) <= 10
        assert not any(b"CONSTRUCT { ?s ?p ?o }" in r.content for r in sent)
    local.close()


# -- failures are explicit ---------------------------------------------------------------------------------


def test_a_server_that_is_down_is_a_clear_error() -> None:
    base = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings = Settings(
        backend="remote",
        remote_query_url=f"{base}/query",
        remote_update_url=f"{base}/update",
        remote_gsp_url=f"{base}/store",
        remote_flavour="oxigraph",
    )
    with pytest.raises(RemoteStoreError, match="cannot reach"):
        KnowledgeGraph.open(settings)


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as listener:  # accepts connections, never replies
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        base = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with (
            RemoteStore(f"{base}/query", flavour="oxigraph", timeout=0.5) as store,
            pytest.raises(QueryTimeout, match=r"within 0\.5 s"),
        ):
            store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_a_missing_query_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="CHIPGRAPH_REMOTE_QUERY_URL"):
        open_store(Settings(backend="remote"))


def test_an_unknown_flavour_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown remote flavour"):
        RemoteStore("http://127.0.0.1:9/query", flavour="stardog")


def test_writes_without_an_update_url_say_which_setting_is_missing(server: str) -> None:
    with RemoteStore(f"{server}/query", flavour="oxigraph") as store:
        assert store.count() == 0  # reads work
        with pytest.raises(ConfigError, match="CHIPGRAPH_REMOTE_UPDATE_URL"):
            store.update(f"INSERT DATA {{ <{EX}a> <{EX}p> <{EX}b> }}")


def test_bootstrap_over_http_loads_ontology_and_reference_once(server: str) -> None:
    with KnowledgeGraph.open(remote_settings(server), bootstrap=False) as kg:
        sent = counting(kg.store)  # type: ignore[arg-type]
        kg.bootstrap()
        first = len(sent)
        assert kg.store.has_graph(ONTOLOGY_GRAPH) and kg.store.has_graph(REFERENCE_GRAPH)
        sent.clear()
        kg.bootstrap()  # unchanged files: only the digests are read
        assert sent and all(r.url.path == "/query" for r in sent) and len(sent) < first
