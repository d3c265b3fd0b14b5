/* Form controls of the role-play editor (labelled fields, text, number, select, the condition
 * picker), built with the shared TangerangXBlocks.el (xblock_json_contract/public/client.js).
 * Adds `form` to ComplaintSimScenario: form.controls(ctx) returns the builders for one editor.
 * ctx: {S (translated strings), ...}. Needs client.js and scenario_model.js first.
 */
(function (root) {
  "use strict";
  var ns = root.ComplaintSimScenario = root.ComplaintSimScenario || {};
  var el = TangerangXBlocks.el;
  var button = TangerangXBlocks.button;
  var model = ns.model;

  function controls(ctx) {
    var S = ctx.S;
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

    // A choice's condition as rows of pickers (variable, comparison, number), joined by "and",
    // with the text form beside them: typing "mood >= 3 and trust < 5" still works, and a
    // condition the pickers cannot show stays as the author typed it.
    // set(text or null) stores the condition; path is the data-path of the text box.
    function conditionEditor(text, variables, set, path) {
      var box = el("div", {"class": "cse-condition"});
      var rowsBox = el("div", {"class": "cse-condition-rows"});
      var note = el("p", {"class": "cse-help cse-condition-note"});
      var clauses = model.parseCondition(text) || [];
      var textBox = input(text, function (value) {
        set(value.trim() ? value : null);
        var parsed = model.parseCondition(value);
        note.textContent = parsed === null ? S.condition_unreadable : "";
      }, {"data-path": path, "class": "cse-condition-text"});
      textBox.addEventListener("change", function () {
        var parsed = model.parseCondition(textBox.value);
        if (parsed !== null) { clauses = parsed; drawRows(); }
      });
      var vars = (variables || []).filter(function (v) { return v && v.id; });
      function store() {
        var value = model.formatCondition(clauses);
        textBox.value = value;
        note.textContent = "";
        set(value || null);
      }
      function drawRows() {
        rowsBox.textContent = "";
        clauses.forEach(function (clause, i) {
          var row = el("div", {"class": "cse-condition-row", "data-clause": i});
          var known = vars.some(function (v) { return v.id === clause.variable; });
          var options = vars.map(function (v) { return [v.id, v.label || v.id]; });
          if (!known) { options.unshift([clause.variable, clause.variable]); }
          row.appendChild(select(options, clause.variable, function (v) { clause.variable = v; store(); },
                                 {"aria-label": S.condition_variable, "class": "cse-condition-variable"}));
          row.appendChild(select(model.OPERATORS.map(function (op) { return [op, S["op_" + opName(op)] || op]; }),
                                 clause.op, function (v) { clause.op = v; store(); },
                                 {"aria-label": S.condition_operator, "class": "cse-condition-op"}));
          row.appendChild(numberInput(clause.value, function (v) {
            clause.value = typeof v === "number" ? Math.round(v) : 0; store();
          }, {step: 1, "aria-label": S.condition_value, "class": "cse-condition-value"}));
          row.appendChild(button(S.remove, function () { clauses.splice(i, 1); store(); drawRows(); },
                                 {"class": "cse-danger cse-condition-remove"}));
          rowsBox.appendChild(row);
        });
      }
      drawRows();
      if (model.parseCondition(text) === null) { note.textContent = S.condition_unreadable; }
      box.appendChild(el("span", {"class": "cse-grid-title", text: S.condition}));
      box.appendChild(rowsBox);
      box.appendChild(button(S.condition_add, function () {
        clauses.push({variable: vars.length ? vars[0].id : "mood", op: ">=", value: 1});
        store(); drawRows();
      }, {"class": "cse-condition-add", disabled: !vars.length}));
      box.appendChild(field(S.condition_text, textBox));
      box.appendChild(note);
      return box;
    }
    return {el: el, button: button, field: field, input: input, numberInput: numberInput, area: area,
            select: select, conditionEditor: conditionEditor};
  }
  function opName(op) {
    return {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}[op];
  }

  ns.form = {controls: controls};
}(window));
