// The editor's model under node's own test runner (run by tests/test_js.py, so by `make test`).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const ns = require(path.join(__dirname, "../../complaint_sim_xblock/public/scenario_model.js"));
const model = ns.model;

function scenario() {
  return {
    id: "amplop", start: "offer", mood_variable: "mood",
    variables: [{id: "mood", label: "Suasana hati", min: 0, max: 10, initial: 5}],
    competencies: [{id: "integrity", label: "Integritas", weight: 1}],
    duties: [{id: "refuse", label: "Menolak gratifikasi", points: 1}],
    nodes: [
      {id: "offer", type: "dialogue", speaker: "citizen", text: "Tawaran amplop",
       choices: [{id: "refuse", text: "Tolak dengan sopan", target: "xyz", scores: {integrity: 2}, effects: {mood: -1},
                  fulfils: ["refuse"], condition: "mood >= 3 and mood < 9"},
                 {id: "take", text: "Terima", target: "end", breaches: ["refuse"]}]},
      {id: "end", type: "ending", title: "Selesai", text: "", quality: "good"},
    ],
  };
}

test("an edit is one undo step; undo and redo restore the scenario and the selection", () => {
  const doc = new model.Document(scenario(), {weight: 1});
  doc.select("offer");
  doc.edit((s) => { model.addNode(s, "dialogue"); });
  assert.equal(doc.scenario.nodes.length, 3);
  doc.select("end");
  doc.edit((s) => { model.deleteNode(s, "end"); doc.selected = null; });
  assert.equal(doc.node("end"), null);
  assert.ok(doc.undo());
  assert.ok(doc.node("end"));
  assert.equal(doc.selected, "end");
  assert.ok(doc.undo());
  assert.equal(doc.scenario.nodes.length, 2);
  assert.equal(doc.selected, "offer");
  assert.equal(doc.canUndo(), false);
  assert.equal(doc.undo(), false);
  assert.ok(doc.redo());
  assert.equal(doc.scenario.nodes.length, 3);
  assert.ok(doc.redo());
  assert.equal(doc.node("end"), null);
  assert.equal(doc.canRedo(), false);
});

test("typing into one field is one step; another field or a closed step starts a new one", () => {
  const doc = new model.Document(scenario());
  const node = doc.node("offer");
  for (const text of ["T", "Ta", "Taw"]) { doc.edit(() => { node.text = text; }, "nodes[0].text"); }
  doc.edit(() => { node.choices[0].text = "Tolak"; }, "nodes[0].choices[0].text");
  doc.undo();
  assert.equal(doc.node("offer").choices[0].text, "Tolak dengan sopan");
  assert.equal(doc.node("offer").text, "Taw");
  doc.undo();
  assert.equal(doc.node("offer").text, "Tawaran amplop");
  const again = doc.node("offer");
  doc.edit(() => { again.text = "A"; }, "nodes[0].text");
  doc.closeStep();
  doc.edit(() => { again.text = "AB"; }, "nodes[0].text");
  doc.undo();
  assert.equal(doc.node("offer").text, "A");
});

test("a new edit after undo drops the redo stack; the stack keeps at most UNDO_LIMIT steps", () => {
  const doc = new model.Document(scenario());
  doc.edit((s) => { s.title = "one"; });
  doc.undo();
  doc.edit((s) => { s.title = "two"; });
  assert.equal(doc.canRedo(), false);
  for (let i = 0; i < model.UNDO_LIMIT + 20; i++) { doc.edit((s) => { s.max_steps = i; }); }
  let steps = 0;
  while (doc.undo()) { steps += 1; }
  assert.equal(steps, model.UNDO_LIMIT);
});

test("dirty follows the saved revision, also through undo and redo", () => {
  const doc = new model.Document(scenario(), {weight: 1});
  assert.equal(doc.dirty(), false);
  doc.edit((s, settings) => { settings.weight = 2; });
  assert.equal(doc.dirty(), true);
  doc.undo();
  assert.equal(doc.dirty(), false);
  doc.redo();
  assert.equal(doc.dirty(), true);
  doc.markSaved();
  assert.equal(doc.dirty(), false);
  doc.undo();
  assert.equal(doc.dirty(), true);
  assert.equal(doc.settings.weight, 1);
});

test("replace is undoable and does not share objects with its argument", () => {
  const doc = new model.Document(scenario());
  const blank = model.blankScenario();
  doc.replace(blank);
  blank.nodes.push({id: "later"});
  assert.deepEqual(doc.scenario.nodes.map((n) => n.id), ["start"]);
  doc.undo();
  assert.equal(doc.scenario.id, "amplop");
});

test("renaming a node follows every reference; a taken id is refused", () => {
  const s = scenario();
  s.nodes.push({id: "note", type: "narration", text: "", next: "end"});
  assert.equal(model.renameNode(s, "end", "offer"), false);
  assert.equal(model.renameNode(s, "end", "closing"), true);
  assert.equal(s.nodes[0].choices[1].target, "closing");
  assert.equal(s.nodes[2].next, "closing");
  model.renameNode(s, "offer", "start-here");
  assert.equal(s.start, "start-here");
});

