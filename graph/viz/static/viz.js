/* chipgraph graph pages: draws the data block with vis-network and adds the
 * legend, search, filters, tooltips, scenario modes and path highlighting.
 *
 * Every text shown comes from the data block and is written with textContent
 * (no HTML parsing anywhere), so names and sentences from articles stay text. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("viz-data").textContent);
  var state = {
    ready: false, readyAt: null, network: null, nodes: null, edges: null,
    data: data, found: null, mode: data.view.mode, errors: []
  };
  window.chipgraphViz = state;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function fmt(value) {
    return (Math.round(value * 100) / 100).toString();
  }

  // -- the network ----------------------------------------------------------------------
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("viz-canvas");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  state.network = network;
  state.nodes = nodes;
  state.edges = edges;

  var progress = document.getElementById("viz-progress");

  function markReady() {
    if (state.ready) { return; }
    state.ready = true;
    state.readyAt = performance.now();
    progress.hidden = true;
    document.body.setAttribute("data-ready", "1");
  }

  if (data.layout.physics && data.nodes.length > 1) {
    network.on("stabilizationProgress", function (p) {
      progress.textContent = "Laying out the graph… " + Math.round(100 * p.iterations / p.total) + "%";
    });
    var stop = function () {
      // physics runs for a bounded number of iterations, then stops for good
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      network.once("afterDrawing", markReady);
      network.redraw();
    };
    network.once("stabilizationIterationsDone", stop);
  } else {
    network.once("afterDrawing", markReady);
    if (data.nodes.length <= 1) { network.redraw(); }
  }
  if (!data.nodes.length) {
    progress.textContent = "Nothing to draw.";
    markReady();
  }

  // -- tooltips -------------------------------------------------------------------------
  var tip = document.getElementById("viz-tip");

  function nodeName(id) {
    var node = nodes.get(id);
    return node ? node.name : String(id);
  }

  function evidenceBlock(ev, withLinks) {
    var box = el("div", "viz-ev");
    if (ev.sentence) { box.appendChild(el("blockquote", null, "\u201c" + ev.sentence + "\u201d")); }
    var parts = [];
    var meta = el("div", "viz-ev-meta");
    if (ev.article) {
      if (withLinks && ev.articleUrl) {
        var link = el("a", null, "article " + ev.article);
        link.href = ev.articleUrl;
        meta.appendChild(link);
      } else {
        meta.appendChild(document.createTextNode("article " + ev.article));
      }
      if (ev.published) { parts.push(ev.published); }
    } else {
      parts.push(ev.source + " dataset" + (ev.row ? ", row " + ev.row : ""));
    }
    parts.push("confidence " + fmt(ev.confidence));
    if (ev.article) { parts.push(ev.source); }
    meta.appendChild(document.createTextNode((ev.article ? " \u00b7 " : "") + parts.join(" \u00b7 ")));
    box.appendChild(meta);
    return box;
  }

  function edgeContent(edge, withLinks) {
    var box = el("div");
    box.appendChild(el("h3", null, nodeName(edge.from) + " \u2192 " + nodeName(edge.to)));
    if (!edge.facts.length) {
      box.appendChild(el("p", "viz-muted", edge.label));
    }
    edge.facts.forEach(function (fact) {
      var part = el("div", "viz-fact");
      var head = fact.between ? fact.between[0] + " " + fact.label + " " + fact.between[1] : fact.label;
      if (fact.share !== null && fact.share !== undefined) { head += " \u00b7 market share " + fmt(fact.share) + "%"; }
      part.appendChild(el("strong", null, head));
      part.appendChild(el("span", "viz-muted", " " + fact.layer + " \u00b7 confidence " + fmt(fact.confidence)));
      fact.evidence.forEach(function (ev) { part.appendChild(evidenceBlock(ev, withLinks)); });
      if (fact.more) { part.appendChild(el("div", "viz-muted", "\u2026 and " + fact.more + " more")); }
      box.appendChild(part);
    });
    return box;
  }

  function nodeContent(node) {
    var box = el("div");
    box.appendChild(el("h3", null, node.name));
    var list = el("dl");
    node.tip.forEach(function (pair) {
      list.appendChild(el("dt", null, pair[0]));
      list.appendChild(el("dd", null, pair[1]));
    });
    box.appendChild(list);
    if (node.url) { box.appendChild(el("p", "viz-muted", "Click to open its page.")); }
    return box;
  }

  function showTip(content, pointer) {
    tip.replaceChildren(content);
    tip.hidden = false;
    var stage = container.getBoundingClientRect();
    var x = pointer.x + 16, y = pointer.y + 16;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > stage.width) { x = Math.max(4, pointer.x - w - 16); }
    if (y + h > stage.height) { y = Math.max(4, stage.height - h - 4); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  function hideTip() { tip.hidden = true; }

  network.on("hoverNode", function (p) { showTip(nodeContent(nodes.get(p.node)), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTip(edgeContent(edges.get(p.edge), false), p.pointer.DOM); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  // -- clicks: a node opens its page, an edge shows its evidence with links -------------
  var details = document.getElementById("viz-details");
  var detailsBody = document.getElementById("viz-details-body");

  network.on("click", function (p) {
    if (p.nodes.length) {
      var node = nodes.get(p.nodes[0]);
      if (node && node.url) { window.location.assign(node.url); }
      return;
    }
    if (p.edges.length) {
      detailsBody.replaceChildren(edgeContent(edges.get(p.edges[0]), true));
      details.hidden = false;
    }
  });

  // -- search ---------------------------------------------------------------------------
  var names = document.getElementById("viz-names");
  var seen = {};
  nodes.get({ order: "name" }).forEach(function (node) {
    if (seen[node.name]) { return; }
    seen[node.name] = true;
    var option = document.createElement("option");
    option.value = node.name;
    names.appendChild(option);
  });
  var status = document.getElementById("viz-search-status");

  function find(text) {
    var wanted = text.trim().toLowerCase();
    if (!wanted) { return null; }
    var visible = nodes.get({ filter: function (n) { return !n.hidden; } });
    function texts(n) { return [n.name.toLowerCase(), String(n.label).toLowerCase()]; }
    var exact = visible.filter(function (n) { return texts(n).indexOf(wanted) >= 0; });
    if (exact.length) { return exact[0]; }
    var part = visible.filter(function (n) {
      return texts(n).some(function (t) { return t.indexOf(wanted) >= 0; });
    });
    part.sort(function (a, b) { return (b.value || 0) - (a.value || 0); });
    return part.length ? part[0] : null;
  }

  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.3), animation: { duration: 300 } });
    state.found = id;
  }
  state.focusNode = focusNode;

  document.getElementById("viz-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("viz-search").value;
    var node = find(text);
    if (node) {
      focusNode(node.id);
      status.textContent = "Found " + node.name + ".";
    } else {
      state.found = null;
      status.textContent = "No visible node matches \u201c" + text + "\u201d.";
    }
  });

  // -- legend ---------------------------------------------------------------------------
  var SVG = "http://www.w3.org/2000/svg";

  var DASHES = { dashed: "5 3", dotted: "1.5 3" };

  function swatch(item) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    var mark;
    var points = {
      diamond: "10,1 19,10 10,19 1,10",
      triangle: "10,2 19,18 1,18",
      triangleDown: "1,2 19,2 10,18",
      hexagon: "5,2 15,2 19,10 15,18 5,18 1,10",
      star: "10,1 12.6,7 19,7.6 14.2,11.8 15.6,18.4 10,15 4.4,18.4 5.8,11.8 1,7.6 7.4,7"
    };
    if (points[item.mark]) {
      mark = document.createElementNS(SVG, "polygon");
      mark.setAttribute("points", points[item.mark]);
    } else if (item.mark === "square") {
      mark = document.createElementNS(SVG, "rect");
      mark.setAttribute("x", "2"); mark.setAttribute("y", "2");
      mark.setAttribute("width", "16"); mark.setAttribute("height", "16");
    } else if (item.mark === "line") {
      mark = document.createElementNS(SVG, "line");
      mark.setAttribute("x1", "1"); mark.setAttribute("y1", "10");
      mark.setAttribute("x2", "19"); mark.setAttribute("y2", "10");
    } else {
      mark = document.createElementNS(SVG, "circle");
      mark.setAttribute("cx", "10"); mark.setAttribute("cy", "10");
      mark.setAttribute("r", item.mark === "ring" ? "7" : "8");
    }
    mark.setAttribute("fill", item.mark === "line" ? "none" : item.fill);
    mark.setAttribute("stroke", item.stroke);
    mark.setAttribute("stroke-width", item.mark === "line" || item.mark === "ring" ? "3" : "1.5");
    if (DASHES[item.dash]) { mark.setAttribute("stroke-dasharray", DASHES[item.dash]); }
    svg.appendChild(mark);
    return svg;
  }

  var legend = document.getElementById("viz-legend");
  data.legend.forEach(function (item) {
    var entry = el("li");
    entry.appendChild(swatch(item));
    entry.appendChild(el("span", null, item.label));
    legend.appendChild(entry);
  });

  // -- filters --------------------------------------------------------------------------
  var checked = {};
  var filterBox = document.getElementById("viz-filters");

  function matches(group, value) {
    var on = checked[group.name];
    if (Array.isArray(value)) {
      if (!value.length) { return true; }
      return value.some(function (v) { return on[v]; });
    }
    if (value === null || value === undefined) {
      return group.name !== "status";
    }
    return !!on[value];
  }

  function applyFilters() {
    var nodeGroups = data.filters.filter(function (g) { return g.target === "node"; });
    var edgeGroups = data.filters.filter(function (g) { return g.target === "edge"; });
    var hiddenNodes = {};
    nodes.forEach(function (n) {
      var show = nodeGroups.every(function (g) {
        if (g.name === "status" && n.kind !== "Sanction") { return true; }
        return matches(g, g.name === "status" ? (n.status || "") : n[g.field]);
      });
      if (!show) { hiddenNodes[n.id] = true; }
    });
    var visibleEdges = {};
    var edgeUpdates = [];
    edges.forEach(function (e) {
      var show = !hiddenNodes[e.from] && !hiddenNodes[e.to] &&
        edgeGroups.every(function (g) { return matches(g, e[g.field]); });
      if (show) { visibleEdges[e.from] = true; visibleEdges[e.to] = true; }
      if (!!e.hidden === show) { edgeUpdates.push({ id: e.id, hidden: !show }); }
    });
    var sourceGroup = edgeGroups.filter(function (g) { return g.name === "source"; })[0];
    var nodeUpdates = [];
    nodes.forEach(function (n) {
      var hide = !!hiddenNodes[n.id];
      if (!hide && sourceGroup && !visibleEdges[n.id] && network.getConnectedEdges(n.id).length) {
        // every fact of this node is filtered out: keep it only if it comes from a chosen source itself
        hide = !(n.sources || []).some(function (s) { return checked.source[s]; });
      }
      if (!!n.hidden !== hide) { nodeUpdates.push({ id: n.id, hidden: hide }); }
    });
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    state.hiddenNodes = Object.keys(hiddenNodes).length;
  }
  state.applyFilters = applyFilters;

  data.filters.forEach(function (group) {
    checked[group.name] = {};
    var box = el("fieldset", "viz-filter");
    box.appendChild(el("legend", null, "Filter by " + group.label.toLowerCase()));
    group.values.forEach(function (v) {
      checked[group.name][v.value] = true;
      var label = el("label");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.checked = true;
      input.value = v.value;
      input.setAttribute("data-group", group.name);
      input.addEventListener("change", function () {
        checked[group.name][v.value] = input.checked;
        applyFilters();
      });
      label.appendChild(input);
      label.appendChild(el("span", null, " " + v.label + " "));
      label.appendChild(el("span", "viz-muted", "(" + v.count + ")"));
      box.appendChild(label);
    });
    filterBox.appendChild(box);
  });

  // -- scenario modes -------------------------------------------------------------------
  function applyMode(mode) {
    state.mode = mode;
    var nodeUpdates = [], edgeUpdates = [];
    nodes.forEach(function (n) {
      if (n.modes) { nodeUpdates.push(Object.assign({ id: n.id }, n.modes[mode])); }
    });
    edges.forEach(function (e) {
      if (e.modes) { edgeUpdates.push(Object.assign({ id: e.id }, e.modes[mode])); }
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    Array.prototype.forEach.call(document.querySelectorAll("#viz-mode-buttons button"), function (b) {
      b.setAttribute("aria-pressed", b.value === mode ? "true" : "false");
    });
  }
  state.applyMode = applyMode;

  if (data.view.modes.length) {
    var modeBox = document.getElementById("viz-mode-buttons");
    data.view.modes.forEach(function (mode) {
      var button = el("button", "viz-mode", mode === "before" ? "Before" : "After");
      button.type = "button";
      button.value = mode;
      button.setAttribute("aria-pressed", mode === data.view.mode ? "true" : "false");
      button.addEventListener("click", function () { applyMode(mode); });
      modeBox.appendChild(button);
    });
    document.getElementById("viz-modes").hidden = false;
  }

  // -- paths ----------------------------------------------------------------------------
  if (data.paths.length) {
    var list = document.getElementById("viz-path-list");
    data.paths.forEach(function (path) {
      var item = el("li");
      var button = el("button", "viz-path", path.text);
      button.type = "button";
      button.addEventListener("click", function () {
        network.setSelection({ nodes: path.nodes, edges: path.edges }, { highlightEdges: false });
        network.fit({ nodes: path.nodes, animation: { duration: 300 } });
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    document.getElementById("viz-paths").hidden = false;
  }

  window.addEventListener("error", function (event) { state.errors.push(String(event.message)); });
})();
