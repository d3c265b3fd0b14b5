/* The node inspector of the role-play editor: the form for the selected node (dialogue and its
 * choices, narration, record step, ending). Every change goes through ctx.edit (one undoable
 * step of the model; typing into one field is one step). Adds `inspector` to
 * ComplaintSimScenario. Needs client.js, scenario_model.js and studio_form.js first.
 *
 * ctx: {S, L, doc (the model's Document), fmt, edit(change, key, structural), select(id),
 *       startConnect(nodeId, choiceIndex), startPlaytest(from), deleteNode(id), report(),
 *       updateNode(node)}
 */
(function (root) {
  "use strict";
  var ns = root.ComplaintSimScenario = root.ComplaintSimScenario || {};
  var model = ns.model;
  var el = TangerangXBlocks.el;

  function Inspector(ctx, box) {
    this.ctx = ctx;
    this.box = box;
    this.targetOptions = null;  // the <option>s of every node, built on first use after a change
    this.f = ns.form.controls(ctx);
  }
  Inspector.prototype.nodesChanged = function () { this.targetOptions = null; };

  // A node picker: only the current value at first; the full list of nodes is filled in on
  // first use, so selecting a node in a 500-node scenario does not build thousands of <option>s.
  Inspector.prototype.targetSelect = function (value, onchange, label) {
    var self = this, ctx = this.ctx, S = ctx.S;
    var box = el("select", {"aria-label": label});
    box.appendChild(el("option", {value: "", text: S.no_target}));
    if (value) { box.appendChild(el("option", {value: value, text: value})); }
    box.value = value || "";
    var filled = false;
    function fill() {
      if (filled) { return; }
      filled = true;
      var scenario = ctx.doc.scenario;
      if (!self.targetOptions) {
        self.targetOptions = document.createDocumentFragment();
        model.nodes(scenario).forEach(function (n) {
          if (n && n.id) { self.targetOptions.appendChild(el("option", {value: n.id, text: n.id})); }
        });
      }
      var current = box.value;
      box.textContent = "";
      box.appendChild(el("option", {value: "", text: S.no_target}));
      box.appendChild(self.targetOptions.cloneNode(true));
      if (current && !model.nodeById(scenario, current)) { box.appendChild(el("option", {value: current, text: current})); }
      box.value = current;
    }
    ["focus", "mousedown", "keydown", "touchstart"].forEach(function (name) { box.addEventListener(name, fill); });
    box.fill = fill;
    box.addEventListener("change", function () { onchange(box.value); });
    return box;
  };

  Inspector.prototype.renderMoodNote = function () {
    var ctx = this.ctx, S = ctx.S, scenario = ctx.doc.scenario;
    var box = this.box.querySelector(".cse-mood-note");
    if (!box) { return; }
    var report = ctx.report();
    var step = report.routeIndex && report.routeIndex[ctx.doc.selected];
    var mood = scenario.mood_variable;
    var variable = (scenario.variables || []).filter(function (v) { return v && v.id === mood; })[0];
    if (!step) { box.textContent = S.not_on_route; return; }
    box.textContent = variable ? ctx.fmt(S.mood_here, {label: variable.label || variable.id, value: step.vars[mood],
                                                       min: variable.min, max: variable.max}) : "";
  };

  Inspector.prototype.render = function () {
    var ctx = this.ctx, S = ctx.S, f = this.f, button = f.button, box = this.box;
    var scenario = ctx.doc.scenario;
    box.textContent = "";
    var node = ctx.doc.selected ? model.nodeById(scenario, ctx.doc.selected) : null;
    if (!node) { box.appendChild(el("p", {"class": "cse-empty", text: S.no_selection})); return; }
    var base = "nodes[" + model.nodes(scenario).indexOf(node) + "]";
    var idBox = f.input(node.id, function () {}, {"data-path": base + ".id", "class": "cse-node-id-input"});
    idBox.addEventListener("change", function () {
      var value = idBox.value.trim();
      if (!value || (value !== node.id && model.nodeById(scenario, value))) { idBox.value = node.id; return; }
      var old = node.id;
      ctx.edit(function (s) { model.renameNode(s, old, value); ctx.doc.selected = value; }, null, true);
      ctx.renderInspector();
    });
    box.appendChild(el("div", {"class": "cse-node-head"}, [
      el("h3", {text: S.node + ": " + node.id}),
      el("div", {"class": "cse-node-actions"}, [
        node.id === scenario.start ? el("span", {"class": "cse-badge", text: S.is_start}) :
          button(S.set_start, function () {
            ctx.edit(function (s) { s.start = node.id; }, null, true); ctx.renderInspector();
          }),
        button(S.duplicate, function () {
          var copy = ctx.edit(function (s) { var c = model.duplicateNode(s, node.id); ctx.doc.selected = c.id; return c; }, null, true);
          ctx.renderInspector(); ctx.scrollToNode(copy.id);
        }),
        button(S.delete, function () { ctx.deleteNode(node.id); }, {"class": "cse-danger"}),
        node.type !== "ending" ? button(S.playtest_here, function () { ctx.startPlaytest(node.id); }) : null
      ])
    ]));
    box.appendChild(f.field(S.node_id, idBox));
    box.appendChild(f.field(S.node_type, f.select(
      [["dialogue", S.type_dialogue], ["narration", S.type_narration], ["record", S.type_record], ["ending", S.type_ending]],
      node.type || "dialogue",
      function (value) { ctx.edit(function () { model.setType(node, value); }, null, true); ctx.renderInspector(); },
      {"data-path": base + ".type"})));
    if (node.type === "dialogue" || !node.type) { this.dialogue(node, base); }
    else if (node.type === "record") { this.record(node, base); }
    else if (node.type === "narration") { this.narration(node, base); }
    else { this.ending(node, base); }
  };

  // A text field of the node: one undo step per field while typing; the map's snippet follows.
  Inspector.prototype.textField = function (node, base, key, label, rows) {
    var ctx = this.ctx;
    return this.f.field(label, this.f.area(node[key], function (value) {
      ctx.edit(function () { node[key] = value; }, base + "." + key);
      ctx.updateNode(node);
    }, {rows: rows || 4, "data-path": base + "." + key}));
  };
  Inspector.prototype.setter = function (item, key, path, structural) {
    var ctx = this.ctx;
    return function (value) { ctx.edit(function () { item[key] = value; }, structural ? null : path, structural); };
  };

  // A narration step: speaker, text, the next node (the learner presses "Lanjut").
  Inspector.prototype.narration = function (node, base) {
    var ctx = this.ctx, S = ctx.S, f = this.f, box = this.box;
    box.appendChild(f.field(S.speaker, f.select([["narrator", S.speaker_narrator], ["citizen", S.speaker_citizen]],
      node.speaker || "narrator", this.setter(node, "speaker", base + ".speaker"), {"data-path": base + ".speaker"})));
    box.appendChild(this.textField(node, base, "text", S.text, 4));
    var next = this.targetSelect(node.next, this.setter(node, "next", base + ".next", true), S.next);
    next.setAttribute("data-path", base + ".next");
    box.appendChild(f.field(S.next, next));
    box.appendChild(el("p", {"class": "cse-help", text: S.narration_help}));
  };

  Inspector.prototype.dialogue = function (node, base) {
    var self = this, ctx = this.ctx, S = ctx.S, L = ctx.L, f = this.f;
    this.box.appendChild(f.field(S.speaker, f.select([["citizen", S.speaker_citizen], ["narrator", S.speaker_narrator]],
      node.speaker || "citizen", this.setter(node, "speaker", base + ".speaker"), {"data-path": base + ".speaker"})));
    this.box.appendChild(this.textField(node, base, "text", S.text, 4));
    this.box.appendChild(el("p", {"class": "cse-mood-note"}));
    this.renderMoodNote();
    var box = el("div", {"class": "cse-choices"}, [el("h4", {text: S.choices})]);
    node.choices = node.choices || [];
    node.choices.forEach(function (choice, i) { box.appendChild(self.choice(node, choice, i, base + ".choices[" + i + "]")); });
    box.appendChild(f.button(S.add_choice, function () {
      ctx.edit(function () { node.choices.push(model.newChoice(node)); }, null, false);
      ctx.renderInspector();
    }, {"class": "cse-add-choice", disabled: node.choices.length >= L.max_choices}));
    this.box.appendChild(box);
  };

  Inspector.prototype.choice = function (node, choice, i, base) {
    var self = this, ctx = this.ctx, S = ctx.S, L = ctx.L, f = this.f, button = f.button;
    var wrap = el("fieldset", {"class": "cse-choice", "data-choice": i});
    wrap.appendChild(el("legend", {text: ctx.fmt(S.choice, {n: i + 1}) + (choice.model ? " ★" : "")}));
    wrap.appendChild(f.field(S.choice_text, f.area(choice.text, this.setter(choice, "text", base + ".text"),
                                                   {rows: 2, "data-path": base + ".text", "class": "cse-choice-text"})));
    var target = this.targetSelect(choice.target, this.setter(choice, "target", base + ".target", true), S.target);
    target.setAttribute("data-path", base + ".target");
    target.classList.add("cse-target");
    wrap.appendChild(el("div", {"class": "cse-field cse-target-row"}, [
      el("label", {text: S.target}), target,
      button(S.pick_on_map, function () { ctx.startConnect(node.id, i); }, {"class": "cse-pick"}),
      button(S.new_target, function () {
        ctx.edit(function (s) { choice.target = model.addNode(s, "dialogue").id; }, null, true);
        ctx.renderInspector();
      }, {"class": "cse-new-target"})
    ]));
    // The folded part (id, feedback, points, changes, duties, condition, recommended) is built
    // when it is first opened: selecting a node with four choices then builds a quarter of the
    // form, and a selection stays within the 500-node budget (tests/bench_editor.py).
    var summary = el("summary", {text: S.scores + " · " + S.effects + " · " + S.duties + " · " + S.condition_short});
    var details = el("details", {"class": "cse-more", "data-base": base}, [summary]);
    var filled = false;
    function fill() {
      if (filled) { return; }
      filled = true;
      self.choiceMore(details, node, choice, base);
    }
    summary.addEventListener("click", fill);  // before the details open, so their content is there at once
    details.addEventListener("toggle", fill);
    details.fill = fill;
    wrap.appendChild(details);
    wrap.appendChild(el("div", {"class": "cse-row-actions"}, [
      button(S.move_up, function () { self.move(node.choices, i, -1); }, {disabled: i === 0}),
      button(S.move_down, function () { self.move(node.choices, i, 1); }, {disabled: i === node.choices.length - 1}),
      button(S.duplicate, function () {
        ctx.edit(function () {
          var copy = model.clone(choice);
          copy.id = model.newChoice(node).id; delete copy.model;
          node.choices.splice(i + 1, 0, copy);
        }, null, true);
        ctx.renderInspector();
      }, {disabled: node.choices.length >= L.max_choices}),
      button(S.delete, function () {
        ctx.edit(function () { node.choices.splice(i, 1); }, null, true); ctx.renderInspector();
      }, {"class": "cse-danger"})
    ]));
    return wrap;
  };
  // The folded part of a choice, into `details`.
  Inspector.prototype.choiceMore = function (details, node, choice, base) {
    var ctx = this.ctx, S = ctx.S, f = this.f;
    var scenario = ctx.doc.scenario;
    var idBox = f.input(choice.id, function (v) { ctx.edit(function () { choice.id = v.trim(); }, base + ".id"); },
                        {"data-path": base + ".id"});
    details.appendChild(f.field(S.choice_id, idBox));
    details.appendChild(f.field(S.feedback, f.area(choice.feedback, this.setter(choice, "feedback", base + ".feedback"),
                                                   {rows: 2, "data-path": base + ".feedback"})));
    details.appendChild(this.amounts(S.scores, scenario.competencies, choice, "scores", base));
    details.appendChild(this.amounts(S.effects, scenario.variables, choice, "effects", base));
    var duties = el("div", {"class": "cse-grid"}, [el("span", {"class": "cse-grid-title", text: S.duties})]);
    (scenario.duties || []).forEach(function (duty) {
      if (!duty || !duty.id) { return; }
      var state = (choice.fulfils || []).indexOf(duty.id) >= 0 ? "fulfils" :
                  (choice.breaches || []).indexOf(duty.id) >= 0 ? "breaches" : "";
      duties.appendChild(f.field(duty.label || duty.id, f.select(
        [["", S.duty_none], ["fulfils", S.duty_fulfils], ["breaches", S.duty_breaches]], state, function (v) {
          ctx.edit(function () {
            choice.fulfils = (choice.fulfils || []).filter(function (d) { return d !== duty.id; });
            choice.breaches = (choice.breaches || []).filter(function (d) { return d !== duty.id; });
            if (v) { choice[v].push(duty.id); }
          });
        }, {"data-path": base + ".fulfils"})));
    });
    details.appendChild(duties);
    details.appendChild(f.conditionEditor(choice.condition, scenario.variables, function (text) {
      ctx.edit(function () { if (text) { choice.condition = text; } else { delete choice.condition; } }, base + ".condition");
    }, base + ".condition"));
    var modelBox = el("input", {type: "checkbox", checked: !!choice.model});
    modelBox.addEventListener("change", function () {
      ctx.edit(function () {
        if (modelBox.checked) { node.choices.forEach(function (c) { delete c.model; }); choice.model = true; }
        else { delete choice.model; }
      });
      ctx.renderInspector();
    });
    details.appendChild(f.field(S.model, modelBox, "cse-check"));
  };
  Inspector.prototype.move = function (items, i, delta) {
    var ctx = this.ctx;
    if (i + delta < 0 || i + delta >= items.length) { return; }
    ctx.edit(function () { model.moveItem(items, i, delta); });
    ctx.renderInspector();
  };
  Inspector.prototype.amounts = function (title, defs, choice, key, base) {
    var ctx = this.ctx, f = this.f;
    var grid = el("div", {"class": "cse-grid"}, [el("span", {"class": "cse-grid-title", text: title})]);
    choice[key] = choice[key] || {};
    (defs || []).forEach(function (def) {
      if (!def || !def.id) { return; }
      var path = base + "." + key + "." + def.id;
      grid.appendChild(f.field(def.label || def.id, f.numberInput(choice[key][def.id], function (v) {
        ctx.edit(function () { if (v === null || v === 0) { delete choice[key][def.id]; } else { choice[key][def.id] = v; } }, path);
      }, {step: 1, "data-path": path}), "cse-small"));
    });
    return grid;
  };
  Inspector.prototype.record = function (node, base) {
    var self = this, ctx = this.ctx, S = ctx.S, f = this.f;
    node.record = node.record || model.emptyRecord();
    this.box.appendChild(this.textField(node, base, "text", S.text, 3));
    var next = this.targetSelect(node.next, this.setter(node, "next", base + ".next", true), S.next);
    next.setAttribute("data-path", base + ".next");
    this.box.appendChild(el("div", {"class": "cse-field cse-target-row"}, [
      el("label", {text: S.next}), next,
      f.button(S.pick_on_map, function () { ctx.startConnect(node.id, -1); }, {"class": "cse-pick"})]));
    this.box.appendChild(this.textField(node, base, "feedback", S.feedback, 2));
    var box = el("fieldset", {"class": "cse-record"}, [el("legend", {text: S.record_expected})]);
    ctx.L.record_fields.forEach(function (key) {
      var spec = node.record[key] = node.record[key] || {options: [], expected: ""};
      var path = base + ".record." + key;
      var expected = f.select([["", S.choose]].concat((spec.options || []).map(function (o) { return [o, o]; })),
                              spec.expected, self.setter(spec, "expected", path + ".expected"), {"data-path": path + ".expected"});
      var options = f.area((spec.options || []).join("\n"), function (v) {
        ctx.edit(function () { spec.options = v.split("\n").map(function (o) { return o.trim(); }).filter(Boolean); },
                 path + ".options");
      }, {rows: 3, "data-path": path + ".options"});
      options.addEventListener("change", function () { ctx.renderInspector(); });
      box.appendChild(el("div", {"class": "cse-record-field"}, [
        el("h5", {text: S[key]}), f.field(S.options_hint, options), f.field(S.expected, expected)]));
    });
    var deadline = node.record.deadline_days = node.record.deadline_days || {expected: 5, tolerance: 0};
    box.appendChild(f.field(S.deadline_days, f.numberInput(deadline.expected, this.setter(deadline, "expected", base + ".record.deadline_days"),
                                                           {"data-path": base + ".record.deadline_days"}), "cse-small"));
    box.appendChild(f.field(S.tolerance, f.numberInput(deadline.tolerance, this.setter(deadline, "tolerance", base + ".record.tolerance")),
                            "cse-small"));
    var summary = node.record.summary = node.record.summary || {min_words: 5, keywords: []};
    box.appendChild(f.field(S.summary_min_words, f.numberInput(summary.min_words, this.setter(summary, "min_words", base + ".record.summary"),
                                                               {"data-path": base + ".record.summary"}), "cse-small"));
    box.appendChild(f.field(S.summary_keywords, f.area((summary.keywords || []).map(function (g) {
      return (Array.isArray(g) ? g : [g]).join(", ");
    }).join("\n"), function (v) {
      ctx.edit(function () {
        summary.keywords = v.split("\n").map(function (line) {
          return line.split(",").map(function (w) { return w.trim(); }).filter(Boolean);
        }).filter(function (g) { return g.length; });
      }, base + ".record.summary.keywords");
    }, {rows: 3})));
    this.box.appendChild(box);
  };
  Inspector.prototype.ending = function (node, base) {
    var ctx = this.ctx, S = ctx.S, f = this.f;
    this.box.appendChild(f.field(S.title, f.input(node.title, function (v) {
      ctx.edit(function () { node.title = v; }, base + ".title"); ctx.updateNode(node);
    }, {"data-path": base + ".title"})));
    this.box.appendChild(this.textField(node, base, "text", S.text, 4));
    this.box.appendChild(f.field(S.quality, f.select(
      [["good", S.quality_good], ["fair", S.quality_fair], ["poor", S.quality_poor]], node.quality || "fair",
      this.setter(node, "quality", base + ".quality"), {"data-path": base + ".quality"})));
  };

  ns.inspector = {Inspector: Inspector};
}(window));
