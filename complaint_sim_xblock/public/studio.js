/* The complaint_sim Studio editor: a scenario map with an inspector, panels, live validation,
 * playtest, text mode and Twine import. Vanilla JS, no build step, no network beyond the
 * block's own handlers. Every string comes translated from the server (args.strings).
 *
 * The parts, loaded in this order by studio.py (each adds to the ComplaintSimScenario namespace):
 *   scenario_model.js   the scenario document, its operations and undo/redo (no DOM; node tests)
 *   scenario_map.js     the map view (also mounted read-only by the staff analytics)
 *   studio_form.js      form controls and the condition picker
 *   studio_inspector.js the node inspector
 *   studio_panes.js     problems list, scenario and grading panels, text, Twine, playtest
 *   studio.js           this file: wires them to the page (tabs, save, cancel, undo, keys)
 * The scenario is edited as plain data in the browser; the server validates and saves it. Its
 * request starts before all of these: studio_view's first resource is a preload of editor_load.
 */
function ComplaintSimEditor(runtime, element, args) {
  "use strict";
  // Init data comes from the block's own escaped <script type="application/json"> (the server
  // never puts author or learner text into the runtime's init arguments). It holds the strings,
  // limits and settings, not the scenario: that comes from editor_load (at 500 nodes it is
  // larger than all the rest of the page), "Loading…" until then. Until it has arrived the
  // editor shows nothing to edit and no Save (data-state is not "ready"); a failed load says
  // so and offers to try again. Then ComplaintSimEditorMount draws the editor.
  var root = element.jquery ? element[0] : element;
  args = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  var ed = root.querySelector(".cse") || root;
  if (window.performance) { ed.setAttribute("data-started-at", String(Math.round(performance.now()))); }
  var S = args.strings;
  var loading = ed.querySelector(".cse-loading");
  var mounted = null;
  // Cancel before the editor is drawn: nothing to lose (once drawn, the editor's own handler asks).
  ed.querySelector(".cancel-button").addEventListener("click", function (event) {
    if (mounted) { return; }
    event.preventDefault();
    runtime.notify("cancel", {});
  });
  var loader = args.load_url ? {handlerUrl: function () { return args.load_url; }} : runtime;
  function load() {
    var t0 = window.performance ? performance.now() : Date.now();
    ed.setAttribute("data-state", "loading");
    TangerangXBlocks.clear(loading).appendChild(document.createTextNode(S.loading));
    // A GET of the very address the page's head preloads (args.load_url): the first load takes
    // that answer, already there or on its way; Try again asks anew.
    var loaded = TangerangXBlocks.getJson(loader, root, "editor_load", S.offline);
    loaded.then(function (result) {
      if (!result.ok) {
        ed.setAttribute("data-state", "failed");
        var why = (result.data && result.data.error && result.data.error.message) || S.error;
        TangerangXBlocks.clear(loading).appendChild(TangerangXBlocks.el("span", {"class": "cse-error",
                                                                            text: S.load_failed + " " + why}));
        loading.appendChild(document.createTextNode(" "));
        loading.appendChild(TangerangXBlocks.button(S.retry, load, {"class": "cse-retry"}));
        return;
      }
      ed.setAttribute("data-load-ms", String(Math.round((window.performance ? performance.now() : Date.now()) - t0)));
      args.scenario = result.data.scenario;
      args.authored = !!result.data.authored;
      args.register = result.data.register;
      mounted = ComplaintSimEditorMount(runtime, root, ed, args);
    });
  }
  load();
}

