/* The role-play editor's other views: the problems list, the scenario and grading panels, the
 * text pane (YAML/JSON), the Twine import and the playtest. Each is a function of ctx (see
 * studio_inspector.js) and the element it draws into; changes go through ctx.edit. Adds
 * `panes` to ComplaintSimScenario. Needs client.js, scenario_model.js and studio_form.js first.
 */
(function (root) {
  "use strict";
  var ns = root.ComplaintSimScenario = root.ComplaintSimScenario || {};
  var model = ns.model;
  var el = TangerangXBlocks.el;
  var button = TangerangXBlocks.button;

  // A day ("YYYY-MM-DD") as the page's language writes it ("10 Februari 2026"), as the learner's
  // view does; the native date inputs beside it show the browser's format.
  function longDay(ctx, iso) {
    return TangerangXBlocks.dayText(iso, ctx.args.locale && ctx.args.locale.language, "long");
  }
  // The date an input holds, stated in the page's language under it (kept up to date).
  function dayNote(ctx, input, template) {
    var note = el("p", {"class": "cse-help cse-day-note", "aria-live": "polite"});
    var show = function () { note.textContent = input.value ? ctx.fmt(template, {date: longDay(ctx, input.value)}) : ""; };
    input.addEventListener("input", show);
    input.addEventListener("change", show);
    show();
    return {note: note, show: show};
  }

  // --- The problems list: each problem named by its node's and choice's own text ------------------
  function renderProblems(ctx, list, report) {
    var S = ctx.S, scenario = ctx.doc.scenario;
    var problems = report.problems || [];
    var byNode = {};
    list.textContent = "";
    if (!problems.length) { list.appendChild(el("li", {"class": "cse-ok", text: S.no_problems})); }
    problems.forEach(function (problem) {
      var place = model.problemPlace(scenario, problem, S);
      if (place.node) { byNode[place.node] = true; }
      var where = place.label || problem.path || "";
      list.appendChild(el("li", {"class": "cse-problem", "data-code": problem.code}, [
        where ? button(where, function () { ctx.goTo(problem, place.node); }, {"class": "cse-link"}) : null,
        el("span", {text: (where ? ": " : "") + problem.message})
      ]));
    });
    var removed = (report.impact && report.impact.removed_nodes) || [];
    if (removed.length && ctx.args.authored) {
      list.appendChild(el("li", {"class": "cse-impact", text: ctx.fmt(S.removed_nodes, {nodes: removed.join(", ")})}));
    }
    return byNode;
  }

  // --- Scenario panels -----------------------------------------------------------------------------
  function renderScenarioPane(ctx, pane) {
    var S = ctx.S, f = ctx.f, scenario = ctx.doc.scenario;
    var set = function (item, key, path, structural) {
      return function (v) { ctx.edit(function () { item[key] = v; }, structural ? null : path, structural); };
    };
    var redraw = function () { renderScenarioPane(ctx, pane); };
    pane.textContent = "";
    var general = el("fieldset", {"class": "cse-panel"}, [el("legend", {text: S.general})]);
    general.appendChild(f.field(S.scenario_id, f.input(scenario.id, function (v) {
      ctx.edit(function () { scenario.id = v.trim(); }, "scenario.id");
    }, {"data-path": "scenario.id"})));
    general.appendChild(f.field(S.scenario_title, f.input(scenario.title, set(scenario, "title", "scenario.title"),
                                                          {"data-path": "scenario.title"})));
    general.appendChild(f.field(S.situation, f.area(scenario.situation, set(scenario, "situation", "scenario.situation"),
                                                    {rows: 4, "data-path": "scenario.situation"})));
    var start = ctx.inspector.targetSelect(scenario.start, set(scenario, "start", "scenario.start", true), S.start);
    start.setAttribute("data-path", "scenario.start");
    general.appendChild(f.field(S.start, start));
    schemaFields(ctx, "scenario", ["max_steps", "story_date", "critical_cap"]).forEach(function (sf) {
      general.appendChild(schemaControl(ctx, scenario, "scenario", sf));
    });
    general.appendChild(f.field(S.feedback_mode, f.select([["immediate", S.feedback_immediate], ["debrief", S.feedback_debrief]],
      scenario.feedback || "immediate", set(scenario, "feedback", "scenario.feedback"), {"data-path": "scenario.feedback"})));
    general.appendChild(f.field(S.mood_variable, f.select([["", S.none]].concat((scenario.variables || []).map(function (v) {
      return [v.id, v.label || v.id];
    })), scenario.mood_variable || "", function (v) {
      ctx.edit(function () { if (v) { scenario.mood_variable = v; } else { delete scenario.mood_variable; } });
    }, {"data-path": "scenario.mood_variable"})));
    pane.appendChild(general);
    var persona = scenario.persona = scenario.persona || {};
    var pbox = el("fieldset", {"class": "cse-panel"}, [el("legend", {text: S.persona})]);
    [["name", S.persona_name], ["role", S.persona_role], ["wants", S.persona_wants]].forEach(function (pair) {
      pbox.appendChild(f.field(pair[1], f.input(persona[pair[0]], set(persona, pair[0], "persona." + pair[0]),
                                                {"data-path": "persona." + pair[0]})));
    });
    pane.appendChild(pbox);
    var taken = function (key) { return model.takenIn(scenario, key); };
    pane.appendChild(table(ctx, redraw, "competencies", S.competencies, [["id", S.id], ["label", S.label], ["weight", S.weight, "number"]],
                           function () { return {id: model.uniqueId("competency", taken("competencies")), label: "", weight: 1}; }));
    pane.appendChild(table(ctx, redraw, "variables", S.variables, [["id", S.id], ["label", S.label], ["min", S.min, "number"],
                                                                   ["max", S.max, "number"], ["initial", S.initial, "number"]],
                           function () { return {id: model.uniqueId("variable", taken("variables")), label: "", min: 0, max: 10, initial: 5}; }));
    pane.appendChild(table(ctx, redraw, "duties", S.duties_panel, [["id", S.id], ["label", S.label], ["points", S.points, "number"]],
                           function () { return {id: model.uniqueId("duty", taken("duties")), label: "", basis: [], points: 1}; }));
    pane.appendChild(dutyDetails(ctx, redraw));
  }
  // Per duty: critical, maladministration category and the legal basis, cited from the register.
  function dutyDetails(ctx, redraw) {
    var S = ctx.S, f = ctx.f, scenario = ctx.doc.scenario;
    var box = el("fieldset", {"class": "cse-panel cse-duty-details"}, [el("legend", {text: S.duty_basis_panel})]);
    var laws = ctx.args.register.laws, byId = {};
    laws.forEach(function (law) { byId[law.id] = law; });
    model.list(scenario, "duties").forEach(function (duty, i) {
      var path = "duties[" + i + "]";
      var row = el("div", {"class": "cse-duty-detail"}, [el("h4", {text: duty.label || duty.id})]);
      row.appendChild(schemaControl(ctx, duty, path, schemaFields(ctx, "duty", ["critical"])[0]));
      row.appendChild(f.field(S.maladministration, f.select([["", S.none]].concat(ctx.args.register.maladministration.map(function (m) {
        return [m.id, m.label];
      })), duty.maladministration || "", function (v) {
        ctx.edit(function () { if (v) { duty.maladministration = v; } else { delete duty.maladministration; } });
      }, {"data-path": path + ".maladministration"})));
      if (typeof duty.basis === "string") {  // a legacy text basis: one note
        duty.basis = duty.basis ? [{note: duty.basis}] : [];
      }
      var cites = el("ul", {"class": "cse-citations"});
      (duty.basis || []).forEach(function (c, k) {
        var where = path + ".basis[" + k + "]";
        var item = el("li");
        if (c.note !== undefined) {
          item.appendChild(f.field(S.citation_note, f.input(c.note, function (v) {
            ctx.edit(function () { c.note = v; }, where);
          }, {"data-path": where})));
        } else {
          var law = byId[c.law];
          item.appendChild(f.field(S.citation_law, f.select([["", S.no_target]].concat(laws.map(function (l) {
            return [l.id, l.name + " — " + (S["law_" + l.status] || l.status)];
          })), c.law || "", function (v) { ctx.edit(function () { c.law = v; }); redraw(); }, {"data-path": where + ".law"})));
          item.appendChild(f.field(S.citation_article, f.input(c.article, function (v) {
            ctx.edit(function () { if (v.trim()) { c.article = v; } else { delete c.article; } }, where + ".article");
          }, {"data-path": where + ".article"}), "cse-small"));
          if (law) {
            item.appendChild(el("p", {"class": "cse-help cse-law-" + law.status,
              text: law.title + " (" + (S["law_" + law.status] || law.status) +
                    (law.replaced_by ? " → " + law.replaced_by : "") + ")"}));
          }
        }
        item.appendChild(button(S.remove, function () { ctx.edit(function () { duty.basis.splice(k, 1); }); redraw(); },
                                {"class": "cse-danger"}));
        cites.appendChild(item);
      });
      row.appendChild(cites);
      row.appendChild(el("div", {"class": "cse-bar"}, [
        button(S.add_citation, function () { ctx.edit(function () { duty.basis.push({law: ""}); }); redraw(); },
               {"class": "cse-add-citation"}),
        button(S.add_note, function () { ctx.edit(function () { duty.basis.push({note: ""}); }); redraw(); })]));
      box.appendChild(row);
    });
    return box;
  }
  // Controls that follow from the scenario schema (complaint_sim_xblock/schema.py): bounds,
  // defaults and the kind of control come from there, the label from the strings.
  function schemaFields(ctx, part, names) {
    return (ctx.args.schema[part] || []).filter(function (sf) { return names.indexOf(sf.name) >= 0; });
  }
  function schemaControl(ctx, item, path, sf) {
    var S = ctx.S, f = ctx.f;
    var label = S[sf.name] || sf.name;
    var attrs = {"data-path": path + "." + sf.name};
    var set = function (v) {
      ctx.edit(function () {
        if (v === null || v === "" || (v === false && !sf.required)) { delete item[sf.name]; } else { item[sf.name] = v; }
      }, attrs["data-path"]);
    };
    if (sf.editor === "checkbox") {
      var box = el("input", {type: "checkbox", "data-path": attrs["data-path"]});
      box.checked = item[sf.name] === true;
      box.addEventListener("change", function () { set(box.checked); });
      return el("label", {"class": "cse-check"}, [box, document.createTextNode(" " + label)]);
    }
    if (sf.editor === "date") {
      attrs.type = "date";
      var dateInput = f.input(item[sf.name], function (v) { set(v.trim()); }, attrs);
      var dateField = f.field(label, dateInput, "cse-small");
      dateField.appendChild(dayNote(ctx, dateInput, S.date_is).note);
      return dateField;
    }
    if (sf.low !== null) { attrs.min = sf.low; }
    if (sf.high !== null) { attrs.max = sf.high; }
    attrs.step = sf.kind === "int" ? 1 : "any";
    attrs.placeholder = sf.default === null ? "" : String(sf.default);
    return f.field(label, f.numberInput(item[sf.name], set, attrs), "cse-small");
  }
  function table(ctx, redraw, key, title, columns, make) {
    var S = ctx.S, f = ctx.f, scenario = ctx.doc.scenario;
    var box = el("fieldset", {"class": "cse-panel cse-table", "data-table": key}, [el("legend", {text: title})]);
    box.appendChild(el("div", {"class": "cse-trow cse-thead"},
                       columns.map(function (c) { return el("span", {text: c[1]}); }).concat([el("span")])));
    model.list(scenario, key).forEach(function (item, i) {
      var row = el("div", {"class": "cse-trow"});
      columns.forEach(function (c) {
        var path = key + "[" + i + "]." + c[0];
        var control = c[2] === "number" ?
          f.numberInput(item[c[0]], function (v) { ctx.edit(function () { item[c[0]] = v; }, path); },
                        {"data-path": path, "aria-label": c[1], step: "any"}) :
          f.input(item[c[0]], function (v) { if (c[0] !== "id") { ctx.edit(function () { item[c[0]] = v; }, path); } },
                  {"data-path": path, "aria-label": c[1]});
        if (c[0] === "id") {
          control.addEventListener("change", function () {
            var value = control.value.trim(), old = item.id;
            if (!value || (value !== old && model.takenIn(scenario, key)(value))) { control.value = old; return; }
            ctx.edit(function (s) { item.id = value; model.renameRef(s, key, old, value); });
            redraw();
          });
        }
        row.appendChild(control);
      });
      row.appendChild(button(S.remove, function () { ctx.edit(function (s) { model.list(s, key).splice(i, 1); }); redraw(); },
                             {"class": "cse-danger"}));
      box.appendChild(row);
    });
    box.appendChild(button(S.add, function () { ctx.edit(function (s) { model.list(s, key).push(make()); }); redraw(); },
                           {"class": "cse-add-" + key}));
    return box;
  }

  // --- Grading settings ---------------------------------------------------------------------------
  function renderSettingsPane(ctx, pane) {
    var S = ctx.S, f = ctx.f, settings = ctx.doc.settings;
    var set = function (key) {
      return function (v) { ctx.edit(function () { settings[key] = v; }, "settings." + key); };
    };
    pane.textContent = "";
    var box = el("fieldset", {"class": "cse-panel"}, [el("legend", {text: S.tab_settings})]);
    box.appendChild(f.field(S.display_name, f.input(settings.display_name, set("display_name"),
                                                    {"data-path": "settings.display_name"})));
    box.appendChild(f.field(S.problem_weight, f.numberInput(settings.weight, set("weight"),
                                                            {min: 0, step: "any", "data-path": "settings.weight"}), "cse-small"));
    box.appendChild(f.field(S.max_attempts, f.numberInput(settings.max_attempts, set("max_attempts"),
                                                          {min: 0, step: 1, "data-path": "settings.max_attempts"}), "cse-small"));
    box.appendChild(f.field(S.grading_policy, f.select([["best", S.policy_best], ["last", S.policy_last]],
      settings.grading_policy, set("grading_policy"), {"data-path": "settings.grading_policy"})));
    pane.appendChild(box);
  }

  // A file input that loads the chosen file's text into ``textarea``.
  function fileInto(textarea, accept) {
    var file = el("input", {type: "file", accept: accept, "class": "cse-file"});
    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen) { return; }
      var reader = new FileReader();
      reader.onload = function () { textarea.value = String(reader.result); };
      reader.readAsText(chosen);
    });
    return file;
  }

  // --- Text mode ------------------------------------------------------------------------------------
  function renderTextPane(ctx, pane) {
    var S = ctx.S;
    pane.textContent = "";
    var text = el("textarea", {"class": "cse-text", rows: 24, spellcheck: "false", "aria-label": S.tab_text});
    var format = "yaml";
    function show(kind) {
      format = kind;
      ctx.post("editor_export", {scenario: ctx.doc.scenario, format: kind}).then(function (r) {
        if (r.ok) { text.value = r.data.text; } else { ctx.notice(ctx.errorText(r)); }
      });
    }
    var file = fileInto(text, ".yaml,.yml,.json,.txt");
    pane.appendChild(el("p", {"class": "cse-help", text: S.text_help}));
    pane.appendChild(el("div", {"class": "cse-bar"}, [
      button(S.show_yaml, function () { show("yaml"); }, {"class": "cse-show-yaml"}),
      button(S.show_json, function () { show("json"); }, {"class": "cse-show-json"}),
      button(S.apply_text, function () {
        ctx.post("editor_import_text", {text: text.value}).then(function (r) {
          if (!r.ok) { ctx.notice(ctx.errorText(r)); return; }
          ctx.replaceScenario(r.data.scenario, r.data);
          ctx.notice(S.text_applied, null, "stale");
        });
      }, {"class": "cse-apply-text"}),
      button(S.download, function () {
        var blob = new Blob([text.value], {type: format === "json" ? "application/json" : "text/yaml"});
        var link = el("a", {href: URL.createObjectURL(blob), download: (ctx.doc.scenario.id || "scenario") + "." + format});
        document.body.appendChild(link); link.click(); link.remove();
      }),
      el("label", {"class": "cse-file-label"}, [S.open_file + " ", file])
    ]));
    pane.appendChild(text);
    show("yaml");
  }

  // --- Twine import --------------------------------------------------------------------------------------
  function renderTwinePane(ctx, pane) {
    var S = ctx.S;
    if (pane.firstChild) { return; }
    var text = el("textarea", {"class": "cse-twee", rows: 14, spellcheck: "false", "aria-label": S.tab_twine});
    var result = el("div", {"class": "cse-twine-result", "aria-live": "polite"});
    var file = fileInto(text, ".twee,.tw,.txt");
    pane.appendChild(el("p", {"class": "cse-help", text: S.twine_help}));
    pane.appendChild(el("div", {"class": "cse-bar"}, [el("label", {"class": "cse-file-label"}, [S.open_file + " ", file])]));
    pane.appendChild(text);
    pane.appendChild(el("div", {"class": "cse-bar"}, [button(S.twine_import, function () {
      ctx.post("editor_import_twee", {text: text.value}).then(function (r) {
        result.textContent = "";
        if (!r.ok) { result.appendChild(el("p", {"class": "cse-error", text: ctx.errorText(r)})); return; }
        var data = r.data;
        result.appendChild(el("p", {text: ctx.fmt(S.twine_summary, {nodes: data.scenario.nodes.length, problems: data.problems.length})}));
        result.appendChild(button(S.twine_use, function () {
          ctx.replaceScenario(data.scenario, {problems: data.problems, max_score: data.max_score, model_route: [],
                                              impact: {removed_nodes: []}});
          ctx.showTab("map"); ctx.validateNow();
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

  // --- Playtest: the server plays the scenario in the editor; nothing here is saved ------------------
  function Playtest(ctx, box) {
    this.ctx = ctx;
    this.box = box;
    this.play = null;
  }
  Playtest.prototype.playing = function () { return this.play && this.play.run ? this.play.run.node : null; };
  Playtest.prototype.start = function (from) { return this.request({action: "start", from: from || null}); };
  Playtest.prototype.request = function (payload) {
    var self = this, ctx = this.ctx;
    payload.scenario = ctx.doc.scenario;
    return ctx.post("editor_playtest", payload).then(function (r) {
      ctx.showPlaytest(true);
      if (!r.ok) { self.renderError(r); return; }
      var previous = self.playing();
      self.play = r.data;
      if (previous) { ctx.map.mark(previous, "is-playing", false); }
      if (self.playing()) { ctx.map.mark(self.playing(), "is-playing", true); ctx.map.scrollTo(self.playing()); }
      self.render();
    });
  };
  Playtest.prototype.close = function () {
    if (this.playing()) { this.ctx.map.mark(this.playing(), "is-playing", false); }
    this.play = null;
    this.ctx.showPlaytest(false);
  };
  Playtest.prototype.header = function () {
    var self = this, S = this.ctx.S;
    return el("div", {"class": "cse-play-head"}, [
      el("h3", {text: S.playtest}),
      button(S.playtest_restart, function () { self.start(self.play && self.play.origin); }, {"class": "cse-play-restart"}),
      button(S.playtest_close, function () { self.close(); self.ctx.renderInspector(); }, {"class": "cse-play-close"})
    ]);
  };
  Playtest.prototype.renderError = function (r) {
    this.box.textContent = "";
    this.box.appendChild(this.header());
    this.box.appendChild(el("p", {"class": "cse-error", role: "alert", text: this.ctx.errorText(r)}));
    if (r.data && r.data.problems) { this.ctx.setProblems(r.data.problems); }
  };
  Playtest.prototype.render = function () {
    var self = this, ctx = this.ctx, S = ctx.S, fmt = ctx.fmt, play = this.play, box = this.box;
    box.textContent = "";
    box.appendChild(this.header());
    box.appendChild(el("p", {"class": "cse-help", text: S.playtest_note}));
    if (play.notice) { box.appendChild(el("p", {"class": "cse-warning", text: S[play.notice] || play.notice})); }
    var view = play.view;
    box.appendChild(el("p", {"class": "cse-step", text: fmt(S.step, {step: view.step + 1, max: view.max_steps})}));
    if (view.feedback) {
      box.appendChild(el("div", {"class": "cse-play-feedback"}, [el("strong", {text: view.feedback.choice}),
                                                                 el("p", {text: view.feedback.text})]));
    }
    if (play.debrief) {
      var ending = play.debrief.ending;
      box.appendChild(el("p", {"class": "cse-play-ending", text: ending.id === "__timeout__" ? S.playtest_timeout :
        fmt(S.playtest_finished, {title: ending.title, quality: S["quality_" + ending.quality] || ending.quality})}));
      if (ending.text) { box.appendChild(el("p", {text: ending.text})); }
    } else if (play.node) {
      var node = play.node;
      box.appendChild(el("div", {"class": "cse-play-node"}, [
        el("span", {"class": "cse-badge", text: node.id + " · " + (S["speaker_" + node.speaker] || "")}),
        el("p", {text: node.text})]));
      if (node.type === "dialogue") {
        var choices = el("div", {"class": "cse-play-choices"});
        node.choices.forEach(function (c) {
          choices.appendChild(el("div", {"class": "cse-play-choice" + (c.visible ? "" : " is-hidden")}, [
            button(c.text || c.id, function () {
              self.request({action: "choose", run: play.run, choice: c.id});
            }, {disabled: !c.visible, "data-choice": c.id}),
            el("span", {"class": "cse-play-meta", text: fmt(S.playtest_goes_to, {target: c.target}) + (c.model ? " ★" : "") +
              (c.visible ? "" : " · " + fmt(S.playtest_hidden, {condition: c.condition}))})
          ]));
        });
        box.appendChild(choices);
      } else if (node.type === "record") {
        box.appendChild(this.recordForm(node.record));
      } else if (node.type === "narration") {
        box.appendChild(button(S.playtest_next, function () { self.request({action: "next", run: play.run}); },
                               {"class": "cse-play-next"}));
      }
    }
    var vars = el("table", {"class": "cse-play-vars"}, [el("caption", {text: S.playtest_vars})]);
    play.variables.forEach(function (v) {
      vars.appendChild(el("tr", {}, [el("th", {scope: "row", text: v.label || v.id}),
                                     el("td", {text: v.value + " (" + v.min + "–" + v.max + ")"})]));
    });
    box.appendChild(vars);
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
    box.appendChild(sbox);
  };
  Playtest.prototype.recordForm = function (spec) {
    var self = this, ctx = this.ctx, S = ctx.S, f = ctx.f, L = ctx.L;
    var form = el("form", {"class": "cse-play-record"});
    var controls = {};
    L.record_fields.forEach(function (key) {
      controls[key] = f.select([["", S.choose]].concat(spec[key].options.map(function (o) { return [o, o]; })), "", function () {});
      form.appendChild(f.field(S[key], controls[key]));
    });
    var storyDate = spec.deadline_date ? ctx.doc.scenario.story_date : null;
    var chosen = null;
    if (spec.deadline_date) {  // a date, as the learner picks it, counted from the story date
      controls.deadline_days = el("input", {type: "date", min: storyDate || null});
      var deadline = f.field(S.deadline_date, controls.deadline_days);
      var hint = el("p", {"class": "cse-help", id: controls.deadline_days.id + "-hint",
        text: ctx.fmt(S.deadline_date_hint, {date: longDay(ctx, storyDate)})});
      controls.deadline_days.setAttribute("aria-describedby", hint.id);
      deadline.insertBefore(hint, controls.deadline_days);
      chosen = dayNote(ctx, controls.deadline_days, S.date_chosen);
      deadline.appendChild(chosen.note);
      form.appendChild(deadline);
    } else {
      controls.deadline_days = el("input", {type: "number", min: 0, max: 365});
      form.appendChild(f.field(S.deadline_days, controls.deadline_days));
    }
    controls.summary = el("textarea", {rows: 3});
    form.appendChild(f.field(S.summary, controls.summary));
    form.appendChild(el("div", {"class": "cse-bar"}, [
      button(S.playtest_fill, function () {
        L.record_fields.forEach(function (key) { controls[key].value = spec[key].expected; });
        controls.deadline_days.value = spec.deadline_date || spec.deadline_days.expected;
        if (chosen) { chosen.show(); }
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
        self.request({action: "record", run: self.play.run, record: record});
      }, {"class": "action-primary"})
    ]));
    return form;
  };

  ns.panes = {renderProblems: renderProblems, renderScenarioPane: renderScenarioPane, renderSettingsPane: renderSettingsPane,
              renderTextPane: renderTextPane, renderTwinePane: renderTwinePane, Playtest: Playtest};
}(window));