test("renaming a variable, competency or duty follows the choices and the conditions", () => {
  const s = scenario();
  model.renameRef(s, "variables", "mood", "trust");
  const choice = s.nodes[0].choices[0];
  assert.deepEqual(choice.effects, {trust: -1});
  assert.equal(choice.condition, "trust >= 3 and trust < 9");
  assert.equal(s.mood_variable, "trust");
  model.renameRef(s, "competencies", "integrity", "honesty");
  assert.deepEqual(choice.scores, {honesty: 2});
  model.renameRef(s, "duties", "refuse", "decline");
  assert.deepEqual(choice.fulfils, ["decline"]);
  assert.deepEqual(s.nodes[0].choices[1].breaches, ["decline"]);
});

test("setType keeps only the fields of the new type; new ids never collide", () => {
  const node = scenario().nodes[0];
  model.setType(node, "ending");
  assert.equal(node.choices, undefined);
  assert.equal(node.speaker, undefined);
  assert.equal(node.quality, "fair");
  model.setType(node, "record");
  assert.equal(node.title, undefined);
  assert.deepEqual(Object.keys(node.record).sort(), ["category", "deadline_days", "referral", "summary", "urgency"]);
  const s = scenario();
  s.nodes.push({id: "node-4"});  // the next number is taken
  assert.equal(model.newNodeId(s), "node-4-2");
  const copy = model.duplicateNode(s, "offer");
  assert.equal(copy.id, "offer-copy");
  assert.equal(s.nodes[1], copy);
  assert.equal(model.duplicateNode(s, "offer").id, "offer-copy-2");
});

test("conditions read as the engine's grammar; anything else is null, not a guess", () => {
  assert.deepEqual(model.parseCondition("mood >= 3 and trust<5"),
                   [{variable: "mood", op: ">=", value: 3}, {variable: "trust", op: "<", value: 5}]);
  assert.deepEqual(model.parseCondition(""), []);
  assert.deepEqual(model.parseCondition(undefined), []);
  assert.equal(model.parseCondition("mood >= 3 or trust < 5"), null);
  assert.equal(model.parseCondition("mood >= 2.5"), null);
  assert.equal(model.parseCondition("Mood > 1"), null);
  assert.equal(model.formatCondition([{variable: "mood", op: "!=", value: -2}, {variable: "", op: ">", value: 1}]),
               "mood != -2");
  const text = "mood >= 3 and trust < 5";
  assert.equal(model.formatCondition(model.parseCondition(text)), text);
});

test("a problem is named by its choice's and node's text, falling back to ids", () => {
  const strings = {where_node: "Adegan '{node}'", where_choice: "Pilihan '{choice}' di adegan '{node}'"};
  const s = scenario();
  assert.equal(model.problemPlace(s, {path: "nodes[0].choices[0].target", node: "offer"}, strings).label,
               "Pilihan 'Tolak dengan sopan' di adegan 'Tawaran amplop'");
  const ending = model.problemPlace(s, {path: "nodes[1].text", node: "end"}, strings);
  assert.deepEqual(ending, {node: "end", choice: null, label: "Adegan 'Selesai'"});
  s.nodes[0].text = "";
  s.nodes[0].choices[0].text = "";
  assert.equal(model.problemPlace(s, {path: "nodes[0].choices[0]", node: "offer"}, strings).label,
               "Pilihan 'refuse' di adegan 'offer'");
  assert.deepEqual(model.problemPlace(s, {path: "competencies[0].weight"}, strings), {node: null, choice: null, label: ""});
  s.nodes[0].text = '"Pak, ini amplopnya."';
  s.nodes[0].choices[0].text = "“Mohon maaf, Pak.”";
  assert.equal(model.problemPlace(s, {path: "nodes[0].choices[0].target"}, strings).label,
               "Pilihan 'Mohon maaf, Pak.' di adegan 'Pak, ini amplopnya.'");
  const long = "x".repeat(80);
  s.nodes[0].text = long;
  assert.ok(model.problemPlace(s, {path: "nodes[0]"}, strings).label.length < 60);
});

test("a document edits a copy of what it is given, or takes it over when told so", () => {
  const given = scenario();
  const settings = {weight: 1};
  const copied = new model.Document(given, settings);
  copied.edit((s) => { s.title = "Changed"; });
  assert.notEqual(given.title, "Changed");
  assert.notEqual(copied.scenario, given);
  const owned = new model.Document(given, settings, true);
  assert.equal(owned.scenario, given);
  assert.equal(owned.settings, settings);
  owned.edit((s) => { s.title = "Taken over"; });
  assert.equal(owned.scenario.title, "Taken over");
  owned.undo();
  assert.equal(owned.scenario.title, scenario().title);
  // Nothing given: an empty document either way.
  assert.deepEqual(new model.Document(undefined, undefined, true).scenario, {});
});
