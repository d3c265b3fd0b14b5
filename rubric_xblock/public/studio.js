/* The rubric_reflection Studio editor: prompt, limits, steps, role-play link and rubric, with
 * live validation by the server and a preview of what the learner sees. Vanilla JS, no build
 * step, no network beyond the block's own handlers. Every string comes translated from the
 * server (args.strings); the prompt preview is HTML the server has sanitised.
 */
function RubricReflectionEditor(runtime, element, args) {
  "use strict";
  // Init data comes from the block's own escaped <script type="application/json"> (the server
  // never puts author or learner text into the runtime's init arguments).
  args = JSON.parse((element.jquery ? element[0] : element).querySelector('script[type="application/json"]').textContent);
  var root = element.jquery ? element[0] : element;
  var ed = root.querySelector(".rre") || root;
  var S = args.strings, LS = args.learner_strings, L = args.limits;
  var data = clone(args.reflection);
  var savedRubric = JSON.stringify(strip(data.rubric));
  var report = {problems: [], warnings: [], prompt_html: args.prompt_html, points_possible: null, max_score: null,
                rubric_version: args.rubric_version, current_rubric_version: args.rubric_version,
                version_changed: false, impact: null};
  var validateTimer = null, validateSeq = 0, uid = 0;
  var problemList = ed.querySelector(".rre-problem-list");
  var problemCount = ed.querySelector(".rre-problem-count");
  var noticeBox = ed.querySelector(".rre-notice");
  var liveBox = ed.querySelector(".rre-sr");
  var preview = ed.querySelector(".rre-preview-body");
  if (!Array.isArray((data.rubric || {}).criteria)) { data.rubric = {criteria: []}; }

  // --- Small helpers -----------------------------------------------------------------------
  function clone(value) { return JSON.parse(JSON.stringify(value)); }
  function strip(value) {  // drop editor-only keys (those starting with "_")
    return JSON.parse(JSON.stringify(value, function (key, v) { return key.charAt(0) === "_" ? undefined : v; }));
  }
  // Numbers in the page's language (args.locale), never the browser's.
  var num = TangerangXBlocks.numberFormat(args.locale && args.locale.language);
  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, key) {
      var value = values[key];
      if (value === undefined || value === null) { return m; }
      return num(value);
    });
  }
  function nid(prefix) { uid += 1; return "rre-" + (prefix || "f") + "-" + uid; }
  var el = TangerangXBlocks.el;  // xblock_json_contract/public/client.js (shared by both blocks)
  var clear = TangerangXBlocks.clear;
  var button = TangerangXBlocks.button;
  function notice(text, bad) {
    noticeBox.textContent = text || "";
    noticeBox.className = "rre-notice" + (bad ? " rre-bad" : "");
  }
  function announce(text) { liveBox.textContent = ""; window.setTimeout(function () { liveBox.textContent = text; }, 30); }
  function post(handler, payload) {
    return TangerangXBlocks.postJson(runtime, root, handler, payload, S.offline);
  }
  function errorText(result) { return (result.data && result.data.error && result.data.error.message) || S.error; }
  // A number box's value: a whole number when it is one, "" when empty, else the raw text
  // (the server then reports it in place).
  function numberOf(input) {
    var text = input.value.trim();
    if (text === "") { return ""; }
    return /^\d+$/.test(text) ? parseInt(text, 10) : text;
  }
  function candidate() { return strip(data); }

  // --- Form fields ---------------------------------------------------------------------------
  function field(label, control, help) {
    var id = control.id || nid();
    control.id = id;
    var kids = [el("label", {"for": id, text: label}), control];
    if (help) {
      var helpId = nid("h");
      kids.push(el("p", {"class": "rre-help", id: helpId, text: help}));
      control.setAttribute("aria-describedby", helpId);
    }
    return el("div", {"class": "rre-field"}, kids);
  }
  function textInput(path, value, onchange, attrs) {
    return el("input", Object.assign({type: "text", "data-path": path, value: value === null || value === undefined ? "" : value,
      oninput: function (e) { onchange(e.target.value); changed(false); }}, attrs || {}));
  }
  function numberInput(path, value, onchange, attrs) {
    return el("input", Object.assign({type: "text", inputmode: "numeric", "data-path": path, "class": "rre-num",
      value: value === null || value === undefined ? "" : String(value),
      oninput: function (e) { onchange(numberOf(e.target)); changed(false); }}, attrs || {}));
  }
  function checkbox(path, label, value, onchange) {
    var id = nid();
    return el("div", {"class": "rre-field rre-check"}, [
      el("input", {type: "checkbox", id: id, "data-path": path, checked: !!value,
                   onchange: function (e) { onchange(e.target.checked); changed(false); }}),
      el("label", {"for": id, text: label})
    ]);
  }

  function renderGeneral() {
    var box = clear(ed.querySelector(".rre-general"));
    box.appendChild(field(S.display_name, textInput("display_name", data.display_name, function (v) { data.display_name = v; },
      {maxlength: 255})));
    var prompt = el("textarea", {"data-path": "prompt", rows: 8, "class": "rre-code", maxlength: L.max_prompt,
      oninput: function (e) { data.prompt = e.target.value; changed(false); }});
    prompt.value = data.prompt || "";
    box.appendChild(field(S.prompt, prompt, S.prompt_help));
    box.appendChild(el("p", {"class": "rre-prompt-note rre-warn", hidden: true, text: S.prompt_changed}));
  }
  function renderWriting() {
    var box = clear(ed.querySelector(".rre-writing"));
    box.appendChild(el("div", {"class": "rre-row"}, [
      field(S.min_words, numberInput("min_words", data.min_words, function (v) { data.min_words = v; })),
      field(S.max_words, numberInput("max_words", data.max_words, function (v) { data.max_words = v; }))
    ]));
  }
  function renderGrading() {
    var box = clear(ed.querySelector(".rre-grading"));
    box.appendChild(checkbox("self_assessment", S.self_assessment, data.self_assessment, function (v) { data.self_assessment = v; }));
    box.appendChild(checkbox("staff_assessment", S.staff_assessment, data.staff_assessment, function (v) { data.staff_assessment = v; }));
    var release = el("select", {"data-path": "grade_release", onchange: function (e) { data.grade_release = e.target.value; changed(false); }},
      L.release_modes.map(function (mode) {
        return el("option", {value: mode, text: S["release_" + mode], selected: data.grade_release === mode});
      }));
    release.value = data.grade_release;
    box.appendChild(field(S.grade_release, release));
    box.appendChild(field(S.weight, numberInput("weight", data.weight === null || data.weight === undefined ? "" : Math.round(data.weight),
      function (v) { data.weight = v === "" ? null : v; })));
    renderGradingScale(box);
  }
  // Who grades, peer review, training, the agreement sample, appeals: each with its range.
  function renderGradingScale(box) {
    var limits = L.grading_limits || {};
    box.appendChild(el("h4", {text: S.grading_scale}));
    var mode = el("select", {"data-path": "grading_mode", onchange: function (e) { data.grading_mode = e.target.value; changed(false); }},
      (L.grading_modes || []).map(function (m) { return el("option", {value: m, text: S["mode_" + m], selected: data.grading_mode === m}); }));
    mode.value = data.grading_mode;
    box.appendChild(field(S.grading_mode, mode));
    function numberField(name) {
      var range = limits[name] || [0, 0];
      return field(S[name], numberInput(name, data[name], function (v) { data[name] = v; }), fmt(S.range, {low: range[0], high: range[1]}));
    }
    box.appendChild(el("div", {"class": "rre-row"}, [numberField("peer_count"), numberField("peer_minimum")]));
    box.appendChild(checkbox("peer_training", S.peer_training, data.peer_training, function (v) { data.peer_training = v; }));
    ["training_tolerance", "peer_expiry_hours", "agreement_share", "appeal_days", "appeal_staff_days"].forEach(function (name) {
      box.appendChild(numberField(name));
    });
  }
  function renderLinked() {
    var box = clear(ed.querySelector(".rre-linked"));
    var options = args.roleplays || [];
    var known = options.some(function (r) { return r.id === data.linked_simulation; });
    var typed = textInput("linked_simulation", data.linked_simulation, function (v) { data.linked_simulation = v.trim(); },
      {maxlength: 255, spellcheck: "false"});
    var typedField = field(S.linked_id, typed, options.length ? null : S.linked_none_found);
    box.appendChild(el("p", {"class": "rre-help", text: S.linked_help}));
    if (options.length) {
      var select = el("select", {"class": "rre-linked-select", onchange: function (e) {
        if (e.target.value === "__other__") { typedField.hidden = false; typed.focus(); return; }
        typedField.hidden = true;
        data.linked_simulation = e.target.value; typed.value = e.target.value; changed(false);
      }}, [el("option", {value: "", text: S.linked_none})].concat(options.map(function (r) {
        return el("option", {value: r.id, text: r.name + " — " + r.id});
      })).concat([el("option", {value: "__other__", text: S.linked_other})]));
      select.value = !data.linked_simulation ? "" : (known ? data.linked_simulation : "__other__");
      box.appendChild(field(S.linked, select));
      typedField.hidden = !data.linked_simulation || known;
    }
    box.appendChild(typedField);
  }

  // --- Rubric ---------------------------------------------------------------------------------------
  function criteria() { return data.rubric.criteria; }
  function freshId(prefix, taken) {
    for (var n = 1; ; n += 1) { if (taken.indexOf(prefix + n) < 0) { return prefix + n; } }
  }
  function newLevels() {
    return [{id: "level-1", label: S.new_level + " 1", description: "", points: 0},
            {id: "level-2", label: S.new_level + " 2", description: "", points: 1}];
  }
  function nameOf(item, fallback) { return "“" + ((item.label || "").trim() || fallback) + "”"; }
  function move(list, index, delta) {
    var to = index + delta;
    if (to < 0 || to >= list.length) { return -1; }
    var item = list.splice(index, 1)[0];
    list.splice(to, 0, item);
    return to;
  }
  // Re-render the rubric and put the focus back on the control the author used (or, when that
  // one is now disabled, such as "move up" at the top, on the next candidate).
  function rerenderRubric(focusKeys) {
    renderCriteria();
    changed(true);
    if (!focusKeys) { return; }
    var keys = [].concat(focusKeys);
    for (var i = 0; i < keys.length; i += 1) {
      var target = ed.querySelector('[data-focus="' + keys[i] + '"]');
      if (target && !target.disabled) { target.focus(); return; }
    }
    ed.querySelector(".rre-add-criterion").focus();
  }
  function actions(list, index, label, keyPrefix, onDelete) {
    return el("div", {"class": "rre-actions"}, [
      button("↑", function () {
        var to = move(list, index, -1);
        if (to >= 0) { announce(fmt(S.moved, {name: label, n: to + 1})); rerenderRubric([keyPrefix(to) + "-up", keyPrefix(to) + "-down"]); }
      }, {"aria-label": fmt(S.move_up_named, {name: label}), title: S.move_up, disabled: index === 0,
          "data-focus": keyPrefix(index) + "-up"}),
      button("↓", function () {
        var to = move(list, index, 1);
        if (to >= 0) { announce(fmt(S.moved, {name: label, n: to + 1})); rerenderRubric([keyPrefix(to) + "-down", keyPrefix(to) + "-up"]); }
      }, {"aria-label": fmt(S.move_down_named, {name: label}), title: S.move_down, disabled: index === list.length - 1,
          "data-focus": keyPrefix(index) + "-down"}),
      button(S.delete, function () {
        if (!window.confirm(fmt(S.confirm_delete, {name: label}))) { return; }
        list.splice(index, 1);
        if (onDelete) { onDelete(); }
        announce(fmt(S.deleted, {name: label}));
        rerenderRubric(list.length ? keyPrefix(Math.min(index, list.length - 1)) + "-del" : null);
      }, {"aria-label": fmt(S.delete_named, {name: label}), "class": "rre-danger", "data-focus": keyPrefix(index) + "-del"})
    ]);
  }
  function renderLevel(criterion, ci, level, li) {
    var base = "rubric.criteria[" + ci + "].levels[" + li + "]";
    var label = nameOf(level, fmt(S.level_n, {n: li + 1}));
    var description = el("textarea", {"data-path": base + ".description", rows: 1, maxlength: L.max_description,
      oninput: function (e) { level.description = e.target.value; changed(false); }});
    description.value = level.description || "";
    return el("li", {"class": "rre-level", "data-path": base}, [
      el("div", {"class": "rre-level-grid"}, [
        field(fmt(S.level_n, {n: li + 1}) + " · " + S.label, textInput(base + ".label", level.label,
          function (v) { level.label = v; }, {maxlength: L.max_label})),
        field(S.points, numberInput(base + ".points", level.points, function (v) { level.points = v; })),
        field(S.id, textInput(base + ".id", level.id, function (v) { level.id = v.trim(); },
          {maxlength: 64, spellcheck: "false", "class": "rre-id"})),
        actions(criterion.levels, li, label, function (i) { return "c" + ci + "-l" + i; })
      ]),
      field(S.description, description)
    ]);
  }
  function renderCriterion(criterion, ci) {
    var base = "rubric.criteria[" + ci + "]";
    var title = fmt(S.criterion_n, {n: ci + 1});
    var label = nameOf(criterion, title);
    if (!Array.isArray(criterion.levels)) { criterion.levels = []; }
    var description = el("textarea", {"data-path": base + ".description", rows: 2, maxlength: L.max_description,
      oninput: function (e) { criterion.description = e.target.value; changed(false); }});
    description.value = criterion.description || "";
    var feedbackOnly = !criterion.levels.length;
    var levelsBox = el("div", {"class": "rre-levels-box", "data-path": base + ".levels", hidden: feedbackOnly}, [
      el("ol", {"class": "rre-levels"}, criterion.levels.map(function (level, li) { return renderLevel(criterion, ci, level, li); })),
      button(S.add_level, function () {
        var taken = criterion.levels.map(function (l) { return l.id; });
        var top = criterion.levels.reduce(function (m, l) { return typeof l.points === "number" && l.points > m ? l.points : m; }, -1);
        criterion.levels.push({id: freshId("level-", taken), label: S.new_level + " " + (criterion.levels.length + 1),
                               description: "", points: top + 1});
        rerenderRubric("c" + ci + "-l" + (criterion.levels.length - 1) + "-label");
      }, {"class": "rre-add-level", disabled: criterion.levels.length >= L.max_levels, "data-focus": "c" + ci + "-addlevel"})
    ]);
    var fieldset = el("fieldset", {"class": "rre-criterion", "data-index": ci}, [
      el("legend", {text: title + (criterion.label ? " · " + criterion.label : "")}),
      el("div", {"class": "rre-crit-grid"}, [
        field(S.label, textInput(base + ".label", criterion.label, function (v) { criterion.label = v; }, {maxlength: L.max_label})),
        field(S.id, textInput(base + ".id", criterion.id, function (v) { criterion.id = v.trim(); },
          {maxlength: 64, spellcheck: "false", "class": "rre-id"})),
        actions(criteria(), ci, label, function (i) { return "c" + i; })
      ]),
      field(S.description, description),
      checkbox(base + ".feedback_only", S.feedback_only, feedbackOnly, function (on) {
        if (on) { criterion._levels = criterion.levels; criterion.levels = []; }
        else { criterion.levels = criterion._levels && criterion._levels.length ? criterion._levels : newLevels(); }
        rerenderRubric("c" + ci + "-fb");
      }),
      levelsBox
    ]);
    var box = fieldset.querySelector('[data-path="' + base + '.feedback_only"]');
    box.setAttribute("data-focus", "c" + ci + "-fb");
    fieldset.querySelectorAll(".rre-level").forEach(function (li, index) {
      var input = li.querySelector('[data-path$=".label"]');
      if (input) { input.setAttribute("data-focus", "c" + ci + "-l" + index + "-label"); }
    });
    var critLabel = fieldset.querySelector('[data-path="' + base + '.label"]');
    critLabel.setAttribute("data-focus", "c" + ci + "-label");
    return fieldset;
  }
  function renderCriteria() {
    var box = clear(ed.querySelector(".rre-criteria"));
    box.setAttribute("data-path", "rubric.criteria");
    criteria().forEach(function (criterion, ci) { box.appendChild(renderCriterion(criterion, ci)); });
    ed.querySelector(".rre-add-criterion").disabled = criteria().length >= L.max_criteria;
  }
  ed.querySelector(".rre-add-criterion").addEventListener("click", function () {
    var taken = criteria().map(function (c) { return c.id; });
    criteria().push({id: freshId("criterion-", taken), label: S.new_criterion, description: "", levels: newLevels()});
    rerenderRubric("c" + (criteria().length - 1) + "-label");
  });

  // --- Preview: the learner's page as the learner will see it ----------------------------------
  function renderPreview() {
    var box = clear(preview);
    var block = el("div", {"class": "rr-block rre-learner"});
    block.appendChild(el("h3", {"class": "rr-title", text: data.display_name || ""}));
    var prompt = el("div", {"class": "rr-prompt"});
    prompt.innerHTML = report.prompt_html || "";  // sanitised by the server (bleach allow-list)
    block.appendChild(prompt);
    if (data.linked_simulation) { block.appendChild(el("p", {"class": "rr-note", text: S.preview_sim})); }
    var rubricBox = el("details", {"class": "rr-rubric", open: true}, [el("summary", {text: LS.rubric})]);
    criteria().forEach(function (c) {
      var kids = [el("h4", {text: c.label || ""})];
      if (c.description) { kids.push(el("p", {"class": "rr-desc", text: c.description})); }
      if (c.levels && c.levels.length) {
        kids.push(el("ul", {"class": "rr-levels"}, c.levels.map(function (l) {
          return el("li", {}, [el("strong", {text: l.label || ""}), " ", el("span", {"class": "rr-pts", text: "(" + l.points + ")"}),
            l.description ? ": " + l.description : ""]);
        })));
      } else { kids.push(el("p", {"class": "rr-desc"}, [el("em", {text: LS.feedback_only})])); }
      rubricBox.appendChild(el("div", {"class": "rr-criterion"}, kids));
    });
    block.appendChild(rubricBox);
    var area = el("textarea", {rows: 4, disabled: true, "aria-label": LS.your_text});
    block.appendChild(el("div", {}, [el("p", {"class": "rr-h", text: LS.your_text}), area,
      el("p", {"class": "rr-count", text: fmt(LS.words, {count: 0}) + " " + fmt(LS.limits, {min: data.min_words, max: data.max_words})}),
      el("button", {type: "button", "class": "rr-primary", disabled: true, text: LS.submit})]));
    var steps = [];
    if (data.self_assessment) { steps.push(S.step_self); }
    if (data.staff_assessment) { steps.push(S.step_staff); }
    if (steps.length) { block.appendChild(el("p", {"class": "rr-small", text: fmt(S.preview_steps, {steps: steps.join(", ")})})); }
    box.appendChild(block);
  }

  // --- Validation report -----------------------------------------------------------------------
  function findField(path) {
    var probe = path;
    while (probe) {
      var node = ed.querySelector('.rre-form [data-path="' + probe + '"]');
      if (node) { return node; }
      var cut = Math.max(probe.lastIndexOf("."), probe.lastIndexOf("["));
      probe = cut > 0 ? probe.slice(0, cut) : "";
    }
    return null;
  }
  function goTo(problem) {
    var node = findField(problem.path);
    if (!node) { return; }
    if (node.hidden && node.parentNode) { node = node.parentNode; }
    node.scrollIntoView({block: "center"});
    var focusable = node.matches("input, select, textarea, button") ? node : node.querySelector("input, select, textarea, button");
    if (focusable) { focusable.focus(); }
  }
  function renderReport() {
    Array.prototype.forEach.call(ed.querySelectorAll(".rre-field-error"), function (n) { n.remove(); });
    Array.prototype.forEach.call(ed.querySelectorAll("[aria-invalid]"), function (n) {
      n.removeAttribute("aria-invalid");
      var kept = (n.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id.indexOf("rre-e-") !== 0; });
      if (kept.length) { n.setAttribute("aria-describedby", kept.join(" ")); } else { n.removeAttribute("aria-describedby"); }
    });
    var problems = report.problems || [], warnings = report.warnings || [];
    problems.concat(warnings).forEach(function (problem, index) {
      var node = findField(problem.path);
      if (!node) { return; }
      var id = "rre-e-" + index;
      var message = el("p", {"class": "rre-field-error" + (index >= problems.length ? " rre-warn" : ""), id: id, text: problem.message});
      if (node.matches("input, select, textarea")) {
        if (index < problems.length) { node.setAttribute("aria-invalid", "true"); }
        node.setAttribute("aria-describedby", ((node.getAttribute("aria-describedby") || "") + " " + id).trim());
        // In a row of narrow fields (a level, a criterion's head) the message goes under the row.
        var row = node.closest(".rre-level-grid, .rre-crit-grid");
        if (row) { row.parentNode.insertBefore(message, row.nextSibling); }
        else { (node.closest(".rre-field") || node).appendChild(message); }
      } else {
        node.insertBefore(message, node.firstChild);
      }
    });
    clear(problemList);
    if (!problems.length) { problemList.appendChild(el("li", {"class": "rre-ok", text: S.no_problems})); }
    problems.concat(warnings).forEach(function (problem, index) {
      problemList.appendChild(el("li", {"class": index < problems.length ? "rre-problem" : "rre-problem rre-warn"}, [
        button(S.show, function () { goTo(problem); }, {"class": "rre-link", "aria-label": S.show + ": " + problem.message}),
        el("span", {text: " " + problem.message})
      ]));
    });
    problemCount.textContent = problems.length ? fmt(S.problem_count, {count: problems.length}) : S.no_problems;
    problemCount.className = "rre-problem-count" + (problems.length ? " has-problems" : "");
    var maxBox = ed.querySelector(".rre-max");
    maxBox.textContent = report.max_score === null || report.max_score === undefined ? ""
      : fmt(S.max_score, {score: report.max_score, points: report.points_possible});
    var note = ed.querySelector(".rre-prompt-note");
    if (note) { note.hidden = !(report.prompt_html !== null && report.prompt_html !== undefined && (data.prompt || "").trim() !== report.prompt_html); }
    renderVersion();
    renderPreview();
  }
  function renderVersion() {
    var box = clear(ed.querySelector(".rre-version"));
    if (!report.rubric_version) { return; }
    box.appendChild(el("p", {"class": "rre-badge", text: fmt(S.version, {version: report.rubric_version})}));
    var rubricChanged = JSON.stringify(strip(data.rubric)) !== savedRubric;
    if (report.version_changed) {
      box.appendChild(el("p", {"class": "rre-version-new", text: S.version_new}));
    } else if (rubricChanged) {
      box.appendChild(el("p", {"class": "rre-version-same", text: S.version_same}));
    }
    if (report.impact && report.impact.other_version) {
      box.appendChild(el("p", {"class": "rre-version-impact", text: fmt(S.version_impact, {count: report.impact.other_version})}));
    }
  }
  function validateNow() {
    var seq = ++validateSeq;
    post("editor_validate", {reflection: candidate()}).then(function (r) {
      if (seq !== validateSeq) { return; }
      if (r.ok) { report = r.data; renderReport(); }
      else { notice(errorText(r), true); }
    });
  }
  function changed(structural) {
    window.clearTimeout(validateTimer);
    validateTimer = window.setTimeout(validateNow, structural ? 50 : 400);
    renderPreview();
  }

  // --- Save and cancel: Studio's notify contract ----------------------------------------------
  function save() {
    window.clearTimeout(validateTimer);
    validateSeq += 1;  // a validation in flight must not overwrite the save's report
    runtime.notify("save", {state: "start", message: S.saving});
    notice(S.saving);
    post("editor_save", {reflection: candidate()}).then(function (r) {
      if (r.ok) {
        report = r.data;
        data.rubric = r.data.reflection.rubric;
        data.prompt = r.data.reflection.prompt;
        savedRubric = JSON.stringify(strip(data.rubric));
        renderAll();
        notice(S.saved);
        runtime.notify("save", {state: "end"});
        return;
      }
      if (r.data && r.data.problems) {
        report = Object.assign({}, report, {problems: r.data.problems, warnings: r.data.warnings || []});
        renderReport();
        ed.querySelector(".rre-problems").scrollIntoView({block: "nearest"});
      }
      notice(errorText(r), true);
      runtime.notify("error", {title: S.save_failed, message: errorText(r)});
    });
  }
  ed.querySelector(".save-button").addEventListener("click", function (e) { e.preventDefault(); save(); });
  ed.querySelector(".cancel-button").addEventListener("click", function (e) { e.preventDefault(); runtime.notify("cancel", {}); });
  problemCount.addEventListener("click", function () {
    ed.querySelector(".rre-problems").scrollIntoView({block: "nearest"});
    var first = problemList.querySelector("button");
    if (first) { first.focus(); }
  });

  function renderAll() {
    renderGeneral(); renderWriting(); renderGrading(); renderLinked(); renderCriteria(); renderReport();
  }
  renderAll();
  validateNow();
  ed.setAttribute("data-state", "ready");
}
