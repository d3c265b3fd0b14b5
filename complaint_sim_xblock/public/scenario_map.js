/* The scenario map: nodes in columns by their distance from the start, edges for the choices.
 * One view for two places: the Studio editor (studio.js: select, pick a target, keyboard
 * navigation) and the course team's analytics in the LMS, read-only, with the learners' choice
 * counts drawn as edge weights and explained by a text legend. Needs scenario_model.js first;
 * adds `map` to ComplaintSimScenario. The layout and the weight bands are pure (node tests).
 *
 *   var view = new ComplaintSimScenario.map.MapView(container, {
 *     strings: {map_label, type_dialogue, ...},     // translated by the block (studio.MAP_STRINGS)
 *     counts: {nodeId: {choiceId: count}},          // optional: per-choice counts (analytics)
 *     noKeyboard: true,                             // read-only: no tab stop, nothing to select
 *     legendBox: element,                           // optional: where the weight legend goes
 *     percent: function (share) { return "75 %"; }, // optional: the page's number format
 *     onSelect: function (id) {}                    // the editor: a node was clicked or opened
 *   });
 *   view.render(scenario, {selected, playing, problems: {id: true}, route: {id: step}});
 *
 * Keyboard: the map holds one tab stop (the selected node, else the start); the arrow keys
 * move between neighbouring nodes (left/right: the column before/after, up/down: within the
 * column), Enter or Space opens the focused node, Home goes to the start.
 */
