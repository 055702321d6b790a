// YASGUI on the chipgraph endpoint: no persistence, no remote autocompletion, same origin only.
(function () {
  var element = document.getElementById("yasgui");
  if (!element || typeof Yasgui === "undefined") { return; }
  var endpoint = new URL(element.getAttribute("data-endpoint") || "/sparql", window.location.href).href;
  var example = [
    "PREFIX cg: <https://w3id.org/chipgraph/ontology#>",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
    "",
    "# who supplies whom, with names",
    "SELECT ?supplier ?supplierName ?customer ?customerName WHERE {",
    "  ?supplier cg:suppliesTo ?customer .",
    "  OPTIONAL { ?supplier rdfs:label ?supplierName }",
    "  OPTIONAL { ?customer rdfs:label ?customerName }",
    "} LIMIT 100"
  ].join("\n");
  Yasgui.defaults.requestConfig.endpoint = endpoint;
  window.yasgui = new Yasgui(element, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { value: example, autocompleters: ["variables"], persistenceId: null, showQueryButton: true },
    yasr: { persistenceId: null }
  });
})();
