/* The staff analytics view of both blocks (issue 11): filters, tables (each downloadable as CSV),
 * the units x duties heatmap, a container for the scenario map, and the unit roster upload.
 * Vanilla JS, no build step; needs xblock_json_contract/public/client.js. Every string comes
 * translated from the server. The figures come from the block's `analytics` handler, which
 * already left out every population under k learners: this script only shows them.
 *
 * TangerangAnalytics.mount(runtime, element, box, options): options.strings (translated),
 * options.locale ({language}). The handler's answer: {versions?, version?, units, k, filters,
 * report: {learners, attempts, hidden, hidden_units, tables: [{id, title, columns, rows,
 * heatmap?}], map?: {node: {choice: count}}}}.
 *
 * The map: box.querySelector(".tgr-analytics-map") is left for the editor's reusable map view;
 * each load sets its `analyticsMap` property to {node: {choice: count}} and dispatches the
 * "tgr-analytics-map" event on it (detail: the same object).
 */
(function (root) {
  "use strict";
  var X = root.TangerangXBlocks;

  function mount(runtime, element, box, options) {
    var el = X.el, S = options.strings;
    var num = X.numberFormat(options.locale && options.locale.language);
    // Days ("YYYY-MM-DD") as the page's language writes them ("10 Feb 2026"), never the browser's.
    function day(iso) { return X.dayText(iso, options.locale && options.locale.language); }
    function fmt(text, values) {
      return text.replace(/\{(\w+)\}/g, function (m, key) { return values[key] === undefined ? m : num(values[key]); });
    }
    function cellText(cell) {
      if (typeof cell === "number") { return num(cell); }
      var text = cell !== null && typeof cell === "object" ? cell.text : String(cell);
      // Figures such as "68.6 %" in the page's language ("68,6 %"); the CSV keeps them as sent.
      return text.replace(/^([-+]?\d+(?:\.\d+)?)(?= %)/, function (m) { return num(Number(m)); });
    }
    function csvValue(cell) {
      var text = cell !== null && typeof cell === "object" ? cell.text : String(cell);
      return /[",;\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }
    function download(table) {
      var lines = [table.columns].concat(table.rows).map(function (row) { return row.map(csvValue).join(","); });
      var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], {type: "text/csv;charset=utf-8"});
      var link = el("a", {href: URL.createObjectURL(blob), download: table.id + ".csv"});
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
    }

    var filters = {version: null, unit: null, from: "", to: ""};
    var status = el("p", {"class": "tgr-analytics-status", role: "status", "aria-live": "polite"});
    var form = el("form", {"class": "tgr-analytics-filters"});
    var output = el("div", {"class": "tgr-analytics-output"});
    var mapBox = options.map ? el("section", {"class": "tgr-analytics-map-section"}, [
      el("h4", {text: S.map}), el("div", {"class": "tgr-analytics-map", "data-map": "choices"}),
      el("p", {"class": "tgr-analytics-note", text: S.map_note})]) : null;

    function field(label, control, extra) {
      return el("label", {"class": "tgr-analytics-field" + (extra ? " " + extra : "")}, [el("span", {text: label}), control]);
    }

    function renderFilters(data) {
      X.clear(form);
      if (data.versions && data.versions.length) {
        var versions = el("select", {name: "version"}, data.versions.map(function (v) {
          return el("option", {value: v.version, selected: v.version === data.version ? true : null,
            text: v.version + " (" + day(v.first_day) + (v.last_day !== v.first_day ? " – " + day(v.last_day) : "") +
              (v.current ? ", " + S.current : "") + ")"});
        }));
        form.appendChild(field(S.version, versions));
      }
      var units = el("select", {name: "unit"}, [el("option", {value: "*", text: S.all_units})].concat(
        data.units.map(function (u) {
          return el("option", {value: u, selected: filters.unit === u ? true : null, text: u || S.no_unit});
        })));
      form.appendChild(field(S.unit, units, "tgr-analytics-field-unit"));
      // Native date inputs, as the LMS's own (a calendar on phones); they show the day in the
      // browser's format, so the chosen period is also stated beside them in the page's language.
      var rangeId = "tgr-range-" + Math.random().toString(36).slice(2);
      var from = el("input", {type: "date", name: "from", value: filters.from, "aria-describedby": rangeId});
      var to = el("input", {type: "date", name: "to", value: filters.to, "aria-describedby": rangeId});
      var range = el("p", {"class": "tgr-analytics-range", id: rangeId, "aria-live": "polite"});
      var state = function () { range.textContent = rangeText(from.value, to.value); };
      [from, to].forEach(function (input) { input.addEventListener("input", state); input.addEventListener("change", state); });
      state();
      form.appendChild(field(S.from, from));
      form.appendChild(field(S.to, to));
      form.appendChild(range);
      form.appendChild(el("button", {type: "submit", "class": "tgr-analytics-apply", text: S.refresh}));
    }

    function rangeText(start, end) {
      if (start && end && start > end) { return S.range_reversed; }
      if (start && end) { return fmt(S.range, {from: day(start), to: day(end)}); }
      if (start) { return fmt(S.range_from, {from: day(start)}); }
      if (end) { return fmt(S.range_to, {to: day(end)}); }
      return S.range_all;
    }

    function renderTable(table) {
      var section = el("section", {"class": "tgr-analytics-table", "data-table": table.id});
      section.appendChild(el("h4", {id: "tgr-" + table.id + "-" + Math.random().toString(36).slice(2), text: table.title}));
      if (!table.rows.length) {
        section.appendChild(el("p", {"class": "tgr-analytics-note", text: S.empty}));
        return section;
      }
      var head = el("tr", {}, table.columns.map(function (c) { return el("th", {scope: "col", text: c}); }));
      var body = el("tbody", {}, table.rows.map(function (row) {
        return el("tr", {}, row.map(function (cell, i) {
          var attrs = {text: cellText(cell)};
          if (cell !== null && typeof cell === "object" && cell.band) { attrs["class"] = "tgr-band tgr-band-" + cell.band; }
          return el(i === 0 ? "th" : "td", i === 0 ? Object.assign(attrs, {scope: "row"}) : attrs);
        }));
      }));
      section.appendChild(el("div", {"class": "tgr-analytics-scroll", tabindex: "0", role: "region",
        "aria-label": table.title}, [el("table", {}, [el("thead", {}, [head]), body])]));
      if (table.heatmap) { section.appendChild(el("p", {"class": "tgr-analytics-note", text: table.legend || S.legend})); }
      section.appendChild(X.button(S.download, function () { download(table); }, {"class": "tgr-analytics-csv"}));
      return section;
    }

    function render(data) {
      renderFilters(data);
      X.clear(output);
      var report = data.report;
      if (report.hidden) {
        output.appendChild(el("p", {"class": "tgr-analytics-hidden", text: fmt(S.hidden, {k: data.k})}));
      } else {
        output.appendChild(el("p", {"class": "tgr-analytics-summary", text: fmt(S.summary, report)}));
        if (report.hidden_units) {
          output.appendChild(el("p", {"class": "tgr-analytics-note",
            text: fmt(S.hidden_units, {count: report.hidden_units, k: data.k})}));
        }
        report.tables.forEach(function (table) { output.appendChild(renderTable(table)); });
      }
      if (mapBox) {
        output.appendChild(mapBox);
        var target = mapBox.querySelector(".tgr-analytics-map");
        target.analyticsMap = report.map || {};
        target.dispatchEvent(new CustomEvent("tgr-analytics-map", {detail: target.analyticsMap}));
      }
    }

    function load() {
      status.textContent = S.loading;
      var payload = {};
      if (filters.version) { payload.version = filters.version; }
      if (filters.unit !== null) { payload.unit = filters.unit; }
      if (filters.from) { payload.from = filters.from; }
      if (filters.to) { payload.to = filters.to; }
      return X.postJson(runtime, element, "analytics", payload, S.error).then(function (answer) {
        if (!answer.ok) { status.textContent = (answer.data.error && answer.data.error.message) || S.error; return; }
        status.textContent = "";
        render(answer.data);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var version = form.querySelector("[name=version]"), unit = form.querySelector("[name=unit]");
      filters.version = version ? version.value : null;
      filters.unit = unit.value === "*" ? null : unit.value;
      filters.from = form.querySelector("[name=from]").value;
      filters.to = form.querySelector("[name=to]").value;
      load();
    });

    // The roster (units where the course has no cohorts).
    var rosterStatus = el("p", {"class": "tgr-roster-status", role: "status", "aria-live": "polite"});
    var problems = el("ul", {"class": "tgr-roster-problems"});
    var file = el("input", {type: "file", accept: ".csv,text/csv"});
    var rosterBox = el("details", {"class": "tgr-roster"}, [
      el("summary", {text: S.roster}), el("p", {"class": "tgr-analytics-note", text: S.roster_help}),
      field(S.roster_file, file),
      X.button(S.roster_upload, function () {
        if (!file.files.length) { return; }
        file.files[0].text().then(function (text) {
          return X.postJson(runtime, element, "roster_upload", {csv: text}, S.error);
        }).then(function (answer) {
          X.clear(problems);
          if (!answer.ok) {
            rosterStatus.textContent = answer.data.error.message;
            (answer.data.problems || []).forEach(function (p) { problems.appendChild(el("li", {text: p.message})); });
            return;
          }
          rosterStatus.textContent = fmt(S.roster_saved, {entries: answer.data.roster.entries,
            units: Object.keys(answer.data.roster.units).length});
          load();
        });
      }, {"class": "tgr-roster-upload"}),
      rosterStatus, problems]);

    var opened = false;
    var content = el("div", {"class": "tgr-analytics-content", hidden: true}, [form, status, output, rosterBox]);
    var toggle = X.button(S.show, function () {
      content.hidden = !content.hidden;
      toggle.setAttribute("aria-expanded", String(!content.hidden));
      if (!opened) { opened = true; load(); }
    }, {"class": "tgr-analytics-toggle", "aria-expanded": "false"});
    X.clear(box).appendChild(el("h3", {text: S.title}));
    box.appendChild(toggle);
    box.appendChild(content);
    return {load: load};
  }

  root.TangerangAnalytics = {mount: mount};
}(window));