(function (root) {
  "use strict";
  var ns = root.ComplaintSimScenario = root.ComplaintSimScenario || {};
  var model = ns.model;
  var SVGNS = "http://www.w3.org/2000/svg";
  var W = 150, H = 46, COLW = 200, ROWH = 66, PAD = 24;

  // The edges out of a node: [{choice: id or null, target}].
  function edgesOf(node) {
    if (!node) { return []; }
    if (node.type === "record" || node.type === "narration") { return node.next ? [{choice: null, target: node.next}] : []; }
    if (node.type === "ending") { return []; }
    return (node.choices || []).filter(function (c) { return c && c.target; })
      .map(function (c) { return {choice: c.id, target: c.target}; });
  }

  // Columns by breadth-first distance from the start, unreachable nodes after them (12 a
  // column), and one barycenter pass to order each column by its parents' rows.
  function computeLayout(scenario) {
    var all = model.nodes(scenario).filter(function (n) { return n && n.id; });
    var byId = {};
    all.forEach(function (n) { if (!byId[n.id]) { byId[n.id] = n; } });
    var depth = {}, order = [], seen = {};
    if (scenario.start && byId[scenario.start]) {
      var queue = [scenario.start];
      depth[scenario.start] = 0; seen[scenario.start] = true;
      for (var qi = 0; qi < queue.length; qi++) {
        var id = queue[qi];
        order.push(id);
        model.targetsOf(byId[id]).forEach(function (target) {
          if (!seen[target] && byId[target]) { seen[target] = true; depth[target] = depth[id] + 1; queue.push(target); }
        });
      }
    }
    var maxDepth = order.length ? Math.max.apply(null, order.map(function (x) { return depth[x]; })) : -1;
    var orphans = all.filter(function (n) { return !seen[n.id]; });
    orphans.forEach(function (n, i) {
      if (seen[n.id]) { return; }  // a duplicate id: drawn once
      seen[n.id] = true;
      depth[n.id] = maxDepth + 1 + Math.floor(i / 12); order.push(n.id);
    });
    var columns = [];
    order.forEach(function (x) { (columns[depth[x]] = columns[depth[x]] || []).push(x); });
    var row = {}, parents = {};
    all.forEach(function (n) {
      model.targetsOf(n).forEach(function (target) { (parents[target] = parents[target] || []).push(n.id); });
    });
    columns.forEach(function (col, c) {
      if (c > 0) {
        var key = {};
        col.forEach(function (x, i) {
          var ps = (parents[x] || []).filter(function (p) { return row[p] !== undefined && depth[p] < c; });
          key[x] = ps.length ? ps.reduce(function (s, p) { return s + row[p]; }, 0) / ps.length : 1e6 + i;
        });
        col.sort(function (a, b) { return key[a] - key[b]; });
      }
      col.forEach(function (x, i) { row[x] = i; });
    });
    var pos = {}, rows = 0;
    columns.forEach(function (col, c) {
      rows = Math.max(rows, col.length);
      col.forEach(function (x, i) { pos[x] = {x: PAD + c * COLW, y: PAD + i * ROWH, col: c, row: i}; });
    });
    return {pos: pos, columns: columns, width: PAD * 2 + Math.max(1, columns.length) * COLW,
            height: PAD * 2 + Math.max(1, rows) * ROWH + 40};
  }

  // The node that an arrow key leads to from `id` ("left", "right", "up", "down"), or null.
  function neighbour(layout, id, direction) {
    var p = layout.pos[id];
    if (!p) { return null; }
    var col = layout.columns[p.col];
    if (direction === "up") { return p.row > 0 ? col[p.row - 1] : null; }
    if (direction === "down") { return p.row < col.length - 1 ? col[p.row + 1] : null; }
    var other = layout.columns[p.col + (direction === "right" ? 1 : -1)];
    if (!other || !other.length) { return null; }
    return other[Math.min(p.row, other.length - 1)];
  }

  // Edge weights: the share of a node's learners who took a choice, in five bands. Band 0: no
  // learner (or no data); 1: under 10 %; 2: 10 % to under 30 %; 3: 30 % to under 60 %; 4: 60 % or more.
  var BANDS = [0, 0.1, 0.3, 0.6];
  var BAND_WIDTH = [1, 2, 4, 7, 10];
  function band(count, total) {
    if (!total || !count || count <= 0 || total <= 0) { return 0; }
    var share = count / total;
    if (share < BANDS[1]) { return 1; }
    if (share < BANDS[2]) { return 2; }
    if (share < BANDS[3]) { return 3; }
    return 4;
  }
  // Per node: {choiceId: {count, share, band}} from {choiceId: count}.
  function weights(counts) {
    var out = {};
    Object.keys(counts || {}).forEach(function (nodeId) {
      var perChoice = counts[nodeId] || {};
      var total = Object.keys(perChoice).reduce(function (s, k) { return s + (Number(perChoice[k]) || 0); }, 0);
      out[nodeId] = {};
      Object.keys(perChoice).forEach(function (choiceId) {
        var count = Number(perChoice[choiceId]) || 0;
        out[nodeId][choiceId] = {count: count, share: total ? count / total : 0, band: band(count, total)};
      });
    });
    return out;
  }

  function edgePath(a, b, back) {
    if (!back) {
      var sx = a.x + W, sy = a.y + H / 2, tx = b.x, ty = b.y + H / 2, mx = (sx + tx) / 2;
      return "M" + sx + "," + sy + " C" + mx + "," + sy + " " + mx + "," + ty + " " + (tx - 2) + "," + ty;
    }
    var x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x + W / 2 + 8, y2 = b.y + H;
    var dip = Math.max(y1, y2) + 22 + Math.abs(x1 - x2) * 0.08;
    return "M" + x1 + "," + y1 + " C" + x1 + "," + dip + " " + x2 + "," + dip + " " + x2 + "," + (y2 + 2);
  }
  function snippet(node) {
    var text = node.type === "ending" ? (node.title || node.text || "") : (node.text || "");
    text = String(text).replace(/\s+/g, " ");
    return text.length > 24 ? text.slice(0, 23) + "…" : text;
  }
  var ENTITIES = {"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;"};
  function entity(c) { return ENTITIES[c]; }
  function esc(text) {  // one pass, and none for the many ids and snippets with nothing to escape
    var s = String(text);
    return /[&"<>]/.test(s) ? s.replace(/[&"<>]/g, entity) : s;
  }
  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, key) {
      return values[key] === undefined || values[key] === null ? m : String(values[key]);
    });
  }

  // --- The view ----------------------------------------------------------------------------------------
  function MapView(container, options) {
    var self = this;
    this.box = container;
    this.options = options || {};
    this.S = this.options.strings || {};
    this.zoom = 1;
    this.layout = null;
    this.nodeEls = {};
    this.marks = {};
    this.pending = null;
    this.focusId = null;
    this.weights = this.options.counts ? weights(this.options.counts) : null;
    this.percent = this.options.percent || function (share) { return Math.round(share * 100) + " %"; };
    container.addEventListener("click", function (event) {
      var g = event.target.closest ? event.target.closest("g.cse-node") : null;
      if (!g) { return; }
      if (!self.options.noKeyboard) { self.focusNode(g.getAttribute("data-id"), false); }
      if (self.options.onSelect) { self.options.onSelect(g.getAttribute("data-id")); }
    });
    container.addEventListener("keydown", function (event) { self.onKey(event); });
  }
  // New counts ({nodeId: {choiceId: count}}): the next render draws them.
  MapView.prototype.setCounts = function (counts) { this.weights = weights(counts); };
  MapView.prototype.onKey = function (event) {
    var g = event.target.closest ? event.target.closest("g.cse-node") : null;
    var id = g ? g.getAttribute("data-id") : null;
    var keys = {ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down"};
    if (!this.layout) { return; }
    if (!id && (keys[event.key] || event.key === "Home") && event.target === this.box) {
      id = this.focusId || this.startId;  // from the map box itself: into its nodes
      if (id) { event.preventDefault(); this.focusNode(id, true); }
      return;
    }
    if (!id) { return; }
    if (keys[event.key]) {
      var next = neighbour(this.layout, id, keys[event.key]);
      event.preventDefault();
      if (next) { this.focusNode(next, true); }
    } else if (event.key === "Home" && this.startId) {
      event.preventDefault(); this.focusNode(this.startId, true);
    } else if ((event.key === "Enter" || event.key === " ") && this.options.onSelect) {
      event.preventDefault(); this.options.onSelect(id);
    }
  };
  // Move the map's one tab stop to node `id`; with `focus`, focus it and scroll it into view.
  MapView.prototype.focusNode = function (id, focus) {
    if (!this.nodeEls[id]) { this.drawRest(); }
    var g = this.nodeEls[id];
    if (!g) { return; }
    if (this.focusId && this.nodeEls[this.focusId]) { this.nodeEls[this.focusId].setAttribute("tabindex", "-1"); }
    this.focusId = id;
    g.setAttribute("tabindex", "0");
    if (focus) { this.scrollTo(id); g.focus({preventScroll: true}); }
  };
  MapView.prototype.nodeClass = function (node, state) {
    var cls = "cse-node type-" + (node.type || "dialogue");
    if (node.id === this.startId) { cls += " is-start"; }
    if (node.id === state.selected) { cls += " is-selected"; }
    if (node.id === state.playing) { cls += " is-playing"; }
    if (state.problems && state.problems[node.id]) { cls += " has-problem"; }
    if (state.route && state.route[node.id]) { cls += " on-route"; }
    return cls;
  };
  // Larger maps draw the part in view first (and the selected and start nodes), the rest just
  // after the first frame: opening a 500-node scenario does not wait for 2,000 off-screen edges.
  var LAZY_NODES = 150;
  MapView.prototype.render = function (scenario, state) {
    state = state || {};
    var S = this.S, self = this;
    var layout = this.layout = computeLayout(scenario);
    this.startId = scenario.start && layout.pos[scenario.start] ? scenario.start : null;
    this.state = state;
    this.marks = {};
    this.seq = (this.seq || 0) + 1;
    var list = model.nodes(scenario).filter(function (node) { return node && layout.pos[node.id]; });
    var drawn = {};
    var unique = list.filter(function (node) { return drawn[node.id] ? false : (drawn[node.id] = true); });
    var inView = list.length > LAZY_NODES ? this.viewTest(state) : null;
    var now = inView ? unique.filter(function (node) { return inView(node.id); }) : unique;
    var later = inView ? unique.filter(function (node) { return !inView(node.id); }) : [];
    // The whole drawing as one string: parsing it is several times faster than building
    // 500 nodes and 2,000 edges element by element (the 500-node budget in tests/bench_editor.py).
    var parts = ['<svg xmlns="' + SVGNS + '" class="cse-svg' + (this.weights ? " is-weighted" : "") + '" role="group" aria-label="' +
                 esc(S.map_label || "") + '" viewBox="0 0 ' + layout.width + " " + layout.height + '" width="' +
                 Math.round(layout.width * this.zoom) + '" height="' + Math.round(layout.height * this.zoom) + '">',
                 '<defs><marker id="cse-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9"' +
                 ' markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="cse-arrowhead"/></marker></defs>',
                 '<g class="cse-edges">'];
    this.edgesHtml(parts, list, inView && later.length ? function (from, to) { return inView(from) || inView(to); } : null);
    parts.push('</g><g class="cse-nodes">');
    now.forEach(function (node) { self.nodeHtml(parts, node); });
    parts.push("</g></svg>");
    this.box.innerHTML = parts.join("");
    this.nodeEls = {};
    this.indexNodes(this.box.querySelectorAll("g.cse-node"));
    this.pending = later.length ? {nodes: later, edges: list, inView: inView} : null;
    if (this.pending) {
      var seq = this.seq;
      var run = function () { if (self.seq === seq) { self.drawRest(); } };
      if (root.requestAnimationFrame) { root.requestAnimationFrame(function () { root.setTimeout(run, 0); }); }
      else { root.setTimeout(run, 0); }
    }
    var keep = this.focusId && this.nodeEls[this.focusId] ? this.focusId : null;
    this.focusId = null;
    var stop = state.selected && this.nodeEls[state.selected] ? state.selected : keep || this.startId;
    if (!this.options.noKeyboard && stop) { this.focusNode(stop, false); }
    if (this.weights) { this.renderLegend(); }
  };
  // Which nodes a lazy render draws at once: those in (or near) the map's visible area, the
  // selected one, the one holding the tab stop and the start.
  MapView.prototype.viewTest = function (state) {
    var box = this.box, z = this.zoom || 1, pos = this.layout.pos, self = this;
    var x0 = box.scrollLeft / z - COLW, y0 = box.scrollTop / z - ROWH;
    var x1 = (box.scrollLeft + (box.clientWidth || 1400)) / z + COLW, y1 = (box.scrollTop + (box.clientHeight || 800)) / z + ROWH;
    return function (id) {
      var p = pos[id];
      if (id === state.selected || id === self.startId || id === self.focusId) { return true; }
      return p.x + W >= x0 && p.x <= x1 && p.y + H >= y0 && p.y <= y1;
    };
  };
  // The <path>s of the edges out of `nodes` into `parts`; with `test`, those for which
  // test(from, to) holds.
  MapView.prototype.edgesHtml = function (parts, nodes, test) {
    var layout = this.layout, weighted = this.weights, S = this.S, self = this;
    nodes.forEach(function (node) {
      var a = layout.pos[node.id];
      var w = weighted ? weighted[node.id] || {} : null;
      edgesOf(node).forEach(function (edge) {
        var b = layout.pos[edge.target];
        if (!b || (test && !test(node.id, edge.target))) { return; }
        var extra = "", tip = "";
        if (w) {
          var info = w[edge.choice] || {count: 0, share: 0, band: 0};
          extra = ' data-band="' + info.band + '" stroke-width="' + BAND_WIDTH[info.band] + '"';
          var choice = (node.choices || []).filter(function (c) { return c && c.id === edge.choice; })[0];
          tip = "<title>" + esc(fill(S.map_edge_count, {choice: (choice && choice.text) || edge.choice || "",
                                                         count: info.count, share: self.percent(info.share)})) + "</title>";
        }
        parts.push('<path class="cse-edge" data-from="' + esc(node.id) + '" data-to="' + esc(edge.target) + '"' +
                   (edge.choice ? ' data-choice="' + esc(edge.choice) + '"' : "") + extra + ' d="' +
                   edgePath(a, b, b.col <= a.col) + '">' + tip + "</path>");
      });
    });
  };
  MapView.prototype.nodeHtml = function (parts, node) {
    var p = this.layout.pos[node.id], S = this.S;
    var type = S["type_" + node.type] || node.type || "";
    // The node's name (its <title>: tooltip and accessible name): id, type, the text's start.
    var label = node.id + " (" + type + ")" + (snippet(node) ? ": " + snippet(node) : "");
    parts.push('<g class="' + this.nodeClass(node, this.state) + '" data-id="' + esc(node.id) + '" transform="translate(' +
               p.x + "," + p.y + ')"' + (this.options.noKeyboard ? "" : ' tabindex="-1" role="button"') +
               '><rect width="' + W + '" height="' + H + '" rx="' + (node.type === "ending" ? 20 : 6) + '"/>' +
               '<text x="10" y="18" class="cse-node-id">' + esc((node.id === this.startId ? "▶ " : "") + node.id) +
               '</text><text x="10" y="36" class="cse-node-sub">' + esc(snippet(node)) + "</text><title>" +
               esc(label) + "</title></g>");
  };
  MapView.prototype.indexNodes = function (elements) {
    var self = this;
    Array.prototype.forEach.call(elements, function (g) { self.nodeEls[g.getAttribute("data-id")] = g; });
  };
  // The rest of a lazy render: the nodes not drawn yet, the edges not drawn yet (those between
  // two nodes out of view), with the marks set since the render. Runs at once when anything
  // needs a node not drawn yet.
  MapView.prototype.drawRest = function () {
    var pending = this.pending, self = this;
    if (!pending) { return; }
    this.pending = null;
    var inView = pending.inView;
    var edges = [], nodes = [];
    this.edgesHtml(edges, pending.edges.filter(function (node) { return !inView(node.id); }),
                   function (from, to) { return !inView(to); });
    pending.nodes.forEach(function (node) { self.nodeHtml(nodes, node); });
    var svg = this.box.querySelector("svg.cse-svg");
    svg.querySelector("g.cse-edges").insertAdjacentHTML("beforeend", edges.join(""));
    var group = svg.querySelector("g.cse-nodes");
    var before = group.childElementCount;
    group.insertAdjacentHTML("beforeend", nodes.join(""));
    var added = Array.prototype.slice.call(group.children, before);
    this.indexNodes(added);
    var marks = this.marks;
    added.forEach(function (g) {
      var id = g.getAttribute("data-id");
      Object.keys(marks).forEach(function (cls) { g.classList.toggle(cls, !!marks[cls][id]); });
    });
  };
  // The classes that follow selection, problems, the route and the playtest, without redrawing.
  MapView.prototype.mark = function (id, cls, on) {
    (this.marks[cls] = this.marks[cls] || {})[id] = !!on;
    if (this.nodeEls[id]) { this.nodeEls[id].classList.toggle(cls, !!on); }
  };
  MapView.prototype.markAll = function (cls, ids) {
    var self = this, marks = this.marks[cls] = {};
    Object.keys(ids || {}).forEach(function (id) { if (ids[id]) { marks[id] = true; } });
    Object.keys(this.nodeEls).forEach(function (id) { self.nodeEls[id].classList.toggle(cls, !!marks[id]); });
  };
  MapView.prototype.updateNode = function (node) {
    this.drawRest();
    var g = this.nodeEls[node.id];
    if (g) { g.querySelector(".cse-node-sub").textContent = snippet(node); }
  };
  // The text legend of the weights (read-only maps with counts): what the widths mean.
  MapView.prototype.renderLegend = function () {
    var S = this.S;
    var legend = document.createElement("ul");
    legend.className = "cse-weight-legend";
    legend.setAttribute("aria-label", S.map_weight_legend || "");
    [[0, S.map_band_0], [1, S.map_band_1], [2, S.map_band_2], [3, S.map_band_3], [4, S.map_band_4]].forEach(function (pair) {
      var item = document.createElement("li");
      item.setAttribute("data-band", String(pair[0]));
      var line = document.createElementNS(SVGNS, "svg");
      line.setAttribute("width", "36"); line.setAttribute("height", "12"); line.setAttribute("aria-hidden", "true");
      line.innerHTML = '<line x1="2" y1="6" x2="34" y2="6" class="cse-edge" data-band="' + pair[0] +
                       '" stroke-width="' + BAND_WIDTH[pair[0]] + '"/>';
      item.appendChild(line);
      item.appendChild(document.createTextNode(" " + (pair[1] || "")));
      legend.appendChild(item);
    });
    var box = this.options.legendBox || this.box;
    var old = box.querySelector(".cse-weight-legend");
    if (old) { old.remove(); }
    box.appendChild(legend);
  };
  MapView.prototype.setZoom = function (value) {
    this.zoom = Math.max(0.2, Math.min(2, value));
    var s = this.box.querySelector("svg.cse-svg");
    if (s && this.layout) {
      s.setAttribute("width", Math.round(this.layout.width * this.zoom));
      s.setAttribute("height", Math.round(this.layout.height * this.zoom));
    }
  };
  MapView.prototype.fit = function () {
    if (this.layout) {
      this.setZoom(Math.min(1, (this.box.clientWidth - 8) / this.layout.width, (this.box.clientHeight - 8) / this.layout.height));
    }
  };
  MapView.prototype.scrollTo = function (id) {
    var p = this.layout && this.layout.pos[id];
    if (!p) { return; }
    var box = this.box, z = this.zoom, x = p.x * z, y = p.y * z;
    if (x < box.scrollLeft || x + W * z > box.scrollLeft + box.clientWidth ||
        y < box.scrollTop || y + H * z > box.scrollTop + box.clientHeight) {
      box.scrollLeft = Math.max(0, x - box.clientWidth / 2 + W * z / 2);
      box.scrollTop = Math.max(0, y - box.clientHeight / 2);
    }
  };

  ns.map = {MapView: MapView, computeLayout: computeLayout, neighbour: neighbour, edgesOf: edgesOf,
            band: band, weights: weights, BANDS: BANDS, BAND_WIDTH: BAND_WIDTH, snippet: snippet};
  if (typeof module === "object" && module.exports) { module.exports = ns; }
}(typeof window !== "undefined" ? window : globalThis));
