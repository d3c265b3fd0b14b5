/* The role-play editor's model: the scenario document being edited, the operations on it and
 * an undo/redo stack. No DOM: it runs in the browser (before scenario_map.js and studio.js) and
 * under node's test runner (tests/js/*.test.js). It adds `model` to the one namespace object
 * ComplaintSimScenario.
 *
 *   var doc = new ComplaintSimScenario.model.Document(scenario, settings);  // edits copies of both
 *   var doc = new ComplaintSimScenario.model.Document(scenario, settings, true);  // takes them over
 *   doc.edit(function (scenario, settings) { ... }, "nodes[2].text");  // one undoable step
 *   doc.undo(); doc.redo(); doc.dirty(); doc.markSaved();
 *
 * An edit with the same key as the one before it (typing into one field) joins that step,
 * so Ctrl+Z takes back the whole word, not one letter. Each step keeps the selected node, so
 * undo also brings the view back to where the change was made.
 */
(function (root) {
  "use strict";
  var ns = root.ComplaintSimScenario = root.ComplaintSimScenario || {};
  var UNDO_LIMIT = 200;

  function clone(value) { return JSON.parse(JSON.stringify(value)); }

  // --- Reading a scenario --------------------------------------------------------------------
  function nodes(scenario) {
    if (!Array.isArray(scenario.nodes)) { scenario.nodes = []; }
    return scenario.nodes;
  }
  function nodeById(scenario, id) {
    var all = nodes(scenario);
    for (var i = 0; i < all.length; i++) { if (all[i] && all[i].id === id) { return all[i]; } }
    return null;
  }
  function list(scenario, key) {
    if (!Array.isArray(scenario[key])) { scenario[key] = []; }
    return scenario[key];
  }
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
  function takenIn(scenario, key) {
    return function (id) { return list(scenario, key).some(function (item) { return item && item.id === id; }); };
  }

  // --- Changing a scenario (each works in place on the scenario it is given) ------------------------
  function newNodeId(scenario) {
    return uniqueId("node-" + (nodes(scenario).length + 1), function (id) { return !!nodeById(scenario, id); });
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
    if (type !== "dialogue") { delete node.choices; }
    if (type !== "dialogue" && type !== "narration") { delete node.speaker; }
    if (type !== "record" && type !== "narration") { delete node.next; }
    if (type !== "narration") { delete node.effects; }
    if (type !== "record") { delete node.record; delete node.feedback; }
    if (type !== "ending") { delete node.title; delete node.quality; }
  }
  function addNode(scenario, type) {
    var node = {id: newNodeId(scenario), type: type || "dialogue", text: ""};
    setType(node, node.type);
    nodes(scenario).push(node);
    if (!scenario.start) { scenario.start = node.id; }
    return node;
  }
  function duplicateNode(scenario, id) {
    var node = nodeById(scenario, id);
    var copy = clone(node);
    copy.id = uniqueId(node.id + "-copy", function (x) { return !!nodeById(scenario, x); });
    nodes(scenario).splice(nodes(scenario).indexOf(node) + 1, 0, copy);
    return copy;
  }
  function deleteNode(scenario, id) {
    var all = nodes(scenario);
    var index = all.indexOf(nodeById(scenario, id));
    if (index >= 0) { all.splice(index, 1); }
    return index >= 0;
  }
  // Rename a node and every reference to it (choice targets, next, the start).
  function renameNode(scenario, oldId, newId) {
    var node = nodeById(scenario, oldId);
    if (!node || !newId || (newId !== oldId && nodeById(scenario, newId))) { return false; }
    node.id = newId;
    nodes(scenario).forEach(function (n) {
      (n.choices || []).forEach(function (c) { if (c.target === oldId) { c.target = newId; } });
      if (n.next === oldId) { n.next = newId; }
    });
    if (scenario.start === oldId) { scenario.start = newId; }
    return true;
  }
  // Rename a competency, variable or duty id where choices use it (scores, effects, duties,
  // conditions, the mood variable).
  function renameRef(scenario, kind, oldId, newId) {
    var key = kind === "competencies" ? "scores" : kind === "variables" ? "effects" : null;
    var word = new RegExp("(^|[^a-z0-9_-])" + oldId.replace(/[-]/g, "\\-") + "(?![a-z0-9_-])", "g");
    nodes(scenario).forEach(function (n) {
      (n.choices || []).forEach(function (c) {
        if (key && c[key] && Object.prototype.hasOwnProperty.call(c[key], oldId)) {
          c[key][newId] = c[key][oldId]; delete c[key][oldId];
        }
        if (kind === "duties") {
          ["fulfils", "breaches"].forEach(function (k) {
            c[k] = (c[k] || []).map(function (d) { return d === oldId ? newId : d; });
          });
        }
        if (kind === "variables" && c.condition) { c.condition = c.condition.replace(word, "$1" + newId); }
      });
    });
    if (kind === "variables" && scenario.mood_variable === oldId) { scenario.mood_variable = newId; }
  }
  function moveItem(items, i, delta) {
    var j = i + delta;
    if (j < 0 || j >= items.length) { return false; }
    items.splice(j, 0, items.splice(i, 1)[0]);
    return true;
  }
  function blankScenario() {
    return {id: "new-scenario", title: "", situation: "", start: "start", max_steps: 40, feedback: "immediate",
            persona: {name: "", role: "", wants: ""}, competencies: [], variables: [], duties: [],
            nodes: [{id: "start", type: "dialogue", speaker: "citizen", text: "", choices: []}]};
  }

  // --- Conditions: "mood >= 3 and trust < 5" as clauses the pickers can show --------------------
  // The grammar is the engine's (scenario.py CLAUSE_RE): variable op whole-number, joined by "and".
  var OPERATORS = ["<", "<=", ">", ">=", "==", "!="];
  var CLAUSE = /^\s*([a-z0-9][a-z0-9_-]*)\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]{1,6})\s*$/;
  function parseCondition(text) {
    if (text === undefined || text === null || String(text).trim() === "") { return []; }
    var clauses = [];
    var parts = String(text).trim().split(/\s+and\s+/);
    for (var i = 0; i < parts.length; i++) {
      var match = CLAUSE.exec(parts[i]);
      if (!match) { return null; }
      clauses.push({variable: match[1], op: match[2], value: Number(match[3])});
    }
    return clauses;
  }
  function formatCondition(clauses) {
    return clauses.filter(function (c) { return c && c.variable && OPERATORS.indexOf(c.op) >= 0 && isFinite(c.value) &&
                                                String(c.value).trim() !== ""; })
      .map(function (c) { return c.variable + " " + c.op + " " + Number(c.value); }).join(" and ");
  }

  // --- Problems in the author's words --------------------------------------------------------------
  // The place of a validation problem, named by the node's and the choice's own text:
  // {node, choice, label}; label is "" when the problem is not about a node.
  // The start of an author's text on one line, without the quotation marks of spoken lines.
  function shortText(text, max) {
    text = String(text || "").replace(/\s+/g, " ").trim().replace(/^["“”'‘’]+|["“”'‘’]+$/g, "").trim();
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }
  function nodeLabel(node) {
    if (!node) { return ""; }
    return shortText(node.type === "ending" && node.title ? node.title : node.text, 40) || node.id;
  }
  function problemPlace(scenario, problem, strings) {
    var path = problem.path || "";
    var match = /^nodes\[(\d+)\](?:\.choices\[(\d+)\])?/.exec(path);
    var node = match ? nodes(scenario)[Number(match[1])] : null;
    if (!node && problem.node) { node = nodeById(scenario, problem.node); }
    if (!node) { return {node: null, choice: null, label: ""}; }
    var choice = match && match[2] !== undefined ? (node.choices || [])[Number(match[2])] : null;
    var values = {node: nodeLabel(node), choice: choice ? shortText(choice.text, 40) || choice.id : ""};
    var template = choice ? strings.where_choice : strings.where_node;
    return {node: node.id, choice: choice ? choice.id : null, label: fill(template, values)};
  }
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, key) {
      return values[key] === undefined || values[key] === null ? m : String(values[key]);
    });
  }

  // --- The document with undo -----------------------------------------------------------------------
  // `own`: the caller hands scenario and settings over and keeps no use of them (the editor's
  // freshly parsed editor_load answer): they are edited as they are, not copied (a copy of a
  // 500-node scenario is ~8 ms of the editor's open).
  function Document(scenario, settings, own) {
    this.scenario = own && scenario ? scenario : clone(scenario || {});
    this.settings = own && settings ? settings : clone(settings || {});
    this.selected = null;
    this.past = [];      // [{state, selected, rev, key}], the newest last
    this.future = [];
    this.rev = 0;        // the revision now shown
    this.lastRev = 0;    // the highest revision handed out
    this.savedRev = 0;
    this.lastKey = null; // the key of the step that the next edit with the same key joins
  }
  Document.prototype.snapshot = function () {
    return JSON.stringify({scenario: this.scenario, settings: this.settings});
  };
  Document.prototype.restore = function (entry) {
    var state = JSON.parse(entry.state);
    this.scenario = state.scenario;
    this.settings = state.settings;
    this.selected = entry.selected;
    this.rev = entry.rev;
  };
  // Run change(scenario, settings) as one undoable step; a step with the same non-empty key as
  // the step before joins it. Returns what change returned.
  Document.prototype.edit = function (change, key) {
    var join = key && key === this.lastKey && this.future.length === 0 && this.past.length > 0;
    if (!join) {
      this.past.push({state: this.snapshot(), selected: this.selected, rev: this.rev});
      if (this.past.length > UNDO_LIMIT) { this.past.shift(); }
    }
    this.future = [];
    this.lastKey = key || null;
    this.lastRev += 1;
    this.rev = this.lastRev;
    return change(this.scenario, this.settings);
  };
  // Replace the whole scenario (a new scenario, text or Twine import): one undoable step.
  Document.prototype.replace = function (scenario) {
    this.edit(function () {}, null);
    this.scenario = clone(scenario);
    this.selected = null;
  };
  Document.prototype.canUndo = function () { return this.past.length > 0; };
  Document.prototype.canRedo = function () { return this.future.length > 0; };
  Document.prototype.undo = function () {
    if (!this.past.length) { return false; }
    this.future.push({state: this.snapshot(), selected: this.selected, rev: this.rev});
    this.restore(this.past.pop());
    this.lastKey = null;
    return true;
  };
  Document.prototype.redo = function () {
    if (!this.future.length) { return false; }
    this.past.push({state: this.snapshot(), selected: this.selected, rev: this.rev});
    this.restore(this.future.pop());
    this.lastKey = null;
    return true;
  };
  // Close the current typing step: the next edit starts a new one even with the same key.
  Document.prototype.closeStep = function () { this.lastKey = null; };
  Document.prototype.markSaved = function () { this.savedRev = this.rev; this.lastKey = null; };
  Document.prototype.dirty = function () { return this.rev !== this.savedRev; };
  Document.prototype.select = function (id) {
    this.selected = id && nodeById(this.scenario, id) ? id : null;
    return this.selected;
  };
  Document.prototype.node = function (id) { return nodeById(this.scenario, id); };

  ns.model = {
    Document: Document, clone: clone, nodes: nodes, nodeById: nodeById, list: list, targetsOf: targetsOf,
    uniqueId: uniqueId, takenIn: takenIn, newNodeId: newNodeId, newChoice: newChoice, emptyRecord: emptyRecord,
    setType: setType, addNode: addNode, duplicateNode: duplicateNode, deleteNode: deleteNode,
    renameNode: renameNode, renameRef: renameRef, moveItem: moveItem, blankScenario: blankScenario,
    OPERATORS: OPERATORS, parseCondition: parseCondition, formatCondition: formatCondition,
    nodeLabel: nodeLabel, problemPlace: problemPlace, UNDO_LIMIT: UNDO_LIMIT
  };
  if (typeof module === "object" && module.exports) { module.exports = ns; }
}(typeof window !== "undefined" ? window : globalThis));