// The editor itself, once editor_load has given the scenario (args.scenario, authored, register).
function ComplaintSimEditorMount(runtime, root, ed, args) {
  "use strict";
  var t0 = window.performance ? performance.now() : Date.now();
  var ns = window.ComplaintSimScenario;
  var model = ns.model;
  var el = TangerangXBlocks.el;  // xblock_json_contract/public/client.js (shared by both blocks)
  var button = TangerangXBlocks.button;
  var S = args.strings;
  // The document takes over the scenario just parsed from editor_load (no copy); nothing else keeps it.
  var doc = new model.Document(args.scenario || {}, args.settings || {}, true);
  args.scenario = null;
  // The validation report arrives from editor_validate right after opening; until then: checking.
  var report = {problems: [], max_score: null, model_route: [], impact: {removed_nodes: []}, pending: true};
  var connecting = null;  // {node: id, index: n} while picking a target on the map
  var validateTimer = null;
  var validateSeq = 0;
  var noticeKind = "";    // what the notice says: "" (nothing stale), "stale" (cleared by the next edit), "refused"

  var mapBox = ed.querySelector(".cse-map");
  var inspectorBox = ed.querySelector(".cse-inspector");
  var playBox = ed.querySelector(".cse-playtest");
  var noticeBox = ed.querySelector(".cse-notice");
  var problemList = ed.querySelector(".cse-problem-list");
  var problemCount = ed.querySelector(".cse-problem-count");
  var maxBox = ed.querySelector(".cse-max");
  var hint = ed.querySelector(".cse-connect-hint");
  var undoButton = ed.querySelector(".cse-undo-button");
  var redoButton = ed.querySelector(".cse-redo-button");
  var unsavedBox = ed.querySelector(".cse-unsaved");

  // Numbers in the page's language (args.locale), never the browser's.
  var num = TangerangXBlocks.numberFormat(args.locale && args.locale.language);
  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, key) {
      var value = values[key];
      return value === undefined || value === null ? m : num(value);
    });
  }
  function notice(text, action, kind) {
    noticeBox.textContent = text || "";
    noticeKind = text ? kind || "" : "";
    if (action) { noticeBox.appendChild(document.createTextNode(" ")); noticeBox.appendChild(action); }
  }

  // What the views share: the model, the strings and a few actions (no other shared state).
  var ctx = {
    S: S, L: args.limits, args: args, doc: doc, fmt: fmt, notice: notice,
    post: function (handler, payload) { return TangerangXBlocks.postJson(runtime, root, handler, payload, S.offline); },
    errorText: function (result) { return (result.data && result.data.error && result.data.error.message) || S.error; },
    report: function () { return report; },
    // One change to the scenario or settings: an undo step (typing into the field `key` is one
    // step), then the map (when `structural`) and the live validation follow.
    edit: function (change, key, structural) {
      var result = doc.edit(change, key);
      changed(structural);
      return result;
    },
    select: function (id, scroll) { selectNode(id, scroll); },
    renderInspector: function () { renderInspector(); },
    updateNode: function (node) { map.updateNode(node); },
    scrollToNode: function (id) { map.scrollTo(id); },
    startConnect: startConnect,
    startPlaytest: function (from) { playtest.start(from); },
    showPlaytest: function (on) { inspectorBox.hidden = on; playBox.hidden = !on; },
    deleteNode: deleteNode,
    goTo: goTo,
    showTab: showTab,
    validateNow: validateNow,
    setProblems: function (problems) { report.problems = problems; report.pending = false; renderReport(); },
    replaceScenario: function (scenario, newReport) {
      doc.replace(scenario);
      if (newReport) { report = newReport; }
      if (noticeKind === "stale") { notice(""); }
      renderAll();
      renderUndoState();
    }
  };
  ctx.f = ns.form.controls(ctx);
  var map = new ns.map.MapView(mapBox, {
    strings: S,
    onSelect: function (id) {
      if (connecting) { finishConnect(id); return; }
      selectNode(id, false);
    }
  });
  ctx.map = map;
  var inspector = new ns.inspector.Inspector(ctx, inspectorBox);
  ctx.inspector = inspector;
  var playtest = new ns.panes.Playtest(ctx, playBox);

  // --- Change tracking and live validation -----------------------------------------------------
  function changed(structural, quiet) {
    if (structural) { renderMap(); }
    if (noticeKind === "stale") { notice(""); }
    renderUndoState();
    if (!quiet) { scheduleValidate(); }
  }
  function renderUndoState() {
    undoButton.disabled = !doc.canUndo();
    redoButton.disabled = !doc.canRedo();
    unsavedBox.textContent = doc.dirty() ? S.unsaved : "";
  }
  function scheduleValidate() {
    window.clearTimeout(validateTimer);
    maxBox.textContent = S.checking;
    validateTimer = window.setTimeout(validateNow, 400);
  }
  function validateNow() {
    var seq = ++validateSeq;
    return ctx.post("editor_validate", {scenario: doc.scenario}).then(function (result) {
      if (seq !== validateSeq) { return; }
      if (result.ok) {
        report = result.data; renderReport();
        if (!ed.hasAttribute("data-checked-at") && window.performance) {
          ed.setAttribute("data-checked-at", String(Math.round(performance.now())));  // tests/bench_editor.py
        }
      }
      else { maxBox.textContent = ctx.errorText(result); }
    });
  }
  function renderReport() {
    if (report.pending) {
      maxBox.textContent = S.checking;
      problemCount.textContent = S.checking;
      TangerangXBlocks.clear(problemList).appendChild(el("li", {"class": "cse-ok", text: S.checking}));
      return;
    }
    var problems = report.problems || [];
    var byNode = ns.panes.renderProblems(ctx, problemList, report);
    problemCount.textContent = problems.length ? fmt(S.problem_count, {count: problems.length}) : S.no_problems;
    problemCount.className = "cse-problem-count" + (problems.length ? " has-problems" : "");
    // A refusal to save says the scenario has problems: once there are none, it is stale.
    if (!problems.length && noticeKind === "refused") { notice(""); }
    maxBox.textContent = report.max_score === null || report.max_score === undefined ?
      S.max_score_unknown : fmt(S.max_score, {points: report.max_score});
    var route = {};
    (report.model_route || []).forEach(function (step) { route[step.node] = step; });
    report.routeIndex = route;
    map.markAll("has-problem", byNode);
    map.markAll("on-route", route);
    if (doc.selected && !playtest.play) { inspector.renderMoodNote(); }
  }
  function goTo(problem, nodeId) {
    var path = problem.path || "";
    if (nodeId) { showTab("map"); selectNode(nodeId, true); focusPath(path); return; }
    showTab(/^settings\./.test(path) ? "settings" : "scenario");
    focusPath(path);
  }
  function focusPath(path) {
    var best = null, bestLen = -1;
    // A place in a choice's folded part (built when first opened): open it first.
    Array.prototype.forEach.call(ed.querySelectorAll("details.cse-more[data-base]"), function (more) {
      var base = more.getAttribute("data-base");
      if (path.indexOf(base + ".") === 0 && !/\.(text|target)$/.test(path)) { more.fill(); more.open = true; }
    });
    Array.prototype.forEach.call(ed.querySelectorAll("[data-path]"), function (node) {
      var p = node.getAttribute("data-path");
      if (node.offsetParent !== null && (path === p || path.indexOf(p + ".") === 0 || path.indexOf(p + "[") === 0) &&
          p.length > bestLen) { best = node; bestLen = p.length; }
    });
    if (best) { best.focus(); if (best.scrollIntoView) { best.scrollIntoView({block: "center"}); } }
  }

  // --- Map, selection, connecting ----------------------------------------------------------------
  function renderMap() {
    map.render(doc.scenario, {selected: doc.selected, playing: playtest.playing()});
    inspector.nodesChanged();
    var datalist = ed.querySelector("#cse-node-ids");
    if (datalist) {
      var options = document.createDocumentFragment();
      model.nodes(doc.scenario).forEach(function (n) { if (n && n.id) { options.appendChild(el("option", {value: n.id})); } });
      TangerangXBlocks.clear(datalist).appendChild(options);
    }
    renderReport();
  }
  function selectNode(id, scroll) {
    if (doc.selected) { map.mark(doc.selected, "is-selected", false); }
    doc.select(id);
    doc.closeStep();
    if (doc.selected) {
      map.mark(doc.selected, "is-selected", true);
      map.focusNode(doc.selected, false);
      if (scroll) { map.scrollTo(doc.selected); }
    }
    if (playtest.play) { playtest.close(); }
    renderInspector();
  }
  function renderInspector() { inspector.render(); }
  function deleteNode(id) {
    var label = model.nodeLabel(doc.node(id));
    ctx.edit(function (s) { model.deleteNode(s, id); doc.selected = null; }, null, true);
    var rev = doc.rev;
    renderInspector();
    notice(fmt(S.node_deleted, {node: label}), button(S.undo, function () {
      if (doc.rev === rev) { undo(); } else { notice(""); }
    }, {"class": "cse-undo"}), "stale");
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
    var from = connecting;
    var node = doc.node(from.node);
    cancelConnect();
    if (node) {
      ctx.edit(function () {
        if (from.index < 0) { node.next = targetId; }
        else if (node.choices && node.choices[from.index]) { node.choices[from.index].target = targetId; }
      }, null, true);
    }
    selectNode(node ? node.id : targetId, false);
  }

  // --- Undo and redo ------------------------------------------------------------------------------
  // After undo or redo the views are drawn again from the model; the focus stays where it was
  // (the same field, else the editor's own button, else the map) so the keys keep working.
  function afterHistory(fallback) {
    var active = document.activeElement;
    var path = active && ed.contains(active) ? active.getAttribute("data-path") : null;
    window.clearTimeout(validateTimer);
    if (playtest.play) { playtest.close(); }
    renderAll();
    renderUndoState();
    scheduleValidate();
    var again = path ? ed.querySelector('[data-path="' + path.replace(/"/g, '\\"') + '"]') : null;
    if (again) { again.focus(); }
    else if (!ed.contains(document.activeElement)) { (fallback.disabled ? mapBox : fallback).focus(); }
  }
  function undo() { if (doc.undo()) { afterHistory(undoButton); } }
  function redo() { if (doc.redo()) { afterHistory(redoButton); } }
  undoButton.addEventListener("click", undo);
  redoButton.addEventListener("click", redo);
  ed.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && connecting) { cancelConnect(); return; }
    var key = (event.key || "").toLowerCase();
    if (!(event.ctrlKey || event.metaKey) || event.altKey || (key !== "z" && key !== "y")) { return; }
    // The text and Twine panes hold their own text, not the model: their fields keep the browser's undo.
    if (event.target.closest && event.target.closest(".cse-text, .cse-twee")) { return; }
    event.preventDefault();
    if (key === "y" || event.shiftKey) { redo(); } else { undo(); }
  });

  // --- Tabs, save, cancel, leaving -----------------------------------------------------------------
  function showTab(name) {
    Array.prototype.forEach.call(ed.querySelectorAll(".cse-tab"), function (tab) {
      tab.setAttribute("aria-selected", tab.getAttribute("data-tab") === name ? "true" : "false");
    });
    Array.prototype.forEach.call(ed.querySelectorAll(".cse-pane"), function (pane) {
      pane.hidden = pane.getAttribute("data-pane") !== name;
    });
    var pane = ed.querySelector('[data-pane="' + name + '"]');
    if (name === "scenario") { ns.panes.renderScenarioPane(ctx, pane); }
    if (name === "settings") { ns.panes.renderSettingsPane(ctx, pane); }
    if (name === "text") { ns.panes.renderTextPane(ctx, pane); }
    if (name === "twine") { ns.panes.renderTwinePane(ctx, pane); }
  }
  Array.prototype.forEach.call(ed.querySelectorAll(".cse-tab"), function (tab) {
    tab.addEventListener("click", function () { showTab(tab.getAttribute("data-tab")); });
  });
  function renderAll() {
    renderMap();
    renderInspector();
    var current = ed.querySelector('.cse-tab[aria-selected="true"]');
    var name = current && current.getAttribute("data-tab");
    if (name === "scenario" || name === "settings") { showTab(name); }
  }
  function save() {
    window.clearTimeout(validateTimer);
    runtime.notify("save", {state: "start", message: S.saving});
    notice(S.saving);
    var rev = doc.rev;
    ctx.post("editor_save", {scenario: doc.scenario, settings: doc.settings}).then(function (r) {
      if (r.ok) {
        args.authored = true;
        if (doc.rev === rev) { doc.markSaved(); } else { doc.savedRev = rev; }
        renderUndoState();
        notice(S.saved, null, "stale");
        runtime.notify("save", {state: "end"});
        validateNow();
        return;
      }
      if (r.data && r.data.problems) {
        report = {problems: r.data.problems, max_score: null, model_route: report.model_route || [], impact: report.impact};
        renderReport();
      }
      notice(ctx.errorText(r), null, r.data && r.data.problems ? "refused" : "");
      ed.querySelector(".cse-problems").scrollIntoView({block: "nearest"});
      runtime.notify("error", {title: S.save_failed, message: ctx.errorText(r)});
    });
  }
  // Leaving with unsaved changes asks first: Cancel asks in the page, closing the tab or
  // leaving Studio's page asks through the browser (beforeunload).
  function onLeave(event) {
    if (!document.body.contains(root) || !doc.dirty()) { return undefined; }
    event.preventDefault();
    event.returnValue = "";
    return "";
  }
  window.addEventListener("beforeunload", onLeave);
  ed.querySelector(".save-button").addEventListener("click", function (e) { e.preventDefault(); save(); });
  ed.querySelector(".cancel-button").addEventListener("click", function (e) {
    e.preventDefault();
    if (doc.dirty() && !window.confirm(S.confirm_discard)) { return; }
    window.removeEventListener("beforeunload", onLeave);
    runtime.notify("cancel", {});
  });
  ed.querySelector(".cse-add-node").addEventListener("click", function () {
    var node = ctx.edit(function (s) { var n = model.addNode(s, "dialogue"); doc.selected = n.id; return n; }, null, true);
    renderInspector(); map.scrollTo(node.id);
  });
  ed.querySelector(".cse-playtest-start").addEventListener("click", function () { playtest.start(null); });
  ed.querySelector(".cse-zoom-in").addEventListener("click", function () { map.setZoom(map.zoom * 1.25); });
  ed.querySelector(".cse-zoom-out").addEventListener("click", function () { map.setZoom(map.zoom / 1.25); });
  ed.querySelector(".cse-fit").addEventListener("click", function () { map.fit(); });
  problemCount.addEventListener("click", function () {
    ed.querySelector(".cse-problems").scrollIntoView({block: "nearest"});
    var first = problemList.querySelector("button");
    if (first) { first.focus(); }
  });
  var find = ed.querySelector(".cse-find input");
  find.addEventListener("change", function () { if (doc.node(find.value.trim())) { selectNode(find.value.trim(), true); } });
  find.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && doc.node(find.value.trim())) { e.preventDefault(); selectNode(find.value.trim(), true); }
  });
  var newButton = button(S.new_scenario, function () {
    doc.replace(model.blankScenario());
    doc.select("start");
    renderAll(); renderUndoState(); validateNow();
  }, {"class": "cse-new-scenario"});
  ed.querySelector(".cse-mapbar").insertBefore(newButton, ed.querySelector(".cse-mapbar").firstChild);

  // --- Start ----------------------------------------------------------------------------------------------
  if (!args.authored) { notice(S.default_notice); }
  renderMap();
  renderInspector();
  renderUndoState();
  window.setTimeout(validateNow, 0);  // the first check right after the editor is shown
  ed.setAttribute("data-state", "ready");
  ed.setAttribute("data-init-ms", String(Math.round((window.performance ? performance.now() : Date.now()) - t0)));
  if (window.performance) { ed.setAttribute("data-ready-at", String(Math.round(performance.now()))); }
  return {scenario: function () { return doc.scenario; }, select: selectNode, model: doc};
}
