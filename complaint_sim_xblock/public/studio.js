/* The complaint_sim Studio editor: a scenario map with an inspector, panels, live validation,
 * playtest, text mode and Twine import. Vanilla JS, no build step, no network beyond the
 * block's own handlers. Every string comes translated from the server (args.strings).
 * The scenario is edited as plain data in the browser; the server validates and saves it.
 */
function ComplaintSimEditor(runtime, element, args) {
  "use strict";
  // Init data comes from the block's own escaped <script type="application/json"> (the server
  // never puts author or learner text into the runtime's init arguments).
  args = JSON.parse((element.jquery ? element[0] : element).querySelector('script[type="application/json"]').textContent);
  var t0 = window.performance ? performance.now() : Date.now();
  var root = element.jquery ? element[0] : element;
  var ed = root.querySelector(".cse") || root;
  var S = args.strings;
  var L = args.limits;
  var scenario = clone(args.scenario || {});
  var settings = clone(args.settings || {});
  var report = args.report || {problems: [], max_score: null, model_route: [], impact: {removed_nodes: []}};
  var selected = null;
  var connecting = null;           // {node: id, index: n} while picking a target on the map
  var zoom = 1;
  var layout = null;
  var nodeEls = {};
  var validateTimer = null;
  var validateSeq = 0;
  var play = null;                 // the playtest state from the server
  var undo = null;
  var SVGNS = "http://www.w3.org/2000/svg";
  var W = 150, H = 46, COLW = 200, ROWH = 66, PAD = 24;

  var mapBox = ed.querySelector(".cse-map");
  var inspector = ed.querySelector(".cse-inspector");
  var playBox = ed.querySelector(".cse-playtest");
  var noticeBox = ed.querySelector(".cse-notice");
  var problemList = ed.querySelector(".cse-problem-list");
  var problemCount = ed.querySelector(".cse-problem-count");
  var maxBox = ed.querySelector(".cse-max");
  var hint = ed.querySelector(".cse-connect-hint");

  // --- Small helpers -----------------------------------------------------------------------
  function clone(value) { return JSON.parse(JSON.stringify(value)); }
  // Numbers in the page's language (args.locale), never the browser's.
  var numberFormat = (function () {
    try { return new Intl.NumberFormat((args.locale && args.locale.language) || "id"); } catch (e) { return null; }
  }());
  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, key) {
      var value = values[key];
      if (value === undefined || value === null) { return m; }
      return typeof value === "number" && numberFormat ? numberFormat.format(value) : String(value);
    });
  }
  var el = TangerangXBlocks.el;  // xblock_json_contract/public/client.js (shared by both blocks)
  function svg(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }
  var fieldCount = 0;
  function field(label, control, extra) {
    var id = "cse-f" + (++fieldCount);
    control.id = id;
    return el("div", {"class": "cse-field" + (extra ? " " + extra : "")},
              [el("label", {"for": id, text: label}), control]);
  }
  function input(value, oninput, attrs) {
    var box = el("input", Object.assign({type: "text", value: value === undefined || value === null ? "" : value},
                                        attrs || {}));
    box.addEventListener("input", function () { oninput(box.value, box); });
    return box;
  }
  function numberInput(value, oninput, attrs) {
    return input(value, function (raw, box) {
      var parsed = raw.trim() === "" ? null : Number(raw);
      oninput(parsed !== null && isFinite(parsed) ? parsed : (raw.trim() === "" ? null : raw), box);
    }, Object.assign({type: "number"}, attrs || {}));
  }
  function area(value, oninput, attrs) {
    var box = el("textarea", Object.assign({rows: 3}, attrs || {}));
    box.value = value || "";
    box.addEventListener("input", function () { oninput(box.value, box); });
    return box;
  }
  function select(options, value, onchange, attrs) {
    var box = el("select", attrs || {});
    options.forEach(function (opt) {
      box.appendChild(el("option", {value: opt[0], text: opt[1], selected: String(opt[0]) === String(value)}));
    });
    box.value = value === undefined || value === null ? "" : value;
    box.addEventListener("change", function () { onchange(box.value, box); });
    return box;
  }
  var button = TangerangXBlocks.button;
  function notice(text, action) {
    noticeBox.textContent = text || "";
    if (action) { noticeBox.appendChild(document.createTextNode(" ")); noticeBox.appendChild(action); }
  }
  function post(handler, payload) {
    return TangerangXBlocks.postJson(runtime, root, handler, payload, S.offline);
  }
  function errorText(result) {
    return (result.data && result.data.error && result.data.error.message) || S.error;
  }

  // --- Scenario access ---------------------------------------------------------------------
  function nodes() { if (!Array.isArray(scenario.nodes)) { scenario.nodes = []; } return scenario.nodes; }
  function nodeById(id) {
    var list = nodes();
    for (var i = 0; i < list.length; i++) { if (list[i] && list[i].id === id) { return list[i]; } }
    return null;
  }
  function list(key) { if (!Array.isArray(scenario[key])) { scenario[key] = []; } return scenario[key]; }
  function targetsOf(node) {
    if (!node) { return []; }
    if (node.type === "record" || node.type === "narration") { return node.next ? [node.next] : []; }
    if (node.type === "ending") { return []; }
    return (node.choices || []).map(function (c) { return c && c.target; }).filter(Boolean);
  }
  function uniqueId(base, taken) {
    var id = base, n = 2;
    while (taken(id)) { id = base + "-" + n; n += 1; }
    return id;
  }
  function newNodeId() {
    return uniqueId("node-" + (nodes().length + 1), function (id) { return !!nodeById(id); });
  }
  function newChoice(node, target) {
    var taken = (node.choices || []).map(function (c) { return c.id; });
    var id = uniqueId("choice-" + ((node.choices || []).length + 1), function (x) { return taken.indexOf(x) >= 0; });
    return {id: id, text: "", target: target || "", feedback: "", scores: {}, effects: {}, fulfils: [], breaches: []};
  }
  function emptyRecord() {
    return {category: {options: [], expected: ""}, urgency: {options: [], expected: ""},
            referral: {options: [], expected: ""}, deadline_days: {expected: 5, tolerance: 0},
            summary: {min_words: 5, keywords: []}};
  }
  function setType(node, type) {
    node.type = type;
    if (type === "dialogue") { node.speaker = node.speaker || "citizen"; node.choices = node.choices || []; }
    if (type === "record") { node.record = node.record || emptyRecord(); node.next = node.next || ""; }
    if (type === "narration") { node.speaker = node.speaker || "narrator"; node.next = node.next || ""; }
    if (type === "ending") { node.title = node.title || ""; node.quality = node.quality || "fair"; }
    ["choices"].forEach(function (k) { if (type !== "dialogue") { delete node[k]; } });
    ["speaker"].forEach(function (k) { if (type !== "dialogue" && type !== "narration") { delete node[k]; } });
    ["next"].forEach(function (k) { if (type !== "record" && type !== "narration") { delete node[k]; } });
    ["effects"].forEach(function (k) { if (type !== "narration") { delete node[k]; } });
    ["record", "feedback"].forEach(function (k) { if (type !== "record") { delete node[k]; } });
    ["title", "quality"].forEach(function (k) { if (type !== "ending") { delete node[k]; } });
  }
  function renameNode(oldId, newId) {
    nodes().forEach(function (n) {
      (n.choices || []).forEach(function (c) { if (c.target === oldId) { c.target = newId; } });
      if (n.next === oldId) { n.next = newId; }
    });
    if (scenario.start === oldId) { scenario.start = newId; }
  }
  function renameRef(kind, oldId, newId) {
    nodes().forEach(function (n) {
      (n.choices || []).forEach(function (c) {
        var key = kind === "competencies" ? "scores" : kind === "variables" ? "effects" : null;
        if (key && c[key] && Object.prototype.hasOwnProperty.call(c[key], oldId)) {
          c[key][newId] = c[key][oldId]; delete c[key][oldId];
        }
        if (kind === "duties") {
          ["fulfils", "breaches"].forEach(function (k) {
            c[k] = (c[k] || []).map(function (d) { return d === oldId ? newId : d; });
          });
        }
        if (kind === "variables" && c.condition) {
          c.condition = c.condition.replace(new RegExp("(^|[^a-z0-9_-])" + oldId.replace(/[-]/g, "\\-") +
                                                       "(?![a-z0-9_-])", "g"), "$1" + newId);
        }
      });
    });
    if (kind === "variables" && scenario.mood_variable === oldId) { scenario.mood_variable = newId; }
  }

  // --- Change tracking and live validation -----------------------------------------------------
  function changed(structural) {
    if (structural) { renderMap(); }
    scheduleValidate();
  }
  function scheduleValidate() {
    window.clearTimeout(validateTimer);
    maxBox.textContent = S.checking;
    validateTimer = window.setTimeout(validateNow, 400);
  }
  function validateNow() {
    var seq = ++validateSeq;
    return post("editor_validate", {scenario: scenario}).then(function (result) {
      if (seq !== validateSeq) { return; }
      if (result.ok) { report = result.data; renderReport(); }
      else { maxBox.textContent = errorText(result); }
    });
  }
  function problemNode(problem) {
    if (problem.node && nodeById(problem.node)) { return problem.node; }
    var match = /^nodes\[(\d+)\]/.exec(problem.path || "");
    if (match) { var n = nodes()[Number(match[1])]; return n && n.id ? n.id : null; }
    return null;
  }
  function renderReport() {
    var problems = report.problems || [];
    problemList.textContent = "";
    var byNode = {};
    if (!problems.length) { problemList.appendChild(el("li", {"class": "cse-ok", text: S.no_problems})); }
    problems.forEach(function (problem) {
      var nodeId = problemNode(problem);
      if (nodeId) { byNode[nodeId] = true; }
      problemList.appendChild(el("li", {"class": "cse-problem"}, [
        button(nodeId ? nodeId : problem.path, function () { goTo(problem); }, {"class": "cse-link"}),
        el("span", {text: " " + problem.message})
      ]));
    });
    var removed = (report.impact && report.impact.removed_nodes) || [];
    if (removed.length && args.authored) {
      problemList.appendChild(el("li", {"class": "cse-impact", text: fmt(S.removed_nodes, {nodes: removed.join(", ")})}));
    }
    problemCount.textContent = problems.length ? fmt(S.problem_count, {count: problems.length}) : S.no_problems;
    problemCount.className = "cse-problem-count" + (problems.length ? " has-problems" : "");
    maxBox.textContent = report.max_score === null || report.max_score === undefined ?
      S.max_score_unknown : fmt(S.max_score, {points: report.max_score});
    var route = {};
    (report.model_route || []).forEach(function (step) { route[step.node] = step; });
    report.routeIndex = route;
    Object.keys(nodeEls).forEach(function (id) {
      var g = nodeEls[id];
      g.classList.toggle("has-problem", !!byNode[id]);
      g.classList.toggle("on-route", !!route[id]);
    });
    if (selected && !play) { renderMoodNote(); }
  }
  function goTo(problem) {
    var nodeId = problemNode(problem);
    var path = problem.path || "";
    if (nodeId) { showTab("map"); select_(nodeId, true); focusPath(path); return; }
    if (/^settings\./.test(path)) { showTab("settings"); }
    else { showTab("scenario"); }
    focusPath(path);
  }
  function focusPath(path) {
    var best = null, bestLen = -1;
    Array.prototype.forEach.call(ed.querySelectorAll("[data-path]"), function (node) {
      var p = node.getAttribute("data-path");
      if (node.offsetParent !== null && (path === p || path.indexOf(p + ".") === 0 || path.indexOf(p + "[") === 0) &&
          p.length > bestLen) { best = node; bestLen = p.length; }
    });
    if (best) { best.focus(); if (best.scrollIntoView) { best.scrollIntoView({block: "center"}); } }
  }

  // --- Map -------------------------------------------------------------------------------------
  function computeLayout() {
    var all = nodes().filter(function (n) { return n && n.id; });
    var depth = {}, order = [];
    var seen = {};
    if (scenario.start && nodeById(scenario.start)) {
      var queue = [scenario.start];
      depth[scenario.start] = 0; seen[scenario.start] = true;
      for (var qi = 0; qi < queue.length; qi++) {
        var id = queue[qi];
        order.push(id);
        targetsOf(nodeById(id)).forEach(function (target) {
          if (!seen[target] && nodeById(target)) { seen[target] = true; depth[target] = depth[id] + 1; queue.push(target); }
        });
      }
    }
    var maxDepth = order.length ? Math.max.apply(null, order.map(function (id) { return depth[id]; })) : -1;
    var orphans = all.filter(function (n) { return !seen[n.id]; });
    orphans.forEach(function (n, i) { depth[n.id] = maxDepth + 1 + Math.floor(i / 12); order.push(n.id); });
    var columns = [];
    order.forEach(function (id) { (columns[depth[id]] = columns[depth[id]] || []).push(id); });
    // One barycenter pass: order each column by the mean row of its parents.
    var row = {};
    var parents = {};
    all.forEach(function (n) {
      targetsOf(n).forEach(function (target) { (parents[target] = parents[target] || []).push(n.id); });
    });
    columns.forEach(function (col, c) {
      if (c > 0) {
        var key = {};
        col.forEach(function (id, i) {
          var ps = (parents[id] || []).filter(function (p) { return row[p] !== undefined && depth[p] < c; });
          key[id] = ps.length ? ps.reduce(function (s, p) { return s + row[p]; }, 0) / ps.length : 1e6 + i;
        });
        col.sort(function (a, b) { return key[a] - key[b]; });
      }
      col.forEach(function (id, i) { row[id] = i; });
    });
    var pos = {};
    var rows = 0;
    columns.forEach(function (col, c) {
      rows = Math.max(rows, col.length);
      col.forEach(function (id, i) { pos[id] = {x: PAD + c * COLW, y: PAD + i * ROWH, col: c}; });
    });
    return {pos: pos, width: PAD * 2 + Math.max(1, columns.length) * COLW, height: PAD * 2 + Math.max(1, rows) * ROWH + 40};
  }
  function snippet(node) {
    var text = node.type === "ending" ? (node.title || node.text || "") : (node.text || "");
    text = String(text).replace(/\s+/g, " ");
    return text.length > 24 ? text.slice(0, 23) + "…" : text;
  }
  function nodeClass(node) {
    var cls = "cse-node type-" + (node.type || "dialogue");
    if (node.id === scenario.start) { cls += " is-start"; }
    if (node.id === selected) { cls += " is-selected"; }
    if (play && play.run && play.run.node === node.id) { cls += " is-playing"; }
    return cls;
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
  function renderMap() {
    layout = computeLayout();
    nodeEls = {};
    var root_ = svg("svg", {"class": "cse-svg", role: "group", "aria-label": S.map_label,
                            viewBox: "0 0 " + layout.width + " " + layout.height});
    root_.setAttribute("width", Math.round(layout.width * zoom));
    root_.setAttribute("height", Math.round(layout.height * zoom));
    var defs = svg("defs");
    var marker = svg("marker", {id: "cse-arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7",
                                markerHeight: "7", orient: "auto-start-reverse"});
    marker.appendChild(svg("path", {d: "M0,0 L10,5 L0,10 z", "class": "cse-arrowhead"}));
    defs.appendChild(marker);
    root_.appendChild(defs);
    var edges = svg("g", {"class": "cse-edges"});
    var parts = [];
    nodes().forEach(function (node) {
      if (!node || !layout.pos[node.id]) { return; }
      var a = layout.pos[node.id];
      targetsOf(node).forEach(function (target) {
        var b = layout.pos[target];
        if (!b) { return; }
        parts.push('<path class="cse-edge" data-from="' + attr(node.id) + '" data-to="' + attr(target) +
                   '" d="' + edgePath(a, b, b.col <= a.col) + '" marker-end="url(#cse-arrow)"/>');
      });
    });
    edges.innerHTML = parts.join("");
    root_.appendChild(edges);
    var group = svg("g", {"class": "cse-nodes"});
    nodes().forEach(function (node) {
      if (!node || !layout.pos[node.id]) { return; }
      var p = layout.pos[node.id];
      var g = svg("g", {"class": nodeClass(node), "data-id": node.id, transform: "translate(" + p.x + "," + p.y + ")"});
      g.appendChild(svg("rect", {width: W, height: H, rx: node.type === "ending" ? 20 : 6}));
      var title = svg("text", {x: 10, y: 18, "class": "cse-node-id"});
      title.textContent = (node.id === scenario.start ? "▶ " : "") + node.id;
      var sub = svg("text", {x: 10, y: 36, "class": "cse-node-sub"});
      sub.textContent = snippet(node);
      g.appendChild(title);
      g.appendChild(sub);
      var tip = svg("title");
      tip.textContent = node.id + " (" + (S["type_" + node.type] || node.type) + ")";
      g.appendChild(tip);
      nodeEls[node.id] = g;
      group.appendChild(g);
    });
    root_.appendChild(group);
    mapBox.textContent = "";
    mapBox.appendChild(root_);
    var datalist = ed.querySelector("#cse-node-ids");
    if (datalist) {
      datalist.innerHTML = nodes().map(function (n) { return n && n.id ? '<option value="' + attr(n.id) + '">' : ""; }).join("");
    }
    targetOptions = null;
    renderReport();
  }
  function attr(text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function setZoom(value) {
    zoom = Math.max(0.2, Math.min(2, value));
    var s = mapBox.querySelector("svg");
    if (s && layout) {
      s.setAttribute("width", Math.round(layout.width * zoom));
      s.setAttribute("height", Math.round(layout.height * zoom));
    }
  }
  function scrollToNode(id) {
    var p = layout && layout.pos[id];
    if (!p) { return; }
    var x = p.x * zoom, y = p.y * zoom;
    if (x < mapBox.scrollLeft || x + W * zoom > mapBox.scrollLeft + mapBox.clientWidth ||
        y < mapBox.scrollTop || y + H * zoom > mapBox.scrollTop + mapBox.clientHeight) {
      mapBox.scrollLeft = Math.max(0, x - mapBox.clientWidth / 2 + W * zoom / 2);
      mapBox.scrollTop = Math.max(0, y - mapBox.clientHeight / 2);
    }
  }
  mapBox.addEventListener("click", function (event) {
    var g = event.target.closest ? event.target.closest("g.cse-node") : null;
    if (!g) { return; }
    var id = g.getAttribute("data-id");
    if (connecting) { finishConnect(id); return; }
    select_(id, false);
  });

  // --- Selection and the node inspector ------------------------------------------------------------
  function select_(id, scroll) {
    if (selected && nodeEls[selected]) { nodeEls[selected].classList.remove("is-selected"); }
    selected = nodeById(id) ? id : null;
    if (selected && nodeEls[selected]) {
      nodeEls[selected].classList.add("is-selected");
      if (scroll) { scrollToNode(selected); }
    }
    if (play) { closePlaytest(); }
    renderInspector();
  }
  var targetOptions = null;
  function targetSelect(value, onchange, label) {
    // Only the current value at first; the full list of nodes is filled in on first use, so
    // selecting a node in a 500-node scenario does not build thousands of <option>s.
    var box = el("select", {"aria-label": label});
    box.appendChild(el("option", {value: "", text: S.no_target}));
    if (value) { box.appendChild(el("option", {value: value, text: value})); }
    box.value = value || "";
    var filled = false;
    function fill() {
      if (filled) { return; }
      filled = true;
      if (!targetOptions) {
        targetOptions = document.createDocumentFragment();
        nodes().forEach(function (n) { if (n && n.id) { targetOptions.appendChild(el("option", {value: n.id, text: n.id})); } });
      }
      var current = box.value;
      box.textContent = "";
      box.appendChild(el("option", {value: "", text: S.no_target}));
      box.appendChild(targetOptions.cloneNode(true));
      if (current && !nodeById(current)) { box.appendChild(el("option", {value: current, text: current})); }
      box.value = current;
    }
    ["focus", "mousedown", "keydown", "touchstart"].forEach(function (name) { box.addEventListener(name, fill); });
    box.fill = fill;
    box.addEventListener("change", function () { onchange(box.value); });
    return box;
  }
  function updateSub(node) {
    var g = nodeEls[node.id];
    if (g) { g.querySelector(".cse-node-sub").textContent = snippet(node); }
  }
  function renderMoodNote() {
    var box = inspector.querySelector(".cse-mood-note");
    if (!box) { return; }
    var step = report.routeIndex && report.routeIndex[selected];
    var mood = scenario.mood_variable;
    var variable = (scenario.variables || []).filter(function (v) { return v && v.id === mood; })[0];
    if (!step) { box.textContent = S.not_on_route; return; }
    box.textContent = variable ? fmt(S.mood_here, {label: variable.label || variable.id, value: step.vars[mood],
                                                   min: variable.min, max: variable.max}) : "";
  }
  function renderInspector() {
    inspector.textContent = "";
    var node = selected ? nodeById(selected) : null;
    if (!node) { inspector.appendChild(el("p", {"class": "cse-empty", text: S.no_selection})); return; }
    var index = nodes().indexOf(node);
    var base = "nodes[" + index + "]";
    var idBox = input(node.id, function () {}, {"data-path": base + ".id", "class": "cse-node-id-input"});
    idBox.addEventListener("change", function () {
      var value = idBox.value.trim();
      if (!value || (value !== node.id && nodeById(value))) { idBox.value = node.id; return; }
      var old = node.id;
      node.id = value; renameNode(old, value); selected = value; changed(true); renderInspector();
    });
    var head = el("div", {"class": "cse-node-head"}, [
      el("h3", {text: S.node + ": " + node.id}),
      el("div", {"class": "cse-node-actions"}, [
        node.id === scenario.start ? el("span", {"class": "cse-badge", text: S.is_start}) :
          button(S.set_start, function () { scenario.start = node.id; changed(true); renderInspector(); }),
        button(S.duplicate, function () { duplicateNode(node); }),
        button(S.delete, function () { deleteNode(node); }, {"class": "cse-danger"}),
        node.type !== "ending" ? button(S.playtest_here, function () { startPlaytest(node.id); }) : null
      ])
    ]);
    inspector.appendChild(head);
    inspector.appendChild(field(S.node_id, idBox));
    inspector.appendChild(field(S.node_type, select(
      [["dialogue", S.type_dialogue], ["narration", S.type_narration], ["record", S.type_record], ["ending", S.type_ending]],
      node.type || "dialogue",
      function (value) { setType(node, value); changed(true); renderInspector(); }, {"data-path": base + ".type"})));
    if (node.type === "dialogue" || !node.type) { dialogueEditor(node, base); }
    else if (node.type === "record") { recordEditor(node, base); }
    else if (node.type === "narration") { narrationEditor(node, base); }
    else { endingEditor(node, base); }
  }
  // A narration step: speaker, text, the next node (the learner presses "Lanjut").
  function narrationEditor(node, base) {
    inspector.appendChild(field(S.speaker, select([["narrator", S.speaker_narrator], ["citizen", S.speaker_citizen]],
      node.speaker || "narrator", function (v) { node.speaker = v; changed(false); }, {"data-path": base + ".speaker"})));
    inspector.appendChild(textField(node, base, "text", S.text, 4));
    var next = targetSelect(node.next, function (v) { node.next = v; changed(true); }, S.next);
    next.setAttribute("data-path", base + ".next");
    inspector.appendChild(field(S.next, next));
    inspector.appendChild(el("p", {"class": "cse-help", text: S.narration_help}));
  }
  function textField(node, base, key, label, rows) {
    return field(label, area(node[key], function (value) { node[key] = value; updateSub(node); changed(false); },
                             {rows: rows || 4, "data-path": base + "." + key}));
  }
  function dialogueEditor(node, base) {
    inspector.appendChild(field(S.speaker, select([["citizen", S.speaker_citizen], ["narrator", S.speaker_narrator]],
      node.speaker || "citizen", function (v) { node.speaker = v; changed(false); }, {"data-path": base + ".speaker"})));
    inspector.appendChild(textField(node, base, "text", S.text, 4));
    inspector.appendChild(el("p", {"class": "cse-mood-note"}));
    renderMoodNote();
    var box = el("div", {"class": "cse-choices"}, [el("h4", {text: S.choices})]);
    node.choices = node.choices || [];
    node.choices.forEach(function (choice, i) { box.appendChild(choiceEditor(node, choice, i, base + ".choices[" + i + "]")); });
    box.appendChild(button(S.add_choice, function () {
      node.choices.push(newChoice(node)); changed(false); renderInspector();
    }, {"class": "cse-add-choice", disabled: node.choices.length >= L.max_choices}));
    inspector.appendChild(box);
  }
  function choiceEditor(node, choice, i, base) {
    var n = i + 1;
    var wrap = el("fieldset", {"class": "cse-choice", "data-choice": i});
    wrap.appendChild(el("legend", {text: fmt(S.choice, {n: n}) + (choice.model ? " ★" : "")}));
    wrap.appendChild(field(S.choice_text, area(choice.text, function (v) { choice.text = v; changed(false); },
                                               {rows: 2, "data-path": base + ".text", "class": "cse-choice-text"})));
    var target = targetSelect(choice.target, function (v) { choice.target = v; changed(true); }, S.target);
    target.setAttribute("data-path", base + ".target");
    target.classList.add("cse-target");
    wrap.appendChild(el("div", {"class": "cse-field cse-target-row"}, [
      el("label", {text: S.target}), target,
      button(S.pick_on_map, function () { startConnect(node.id, i); }, {"class": "cse-pick"}),
      button(S.new_target, function () {
        var created = addNode("dialogue");
        choice.target = created.id;
        changed(true); renderInspector();
      }, {"class": "cse-new-target"})
    ]));
    var idBox = input(choice.id, function (v) { choice.id = v.trim(); changed(false); }, {"data-path": base + ".id"});
    var details = el("details", {"class": "cse-more"}, [el("summary", {text: S.scores + " · " + S.effects + " · " + S.duties + " · " + S.condition})]);
    details.appendChild(field(S.choice_id, idBox));
    details.appendChild(field(S.feedback, area(choice.feedback, function (v) { choice.feedback = v; changed(false); },
                                                 {rows: 2, "data-path": base + ".feedback"})));
    details.appendChild(amounts(S.scores, scenario.competencies, choice, "scores", base));
    details.appendChild(amounts(S.effects, scenario.variables, choice, "effects", base));
    var duties = el("div", {"class": "cse-grid"}, [el("span", {"class": "cse-grid-title", text: S.duties})]);
    (scenario.duties || []).forEach(function (duty) {
      if (!duty || !duty.id) { return; }
      var state = (choice.fulfils || []).indexOf(duty.id) >= 0 ? "fulfils" :
                  (choice.breaches || []).indexOf(duty.id) >= 0 ? "breaches" : "";
      duties.appendChild(field(duty.label || duty.id, select(
        [["", S.duty_none], ["fulfils", S.duty_fulfils], ["breaches", S.duty_breaches]], state, function (v) {
          choice.fulfils = (choice.fulfils || []).filter(function (d) { return d !== duty.id; });
          choice.breaches = (choice.breaches || []).filter(function (d) { return d !== duty.id; });
          if (v) { choice[v].push(duty.id); }
          changed(false);
        }, {"data-path": base + ".fulfils"})));
    });
    details.appendChild(duties);
    details.appendChild(field(S.condition, input(choice.condition, function (v) {
      if (v.trim()) { choice.condition = v; } else { delete choice.condition; }
      changed(false);
    }, {"data-path": base + ".condition"})));
    var model = el("input", {type: "checkbox", checked: !!choice.model});
    model.addEventListener("change", function () {
      if (model.checked) { node.choices.forEach(function (c) { delete c.model; }); choice.model = true; }
      else { delete choice.model; }
      changed(false); renderInspector();
    });
    details.appendChild(field(S.model, model, "cse-check"));
    wrap.appendChild(details);
    wrap.appendChild(el("div", {"class": "cse-row-actions"}, [
      button(S.move_up, function () { move(node.choices, i, -1); }, {disabled: i === 0}),
      button(S.move_down, function () { move(node.choices, i, 1); }, {disabled: i === node.choices.length - 1}),
      button(S.duplicate, function () {
        var copy = clone(choice);
        copy.id = newChoice(node).id; delete copy.model;
        node.choices.splice(i + 1, 0, copy); changed(true); renderInspector();
      }, {disabled: node.choices.length >= L.max_choices}),
      button(S.delete, function () { node.choices.splice(i, 1); changed(true); renderInspector(); }, {"class": "cse-danger"})
    ]));
    return wrap;
  }
  function move(items, i, delta) {
    var j = i + delta;
    if (j < 0 || j >= items.length) { return; }
    var item = items.splice(i, 1)[0];
    items.splice(j, 0, item);
    changed(false); renderInspector();
  }
  function amounts(title, defs, choice, key, base) {
    var grid = el("div", {"class": "cse-grid"}, [el("span", {"class": "cse-grid-title", text: title})]);
    choice[key] = choice[key] || {};
    (defs || []).forEach(function (def) {
      if (!def || !def.id) { return; }
      grid.appendChild(field(def.label || def.id, numberInput(choice[key][def.id], function (v) {
        if (v === null || v === 0) { delete choice[key][def.id]; } else { choice[key][def.id] = v; }
        changed(false);
      }, {step: 1, "data-path": base + "." + key + "." + def.id}), "cse-small"));
    });
    return grid;
  }
  function recordEditor(node, base) {
    node.record = node.record || emptyRecord();
    inspector.appendChild(textField(node, base, "text", S.text, 3));
    var next = targetSelect(node.next, function (v) { node.next = v; changed(true); }, S.next);
    next.setAttribute("data-path", base + ".next");
    inspector.appendChild(el("div", {"class": "cse-field cse-target-row"}, [
      el("label", {text: S.next}), next,
      button(S.pick_on_map, function () { startConnect(node.id, -1); }, {"class": "cse-pick"})]));
    inspector.appendChild(textField(node, base, "feedback", S.feedback, 2));
    var box = el("fieldset", {"class": "cse-record"}, [el("legend", {text: S.record_expected})]);
    L.record_fields.forEach(function (key) {
      var spec = node.record[key] = node.record[key] || {options: [], expected: ""};
      var expected = select([["", S.choose]].concat((spec.options || []).map(function (o) { return [o, o]; })),
                            spec.expected, function (v) { spec.expected = v; changed(false); },
                            {"data-path": base + ".record." + key + ".expected"});
      var options = area((spec.options || []).join("\n"), function (v) {
        spec.options = v.split("\n").map(function (o) { return o.trim(); }).filter(Boolean); changed(false);
      }, {rows: 3, "data-path": base + ".record." + key + ".options"});
      options.addEventListener("change", function () { renderInspector(); });
      box.appendChild(el("div", {"class": "cse-record-field"}, [
        el("h5", {text: S[key]}), field(S.options_hint, options), field(S.expected, expected)]));
    });
    var deadline = node.record.deadline_days = node.record.deadline_days || {expected: 5, tolerance: 0};
    box.appendChild(field(S.deadline_days, numberInput(deadline.expected, function (v) { deadline.expected = v; changed(false); },
                                                       {"data-path": base + ".record.deadline_days"}), "cse-small"));
    box.appendChild(field(S.tolerance, numberInput(deadline.tolerance, function (v) { deadline.tolerance = v; changed(false); }),
                          "cse-small"));
    var summary = node.record.summary = node.record.summary || {min_words: 5, keywords: []};
    box.appendChild(field(S.summary_min_words, numberInput(summary.min_words, function (v) { summary.min_words = v; changed(false); },
                                                           {"data-path": base + ".record.summary"}), "cse-small"));
    box.appendChild(field(S.summary_keywords, area((summary.keywords || []).map(function (g) {
      return (Array.isArray(g) ? g : [g]).join(", ");
    }).join("\n"), function (v) {
      summary.keywords = v.split("\n").map(function (line) {
        return line.split(",").map(function (w) { return w.trim(); }).filter(Boolean);
      }).filter(function (g) { return g.length; });
      changed(false);
    }, {rows: 3})));
    inspector.appendChild(box);
  }
  function endingEditor(node, base) {
    inspector.appendChild(field(S.title, input(node.title, function (v) { node.title = v; updateSub(node); changed(false); },
                                               {"data-path": base + ".title"})));
    inspector.appendChild(textField(node, base, "text", S.text, 4));
    inspector.appendChild(field(S.quality, select(
      [["good", S.quality_good], ["fair", S.quality_fair], ["poor", S.quality_poor]], node.quality || "fair",
      function (v) { node.quality = v; changed(false); }, {"data-path": base + ".quality"})));
  }
  function addNode(type) {
    var node = {id: newNodeId(), type: type || "dialogue", text: ""};
    setType(node, node.type);
    nodes().push(node);
    if (!scenario.start) { scenario.start = node.id; }
    return node;
  }
  function duplicateNode(node) {
    var copy = clone(node);
    copy.id = uniqueId(node.id + "-copy", function (id) { return !!nodeById(id); });
    nodes().splice(nodes().indexOf(node) + 1, 0, copy);
    selected = copy.id;
    changed(true); renderInspector(); scrollToNode(copy.id);
  }
  function deleteNode(node) {
    undo = {scenario: clone(scenario), selected: node.id};
    nodes().splice(nodes().indexOf(node), 1);
    selected = null;
    changed(true); renderInspector();
    notice(fmt(S.confirm_delete_node, {node: node.id}).replace(/\?.*$/, "."), button(S.cancel, function () {
      scenario = undo.scenario; selected = undo.selected; undo = null; notice("");
      changed(true); renderInspector();
    }, {"class": "cse-undo"}));
  }
  function startConnect(nodeId, index) {
    connecting = {node: nodeId, index: index};
    hint.hidden = false;
    mapBox.classList.add("is-connecting");
    mapBox.focus();
  }
  function cancelConnect() {
    connecting = null; hint.hidden = true; mapBox.classList.remove("is-connecting");
  }
  function finishConnect(targetId) {
    var node = nodeById(connecting.node);
    if (node) {
      if (connecting.index < 0) { node.next = targetId; }
      else if (node.choices && node.choices[connecting.index]) { node.choices[connecting.index].target = targetId; }
    }
    cancelConnect();
    changed(true);
    select_(node ? node.id : targetId, false);
  }
  ed.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && connecting) { cancelConnect(); }
  });

  // --- Scenario panels ---------------------------------------------------------------------------
  function renderScenarioPane() {
    var pane = ed.querySelector('[data-pane="scenario"]');
    pane.textContent = "";
    var general = el("fieldset", {"class": "cse-panel"}, [el("legend", {text: S.general})]);
    general.appendChild(field(S.scenario_id, input(scenario.id, function (v) { scenario.id = v.trim(); changed(false); },
                                                   {"data-path": "scenario.id"})));
    general.appendChild(field(S.scenario_title, input(scenario.title, function (v) { scenario.title = v; changed(false); },
                                                      {"data-path": "scenario.title"})));
    general.appendChild(field(S.situation, area(scenario.situation, function (v) { scenario.situation = v; changed(false); },
                                                {rows: 4, "data-path": "scenario.situation"})));
    var start = targetSelect(scenario.start, function (v) { scenario.start = v; changed(true); }, S.start);
    start.setAttribute("data-path", "scenario.start");
    general.appendChild(field(S.start, start));
    schemaFields("scenario", ["max_steps", "story_date", "critical_cap"]).forEach(function (f) { general.appendChild(schemaControl(scenario, "scenario", f)); });
    general.appendChild(field(S.feedback_mode, select([["immediate", S.feedback_immediate], ["debrief", S.feedback_debrief]],
      scenario.feedback || "immediate", function (v) { scenario.feedback = v; changed(false); }, {"data-path": "scenario.feedback"})));
    general.appendChild(field(S.mood_variable, select([["", S.none]].concat((scenario.variables || []).map(function (v) {
      return [v.id, v.label || v.id];
    })), scenario.mood_variable || "", function (v) {
      if (v) { scenario.mood_variable = v; } else { delete scenario.mood_variable; } changed(false);
    }, {"data-path": "scenario.mood_variable"})));
    pane.appendChild(general);
    var persona = scenario.persona = scenario.persona || {};
    var pbox = el("fieldset", {"class": "cse-panel"}, [el("legend", {text: S.persona})]);
    [["name", S.persona_name], ["role", S.persona_role], ["wants", S.persona_wants]].forEach(function (pair) {
      pbox.appendChild(field(pair[1], input(persona[pair[0]], function (v) { persona[pair[0]] = v; changed(false); },
                                            {"data-path": "persona." + pair[0]})));
    });
    pane.appendChild(pbox);
    pane.appendChild(table("competencies", S.competencies, [["id", S.id], ["label", S.label], ["weight", S.weight, "number"]],
                           function () { return {id: uniqueId("competency", taken("competencies")), label: "", weight: 1}; }));
    pane.appendChild(table("variables", S.variables, [["id", S.id], ["label", S.label], ["min", S.min, "number"],
                                                      ["max", S.max, "number"], ["initial", S.initial, "number"]],
                           function () { return {id: uniqueId("variable", taken("variables")), label: "", min: 0, max: 10, initial: 5}; }));
    pane.appendChild(table("duties", S.duties_panel, [["id", S.id], ["label", S.label], ["points", S.points, "number"]],
                           function () { return {id: uniqueId("duty", taken("duties")), label: "", basis: [], points: 1}; }));
    pane.appendChild(dutyDetails());
  }
  // Per duty: critical, maladministration category and the legal basis, cited from the register.
  function dutyDetails() {
    var box = el("fieldset", {"class": "cse-panel cse-duty-details"}, [el("legend", {text: S.duty_basis_panel})]);
    var laws = args.register.laws, byId = {};
    laws.forEach(function (law) { byId[law.id] = law; });
    list("duties").forEach(function (duty, i) {
      var path = "duties[" + i + "]";
      var row = el("div", {"class": "cse-duty-detail"}, [el("h4", {text: duty.label || duty.id})]);
      var critical = schemaFields("duty", ["critical"])[0];
      row.appendChild(schemaControl(duty, path, critical));
      row.appendChild(field(S.maladministration, select([["", S.none]].concat(args.register.maladministration.map(function (m) {
        return [m.id, m.label];
      })), duty.maladministration || "", function (v) {
        if (v) { duty.maladministration = v; } else { delete duty.maladministration; } changed(false);
      }, {"data-path": path + ".maladministration"})));
      if (typeof duty.basis === "string") {  // a legacy text basis: one note
        duty.basis = duty.basis ? [{note: duty.basis}] : [];
      }
      var cites = el("ul", {"class": "cse-citations"});
      (duty.basis || []).forEach(function (c, k) {
        var where = path + ".basis[" + k + "]";
        var item = el("li");
        if (c.note !== undefined) {
          item.appendChild(field(S.citation_note, input(c.note, function (v) { c.note = v; changed(false); },
                                                        {"data-path": where})));
        } else {
          var law = byId[c.law];
          item.appendChild(field(S.citation_law, select([["", S.no_target]].concat(laws.map(function (l) {
            return [l.id, l.name + " — " + (S["law_" + l.status] || l.status)];
          })), c.law || "", function (v) { c.law = v; changed(false); renderScenarioPane(); }, {"data-path": where + ".law"})));
          item.appendChild(field(S.citation_article, input(c.article, function (v) {
            if (v.trim()) { c.article = v; } else { delete c.article; } changed(false);
          }, {"data-path": where + ".article"}), "cse-small"));
          if (law) {
            item.appendChild(el("p", {"class": "cse-help cse-law-" + law.status,
              text: law.title + " (" + (S["law_" + law.status] || law.status) +
                    (law.replaced_by ? " → " + law.replaced_by : "") + ")"}));
          }
        }
        item.appendChild(button(S.remove, function () { duty.basis.splice(k, 1); changed(false); renderScenarioPane(); },
                                {"class": "cse-danger"}));
        cites.appendChild(item);
      });
      row.appendChild(cites);
      row.appendChild(el("div", {"class": "cse-bar"}, [
        button(S.add_citation, function () { duty.basis.push({law: ""}); changed(false); renderScenarioPane(); },
               {"class": "cse-add-citation"}),
        button(S.add_note, function () { duty.basis.push({note: ""}); changed(false); renderScenarioPane(); })]));
      box.appendChild(row);
    });
    return box;
  }
  // Controls that follow from the scenario schema (complaint_sim_xblock/schema.py): bounds,
  // defaults and the kind of control come from there, the label from the strings.
  function schemaFields(part, names) {
    return (args.schema[part] || []).filter(function (f) { return names.indexOf(f.name) >= 0; });
  }
  function schemaControl(item, path, f) {
    var label = S[f.name] || f.name;
    var set = function (v) {
      if (v === null || v === "" || (v === false && !f.required)) { delete item[f.name]; } else { item[f.name] = v; }
      changed(false);
    };
    var attrs = {"data-path": path + "." + f.name};
    if (f.editor === "checkbox") {
      var box = el("input", {type: "checkbox", "data-path": attrs["data-path"]});
      box.checked = item[f.name] === true;
      box.addEventListener("change", function () { set(box.checked); });
      return el("label", {"class": "cse-check"}, [box, document.createTextNode(" " + label)]);
    }
    if (f.editor === "date") {
      attrs.type = "date";
      return field(label, input(item[f.name], function (v) { set(v.trim()); }, attrs), "cse-small");
    }
    if (f.low !== null) { attrs.min = f.low; }
    if (f.high !== null) { attrs.max = f.high; }
    attrs.step = f.kind === "int" ? 1 : "any";
    attrs.placeholder = f.default === null ? "" : String(f.default);
    return field(label, numberInput(item[f.name], set, attrs), "cse-small");
  }
  function taken(key) {
    return function (id) { return list(key).some(function (item) { return item && item.id === id; }); };
  }
  function table(key, title, columns, make) {
    var box = el("fieldset", {"class": "cse-panel cse-table", "data-table": key}, [el("legend", {text: title})]);
    var head = el("div", {"class": "cse-trow cse-thead"},
                  columns.map(function (c) { return el("span", {text: c[1]}); }).concat([el("span")]));
    box.appendChild(head);
    list(key).forEach(function (item, i) {
      var row = el("div", {"class": "cse-trow"});
      columns.forEach(function (c) {
        var path = key + "[" + i + "]." + c[0];
        var control = c[2] === "number" ?
          numberInput(item[c[0]], function (v) { item[c[0]] = v; changed(false); }, {"data-path": path, "aria-label": c[1], step: "any"}) :
          input(item[c[0]], function (v) { if (c[0] !== "id") { item[c[0]] = v; changed(false); } },
                {"data-path": path, "aria-label": c[1]});
        if (c[0] === "id") {
          control.addEventListener("change", function () {
            var value = control.value.trim(), old = item.id;
            if (!value || (value !== old && taken(key)(value))) { control.value = old; return; }
            item.id = value; renameRef(key, old, value); changed(false); renderScenarioPane();
          });
        }
        row.appendChild(control);
      });
      row.appendChild(button(S.remove, function () { list(key).splice(i, 1); changed(false); renderScenarioPane(); },
                             {"class": "cse-danger"}));
      box.appendChild(row);
    });
    box.appendChild(button(S.add, function () { list(key).push(make()); changed(false); renderScenarioPane(); },
                           {"class": "cse-add-" + key}));
    return box;
  }

  // --- Grading settings ---------------------------------------------------------------------------
  function renderSettingsPane() {
    var pane = ed.querySelector('[data-pane="settings"]');
    pane.textContent = "";
    var box = el("fieldset", {"class": "cse-panel"}, [el("legend", {text: S.tab_settings})]);
    box.appendChild(field(S.display_name, input(settings.display_name, function (v) { settings.display_name = v; },
                                                {"data-path": "settings.display_name"})));
    box.appendChild(field(S.problem_weight, numberInput(settings.weight, function (v) { settings.weight = v; },
                                                        {min: 0, step: "any", "data-path": "settings.weight"}), "cse-small"));
    box.appendChild(field(S.max_attempts, numberInput(settings.max_attempts, function (v) { settings.max_attempts = v; },
                                                      {min: 0, step: 1, "data-path": "settings.max_attempts"}), "cse-small"));
    box.appendChild(field(S.grading_policy, select([["best", S.policy_best], ["last", S.policy_last]],
      settings.grading_policy, function (v) { settings.grading_policy = v; }, {"data-path": "settings.grading_policy"})));
    pane.appendChild(box);
  }

  // A file input that loads the chosen file's text into ``textarea``.
  function fileInto(textarea, accept) {
    var file = el("input", {type: "file", accept: accept, "class": "cse-file"});
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      if (!f) { return; }
      var reader = new FileReader();
      reader.onload = function () { textarea.value = String(reader.result); };
      reader.readAsText(f);
    });
    return file;
  }

  // --- Text mode ------------------------------------------------------------------------------------
  function renderTextPane() {
    var pane = ed.querySelector('[data-pane="text"]');
    if (pane.firstChild) { return; }
    var text = el("textarea", {"class": "cse-text", rows: 24, spellcheck: "false", "aria-label": S.tab_text});
    var format = "yaml";
    function show(fmt_) {
      format = fmt_;
      post("editor_export", {scenario: scenario, format: fmt_}).then(function (r) {
        if (r.ok) { text.value = r.data.text; } else { notice(errorText(r)); }
      });
    }
    var file = fileInto(text, ".yaml,.yml,.json,.txt");
    pane.appendChild(el("p", {"class": "cse-help", text: S.text_help}));
    pane.appendChild(el("div", {"class": "cse-bar"}, [
      button(S.show_yaml, function () { show("yaml"); }, {"class": "cse-show-yaml"}),
      button(S.show_json, function () { show("json"); }, {"class": "cse-show-json"}),
      button(S.apply_text, function () {
        post("editor_import_text", {text: text.value}).then(function (r) {
          if (!r.ok) { notice(errorText(r)); return; }
          scenario = r.data.scenario; report = r.data; selected = null;
          renderAll(); notice(S.text_applied);
        });
      }, {"class": "cse-apply-text"}),
      button(S.download, function () {
        var blob = new Blob([text.value], {type: format === "json" ? "application/json" : "text/yaml"});
        var link = el("a", {href: URL.createObjectURL(blob), download: (scenario.id || "scenario") + "." + format});
        document.body.appendChild(link); link.click(); link.remove();
      }),
      el("label", {"class": "cse-file-label"}, [S.open_file + " ", file])
    ]));
    pane.appendChild(text);
    show("yaml");
  }

  // --- Twine import --------------------------------------------------------------------------------------
  function renderTwinePane() {
    var pane = ed.querySelector('[data-pane="twine"]');
    if (pane.firstChild) { return; }
    var text = el("textarea", {"class": "cse-twee", rows: 14, spellcheck: "false", "aria-label": S.tab_twine});
    var result = el("div", {"class": "cse-twine-result", "aria-live": "polite"});
    var file = fileInto(text, ".twee,.tw,.txt");
    pane.appendChild(el("p", {"class": "cse-help", text: S.twine_help}));
    pane.appendChild(el("div", {"class": "cse-bar"}, [el("label", {"class": "cse-file-label"}, [S.open_file + " ", file])]));
    pane.appendChild(text);
    pane.appendChild(el("div", {"class": "cse-bar"}, [button(S.twine_import, function () {
      post("editor_import_twee", {text: text.value}).then(function (r) {
        result.textContent = "";
        if (!r.ok) { result.appendChild(el("p", {"class": "cse-error", text: errorText(r)})); return; }
        var data = r.data;
        result.appendChild(el("p", {text: fmt(S.twine_summary, {nodes: data.scenario.nodes.length, problems: data.problems.length})}));
        result.appendChild(button(S.twine_use, function () {
          scenario = data.scenario; report = {problems: data.problems, max_score: data.max_score, model_route: [],
                                              impact: {removed_nodes: []}};
          selected = null; renderAll(); showTab("map"); validateNow();
        }, {"class": "cse-twine-use action-primary"}));
        result.appendChild(el("h4", {text: S.twine_report}));
        if (!data.report.length) { result.appendChild(el("p", {text: S.twine_nothing})); }
        var tbl = el("table", {"class": "cse-report"}, [el("thead", {}, [el("tr", {}, [
          el("th", {scope: "col", text: S.passage}), el("th", {scope: "col", text: S.node}), el("th", {scope: "col", text: S.twine_report})])])]);
        var body = el("tbody");
        data.report.forEach(function (entry) {
          body.appendChild(el("tr", {"data-code": entry.code}, [el("td", {text: entry.passage}), el("td", {text: entry.node || "—"}),
                                                                 el("td", {text: entry.message})]));
        });
        tbl.appendChild(body);
        result.appendChild(tbl);
      });
    }, {"class": "cse-twine-import action-primary"})]));
    pane.appendChild(result);
  }

  // --- Playtest --------------------------------------------------------------------------------------------
  function startPlaytest(from) {
    playRequest({action: "start", from: from || null});
  }
  function playRequest(payload) {
    payload.scenario = scenario;
    return post("editor_playtest", payload).then(function (r) {
      inspector.hidden = true;
      playBox.hidden = false;
      if (!r.ok) {
        renderPlayError(r);
        return;
      }
      var previous = play && play.run && play.run.node;
      play = r.data;
      if (previous && nodeEls[previous]) { nodeEls[previous].classList.remove("is-playing"); }
      if (play.run && nodeEls[play.run.node]) { nodeEls[play.run.node].classList.add("is-playing"); scrollToNode(play.run.node); }
      renderPlay();
    });
  }
  function closePlaytest() {
    if (play && play.run && nodeEls[play.run.node]) { nodeEls[play.run.node].classList.remove("is-playing"); }
    play = null; playBox.hidden = true; inspector.hidden = false;
  }
  function playHeader() {
    return el("div", {"class": "cse-play-head"}, [
      el("h3", {text: S.playtest}),
      button(S.playtest_restart, function () { startPlaytest(play && play.origin); }, {"class": "cse-play-restart"}),
      button(S.playtest_close, function () { closePlaytest(); renderInspector(); }, {"class": "cse-play-close"})
    ]);
  }
  function renderPlayError(r) {
    playBox.textContent = "";
    playBox.appendChild(playHeader());
    playBox.appendChild(el("p", {"class": "cse-error", role: "alert", text: errorText(r)}));
    if (r.data && r.data.problems) { report.problems = r.data.problems; renderReport(); }
  }
  function renderPlay() {
    playBox.textContent = "";
    playBox.appendChild(playHeader());
    playBox.appendChild(el("p", {"class": "cse-help", text: S.playtest_note}));
    if (play.notice) { playBox.appendChild(el("p", {"class": "cse-warning", text: S[play.notice] || play.notice})); }
    var view = play.view;
    playBox.appendChild(el("p", {"class": "cse-step", text: fmt(S.step, {step: view.step + 1, max: view.max_steps})}));
    if (view.feedback) {
      playBox.appendChild(el("div", {"class": "cse-play-feedback"}, [el("strong", {text: view.feedback.choice}),
                                                                     el("p", {text: view.feedback.text})]));
    }
    if (play.debrief) {
      var ending = play.debrief.ending;
      playBox.appendChild(el("p", {"class": "cse-play-ending", text: ending.id === "__timeout__" ? S.playtest_timeout :
        fmt(S.playtest_finished, {title: ending.title, quality: S["quality_" + ending.quality] || ending.quality})}));
      if (ending.text) { playBox.appendChild(el("p", {text: ending.text})); }
    } else if (play.node) {
      var node = play.node;
      playBox.appendChild(el("div", {"class": "cse-play-node"}, [
        el("span", {"class": "cse-badge", text: node.id + " · " + (S["speaker_" + node.speaker] || "")}),
        el("p", {text: node.text})]));
      if (node.type === "dialogue") {
        var choices = el("div", {"class": "cse-play-choices"});
        node.choices.forEach(function (c) {
          choices.appendChild(el("div", {"class": "cse-play-choice" + (c.visible ? "" : " is-hidden")}, [
            button(c.text || c.id, function () {
              playRequest({action: "choose", run: play.run, choice: c.id});
            }, {disabled: !c.visible, "data-choice": c.id}),
            el("span", {"class": "cse-play-meta", text: fmt(S.playtest_goes_to, {target: c.target}) + (c.model ? " ★" : "") +
              (c.visible ? "" : " · " + fmt(S.playtest_hidden, {condition: c.condition}))})
          ]));
        });
        playBox.appendChild(choices);
      } else if (node.type === "record") {
        playBox.appendChild(recordForm(node.record));
      } else if (node.type === "narration") {
        playBox.appendChild(button(S.playtest_next, function () { playRequest({action: "next", run: play.run}); },
                                   {"class": "cse-play-next"}));
      }
    }
    var vars = el("table", {"class": "cse-play-vars"}, [el("caption", {text: S.playtest_vars})]);
    play.variables.forEach(function (v) {
      vars.appendChild(el("tr", {}, [el("th", {scope: "row", text: v.label || v.id}),
                                     el("td", {text: v.value + " (" + v.min + "–" + v.max + ")"})]));
    });
    playBox.appendChild(vars);
    var score = play.score;
    var sbox = el("div", {"class": "cse-play-score"}, [el("h4", {text: fmt(S.playtest_score, {points: score.points, max: score.max_points})})]);
    var comps = el("ul");
    score.competencies.forEach(function (c) { comps.appendChild(el("li", {text: c.label + ": " + c.earned + " / " + c.max})); });
    sbox.appendChild(comps);
    if (score.duties.length) {
      var duties = el("ul", {"class": "cse-play-duties"});
      score.duties.forEach(function (d) {
        duties.appendChild(el("li", {"class": "is-" + d.status, text: d.label + ": " + (S["status_" + d.status] || d.status)}));
      });
      sbox.appendChild(el("h5", {text: S.playtest_duties}));
      sbox.appendChild(duties);
    }
    playBox.appendChild(sbox);
  }
  function recordForm(spec) {
    var form = el("form", {"class": "cse-play-record"});
    var controls = {};
    L.record_fields.forEach(function (key) {
      controls[key] = select([["", S.choose]].concat(spec[key].options.map(function (o) { return [o, o]; })), "", function () {});
      form.appendChild(field(S[key], controls[key]));
    });
    controls.deadline_days = el("input", {type: spec.deadline_date ? "date" : "number", min: 0, max: 365});
    form.appendChild(field(S.deadline_days, controls.deadline_days));
    controls.summary = el("textarea", {rows: 3});
    form.appendChild(field(S.summary, controls.summary));
    form.appendChild(el("div", {"class": "cse-bar"}, [
      button(S.playtest_fill, function () {
        L.record_fields.forEach(function (key) { controls[key].value = spec[key].expected; });
        controls.deadline_days.value = spec.deadline_date || spec.deadline_days.expected;
        var words = spec.summary.keywords.map(function (g) { return g[0]; });
        while (words.length < spec.summary.min_words) { words.push("catatan"); }
        controls.summary.value = words.join(" ");
      }),
      button(S.playtest_submit_record, function () {
        var record = {};
        L.record_fields.forEach(function (key) { record[key] = controls[key].value; });
        if (spec.deadline_date) { record.deadline_date = controls.deadline_days.value; }
        else { record.deadline_days = controls.deadline_days.value === "" ? null : Number(controls.deadline_days.value); }
        record.summary = controls.summary.value;
        playRequest({action: "record", run: play.run, record: record});
      }, {"class": "action-primary"})
    ]));
    return form;
  }

  // --- Tabs, save, cancel --------------------------------------------------------------------------------
  function showTab(name) {
    Array.prototype.forEach.call(ed.querySelectorAll(".cse-tab"), function (tab) {
      tab.setAttribute("aria-selected", tab.getAttribute("data-tab") === name ? "true" : "false");
    });
    Array.prototype.forEach.call(ed.querySelectorAll(".cse-pane"), function (pane) {
      pane.hidden = pane.getAttribute("data-pane") !== name;
    });
    if (name === "scenario") { renderScenarioPane(); }
    if (name === "settings") { renderSettingsPane(); }
    if (name === "text") { ed.querySelector('[data-pane="text"]').textContent = ""; renderTextPane(); }
    if (name === "twine") { renderTwinePane(); }
  }
  Array.prototype.forEach.call(ed.querySelectorAll(".cse-tab"), function (tab) {
    tab.addEventListener("click", function () { showTab(tab.getAttribute("data-tab")); });
  });
  function renderAll() {
    renderMap();
    renderInspector();
    var current = ed.querySelector('.cse-tab[aria-selected="true"]');
    if (current && current.getAttribute("data-tab") === "scenario") { renderScenarioPane(); }
  }
  function save() {
    window.clearTimeout(validateTimer);
    runtime.notify("save", {state: "start", message: S.saving});
    notice(S.saving);
    post("editor_save", {scenario: scenario, settings: settings}).then(function (r) {
      if (r.ok) {
        args.authored = true;
        notice(S.saved);
        runtime.notify("save", {state: "end"});
        validateNow();
        return;
      }
      if (r.data && r.data.problems) {
        report = {problems: r.data.problems, max_score: null, model_route: report.model_route || [], impact: report.impact};
        renderReport();
      }
      notice(errorText(r));
      ed.querySelector(".cse-problems").scrollIntoView({block: "nearest"});
      runtime.notify("error", {title: S.save_failed, message: errorText(r)});
    });
  }
  ed.querySelector(".save-button").addEventListener("click", function (e) { e.preventDefault(); save(); });
  ed.querySelector(".cancel-button").addEventListener("click", function (e) {
    e.preventDefault(); runtime.notify("cancel", {});
  });
  ed.querySelector(".cse-add-node").addEventListener("click", function () {
    var node = addNode("dialogue");
    selected = node.id; changed(true); renderInspector(); scrollToNode(node.id);
  });
  ed.querySelector(".cse-playtest-start").addEventListener("click", function () { startPlaytest(null); });
  ed.querySelector(".cse-zoom-in").addEventListener("click", function () { setZoom(zoom * 1.25); });
  ed.querySelector(".cse-zoom-out").addEventListener("click", function () { setZoom(zoom / 1.25); });
  ed.querySelector(".cse-fit").addEventListener("click", function () {
    if (layout) { setZoom(Math.min(1, (mapBox.clientWidth - 8) / layout.width, (mapBox.clientHeight - 8) / layout.height)); }
  });
  problemCount.addEventListener("click", function () {
    ed.querySelector(".cse-problems").scrollIntoView({block: "nearest"});
    var first = problemList.querySelector("button");
    if (first) { first.focus(); }
  });
  var find = ed.querySelector(".cse-find input");
  find.addEventListener("change", function () { if (nodeById(find.value.trim())) { select_(find.value.trim(), true); } });
  find.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && nodeById(find.value.trim())) { e.preventDefault(); select_(find.value.trim(), true); }
  });
  var newButton = button(S.new_scenario, function () {
    scenario = {id: "new-scenario", title: "", situation: "", start: "start", max_steps: 40, feedback: "immediate",
                persona: {name: "", role: "", wants: ""}, competencies: [], variables: [], duties: [],
                nodes: [{id: "start", type: "dialogue", speaker: "citizen", text: "", choices: []}]};
    selected = "start"; renderAll(); validateNow();
  }, {"class": "cse-new-scenario"});
  ed.querySelector(".cse-mapbar").insertBefore(newButton, ed.querySelector(".cse-mapbar").firstChild);

  // --- Start ----------------------------------------------------------------------------------------------
  if (!args.authored) { notice(S.default_notice); }
  renderMap();
  renderInspector();
  ed.setAttribute("data-state", "ready");
  ed.setAttribute("data-init-ms", String(Math.round((window.performance ? performance.now() : Date.now()) - t0)));
  if (window.performance) { ed.setAttribute("data-ready-at", String(Math.round(performance.now()))); }
  return {scenario: function () { return scenario; }, select: select_};
}
