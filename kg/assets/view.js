/* kg view: draws the embedded graph with vis-network and wires the search box, the type and relation
 * filters, neighbour highlighting on click and the physics switch. Text goes into the page as text only. */
(function () {
  "use strict";
  var DIM_NODE = "rgba(200,200,200,0.45)";
  var DIM_EDGE = "rgba(200,200,200,0.35)";
  var DIM_FONT = "rgba(120,120,120,0.55)";
  var NODE_FONT = "#222222";
  var EDGE_FONT = "#444444";

  var payload = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = new vis.DataSet(payload.nodes);
  var edges = new vis.DataSet(payload.edges);
  var baseNodeColor = {};
  var baseEdgeColor = {};
  nodes.forEach(function (n) { baseNodeColor[n.id] = n.color; });
  edges.forEach(function (e) { baseEdgeColor[e.id] = e.color; });

  var hiddenTypes = new Set();
  var hiddenRelations = new Set();
  var emphasis = null; // {nodes: Set, edges: Set} while a search or a click singles some out
  var searchBox = document.getElementById("kg-search");
  var searchResult = document.getElementById("kg-search-result");
  var physicsBox = document.getElementById("kg-physics");
  var details = document.getElementById("kg-details");
  var detailsDefault = details.textContent;

  // Listeners go on before the data so that a stabilization finishing at once is not missed.
  var network = new vis.Network(document.getElementById("mynetwork"), {}, payload.options);
  window.network = network;
  window.kgReady = false;
  function markReady() {
    if (!window.kgReady) {
      window.kgReady = true;
      document.body.setAttribute("data-kg-ready", "true");
    }
  }
  network.once("stabilizationIterationsDone", function () {
    // stop the simulation so the layout stays put and the page costs no CPU
    network.setOptions({ physics: { enabled: false } });
    physicsBox.checked = false;
    markReady();
  });
  network.once("afterDrawing", function () {
    if (!payload.physics || nodes.length === 0) { markReady(); }
  });
  network.setData({ nodes: nodes, edges: edges });
  setTimeout(markReady, 10000);

  function refresh() {
    var hiddenNode = {};
    nodes.update(nodes.get().map(function (n) {
      var hidden = hiddenTypes.has(n.kgType);
      var dim = emphasis !== null && !emphasis.nodes.has(n.id);
      hiddenNode[n.id] = hidden;
      return { id: n.id, hidden: hidden, color: dim ? DIM_NODE : baseNodeColor[n.id],
               font: { color: dim ? DIM_FONT : NODE_FONT } };
    }));
    edges.update(edges.get().map(function (e) {
      var hidden = hiddenRelations.has(e.kgRelation) || hiddenNode[e.from] || hiddenNode[e.to];
      var dim = emphasis !== null && !emphasis.edges.has(e.id);
      return { id: e.id, hidden: hidden, color: dim ? DIM_EDGE : baseEdgeColor[e.id],
               font: { color: dim ? DIM_FONT : EDGE_FONT } };
    }));
    document.getElementById("kg-visible-nodes").textContent =
      nodes.get({ filter: function (n) { return !n.hidden; } }).length;
    document.getElementById("kg-visible-edges").textContent =
      edges.get({ filter: function (e) { return !e.hidden; } }).length;
  }

  function connectedEdges(ids) {
    var found = new Set();
    ids.forEach(function (id) {
      network.getConnectedEdges(id).forEach(function (e) { found.add(e); });
    });
    return found;
  }

  function highlightNeighbours(id) {
    var around = [id].concat(network.getConnectedNodes(id));
    emphasis = { nodes: new Set(around), edges: connectedEdges([id]) };
    refresh();
  }

  function clearEmphasis() {
    emphasis = null;
    network.unselectAll();
    refresh();
  }

  function showNode(id) {
    var node = nodes.get(id);
    var lines = [node.title, "", "Facts:"];
    network.getConnectedEdges(id).forEach(function (edgeId) {
      var e = edges.get(edgeId);
      if (e.hidden) { return; }
      lines.push("• " + nodes.get(e.from).label + " — " + e.label + " — " + nodes.get(e.to).label);
    });
    details.textContent = lines.join("\n");
  }

  function matches(node, query) {
    if (String(node.label).toLowerCase().indexOf(query) >= 0) { return true; }
    return (node.kgAliases || []).some(function (a) { return a.toLowerCase().indexOf(query) >= 0; });
  }

  var searchTimer = null;
  function search() {
    var query = searchBox.value.trim().toLowerCase();
    if (!query) {
      searchResult.textContent = "";
      clearEmphasis();
      return [];
    }
    var ids = nodes.get({ filter: function (n) { return !n.hidden && matches(n, query); } })
      .map(function (n) { return n.id; });
    searchResult.textContent = ids.length === 1 ? "1 match" : ids.length + " matches";
    emphasis = { nodes: new Set(ids), edges: connectedEdges(ids) };
    refresh();
    network.selectNodes(ids, false);
    if (ids.length) {
      network.fit({ nodes: ids, animation: false });
      if (network.getScale() > 1.5) { network.moveTo({ scale: 1.5 }); }
    }
    return ids;
  }
  searchBox.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 120);
  });
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      clearTimeout(searchTimer);
      var ids = search();
      if (ids.length) {
        network.focus(ids[0], { scale: 1.2, animation: { duration: 300 } });
        showNode(ids[0]);
      }
    } else if (event.key === "Escape") {
      searchBox.value = "";
      search();
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll(".kg-type-filter"), function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { hiddenTypes.delete(box.value); } else { hiddenTypes.add(box.value); }
      refresh();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".kg-relation-filter"), function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { hiddenRelations.delete(box.value); } else { hiddenRelations.add(box.value); }
      refresh();
    });
  });

  physicsBox.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physicsBox.checked } });
  });

  document.getElementById("kg-reset").addEventListener("click", function () {
    searchBox.value = "";
    searchResult.textContent = "";
    hiddenTypes.clear();
    hiddenRelations.clear();
    Array.prototype.forEach.call(document.querySelectorAll(".kg-type-filter, .kg-relation-filter"),
      function (box) { box.checked = true; });
    details.textContent = detailsDefault;
    clearEmphasis();
    network.fit();
  });

  network.on("click", function (params) {
    if (params.nodes.length) {
      highlightNeighbours(params.nodes[0]);
      showNode(params.nodes[0]);
    } else if (params.edges.length) {
      var e = edges.get(params.edges[0]);
      emphasis = { nodes: new Set([e.from, e.to]), edges: new Set([e.id]) };
      refresh();
      details.textContent = e.title;
    } else {
      details.textContent = detailsDefault;
      clearEmphasis();
    }
  });
})();
