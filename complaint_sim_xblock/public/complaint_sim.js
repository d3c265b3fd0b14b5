/* The complaint_sim learner view: renders the state the server sends, posts actions.
 * Vanilla JS, no build step. Every string comes translated from the server (args.strings).
 */
function ComplaintSimBlock(runtime, element, args) {
  "use strict";
  // Init data comes from the block's own escaped <script type="application/json"> (the server
  // never puts author or learner text into the runtime's init arguments).
  args = JSON.parse((element.jquery ? element[0] : element).querySelector('script[type="application/json"]').textContent);
  var root = element.jquery ? element[0] : element;
  var S = args.strings;
  var body = root.querySelector(".csim-body");
  var notice = root.querySelector(".csim-notice");
  var live = root.querySelector(".csim-live");
  var state = args.state;
  var busy = false;
  // What the learner just did, for the next view only: the mood before their choice and the
  // record they saved (the server's state does not repeat either).
  var moodBefore = null;
  var savedRecord = null;
  // Numbers in the page's language (args.locale), never the browser's.
  var num = TangerangXBlocks.numberFormat(args.locale && args.locale.language);

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, key) {
      return values[key] === undefined || values[key] === null ? m : num(values[key]);
    });
  }

  // A date as the page's language writes it ("10 Februari 2026", "10 February 2026"), with the
  // month names and order from the block's catalog; anything but "YYYY-MM-DD" is shown as given.
  function longDate(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ""));
    var month = parts && S.months[parseInt(parts[2], 10) - 1];
    if (!month) { return iso; }
    return S.date_long.replace("{day}", String(parseInt(parts[3], 10))).replace("{month}", month)
      .replace("{year}", parts[1]);
  }

  var el = TangerangXBlocks.el;  // xblock_json_contract/public/client.js (shared by both blocks)

  function paragraphs(text, cls) {
    var box = el("div", {"class": cls || ""});
    String(text || "").split(/\n+/).forEach(function (part) {
      if (part.trim()) { box.appendChild(el("p", {text: part.trim()})); }
    });
    return box;
  }

  function post(handler, payload, recordShown) {
    if (busy) { return; }
    busy = true;
    var before = state.view && !state.view.finished ? state.view.mood : null;
    notice.textContent = S.working;
    var buttons = root.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    TangerangXBlocks.postJson(runtime, root, handler, payload).then(function (result) {
      var data = result.data;
      busy = false;
      notice.textContent = "";
      if (data.state) {
        moodBefore = result.ok ? before : null;
        savedRecord = result.ok ? recordShown || null : null;
        state = data.state;
        render(true);
      }
      if (!result.ok) {
        notice.textContent = (data.error && data.error.message) || S.error;
        Array.prototype.forEach.call(root.querySelectorAll("button"), function (b) { b.disabled = false; });
      }
    }).catch(function () {
      busy = false;
      notice.textContent = S.offline;
      Array.prototype.forEach.call(root.querySelectorAll("button"), function (b) { b.disabled = false; });
    });
  }

  function attemptLabel() {
    var a = state.attempts;
    return a.max ? fmt(S.attempt, {used: a.used, max: a.max}) : fmt(S.attempt_unlimited, {used: a.used});
  }

  function canStart() {
    var a = state.attempts;
    return a.max === null || a.used < a.max;
  }

  function startButton(label) {
    return el("button", {"class": "csim-primary", type: "button", text: label, onclick: function () {
      post("start", {attempt: state.attempts.used + 1});
    }});
  }

  function moodChange(mood, before) {
    if (!mood || !before || before.value === mood.value) { return before && mood ? S.mood_same : ""; }
    var rose = mood.value > before.value;
    // Same band, other value: "rose: Gelisah → Gelisah" would read as a contradiction.
    var template = before.level === mood.level ? (rose ? S.mood_rose_within : S.mood_fell_within)
      : (rose ? S.mood_rose : S.mood_fell);
    return fmt(template, {before: S.mood_levels[before.level], after: S.mood_levels[mood.level]});
  }

  function moodMeter(mood, before) {
    if (!mood) { return null; }
    var label = S.mood_levels[mood.level];
    var noteId = "csim-mood-note-" + Math.random().toString(36).slice(2, 8);
    var meter = el("div", {"class": "csim-mood csim-mood-" + mood.level});
    meter.appendChild(el("span", {"class": "csim-mood-label", text: S.mood + ": "}));
    meter.appendChild(el("strong", {text: label}));
    var change = moodChange(mood, before);
    if (change) {
      var direction = mood.value > before.value ? "up" : mood.value < before.value ? "down" : "same";
      meter.appendChild(el("span", {"class": "csim-mood-change csim-mood-" + direction, text: change}));
    }
    var bar = el("span", {"class": "csim-bar", role: "meter", "aria-label": S.mood,
      "aria-valuemin": mood.min, "aria-valuemax": mood.max, "aria-valuenow": mood.value,
      "aria-valuetext": label, "aria-describedby": noteId});
    var fill = el("span", {"class": "csim-bar-fill"});
    fill.style.width = Math.round(100 * (mood.value - mood.min) / ((mood.max - mood.min) || 1)) + "%";
    bar.appendChild(fill);
    meter.appendChild(bar);
    // A calmer citizen is not a right answer: taking a bribe pleases them too.
    meter.appendChild(el("p", {"class": "csim-mood-note", id: noteId, text: S.mood_note}));
    return meter;
  }

  function renderSavedRecord(fields) {
    var list = el("dl", {"class": "csim-saved-fields"});
    fields.forEach(function (field) {
      list.appendChild(el("dt", {text: field.label}));
      list.appendChild(el("dd", {text: field.value}));
    });
    return el("aside", {"class": "csim-feedback csim-saved", "aria-label": S.record_saved}, [
      el("p", {"class": "csim-feedback-choice"}, [el("strong", {text: S.record_saved})]),
      list,
      el("p", {"class": "csim-hint", text: S.record_checked_later})
    ]);
  }

  function recordFields(form) {
    // What the learner entered, as they saw it (option text, typed value), field by field.
    var fields = [];
    Array.prototype.forEach.call(form.querySelectorAll(".csim-field"), function (box) {
      var label = box.querySelector("label");
      var input = box.querySelector("select, input, textarea");
      if (!label || !input) { return; }
      var value = input.tagName === "SELECT" && input.selectedIndex >= 0 ?
        input.options[input.selectedIndex].text : input.type === "date" ? longDate(input.value) : input.value;
      fields.push({label: label.textContent, value: value});
    });
    return fields;
  }

  function renderIntro() {
    var intro = args.intro;
    var persona = intro.persona || {};
    var blockTitle = root.querySelector(".csim-title");
    var sameTitle = blockTitle && blockTitle.textContent.trim() === String(intro.title).trim();
    var box = el("div", {"class": "csim-intro"}, [
      sameTitle ? null : el("h3", {text: intro.title, tabindex: "-1", "class": "csim-focus"}),
      paragraphs(intro.situation, "csim-situation"),
      el("p", {"class": "csim-persona"}, [
        el("strong", {text: persona.name}),
        document.createTextNode(persona.role ? " — " + persona.role : "")
      ])
    ]);
    if (canStart()) { box.appendChild(startButton(S.start)); }
    else { box.appendChild(el("p", {text: S.no_attempts_left})); }
    return box;
  }

  function renderFeedback(feedback) {
    if (!feedback) { return null; }
    return el("aside", {"class": "csim-feedback", "aria-label": S.feedback}, [
      el("p", {"class": "csim-feedback-choice"}, [
        el("span", {text: S.your_choice + ": "}), el("em", {text: feedback.choice})]),
      paragraphs(feedback.text)
    ]);
  }

  function renderDialogue(view, node) {
    var speaker = node.speaker === "citizen" ? fmt(S.citizen_says, {name: args.intro.persona.name}) : S.narrator;
    var box = el("div", {"class": "csim-node"}, [
      el("h3", {"class": "csim-speaker csim-focus", tabindex: "-1", text: speaker}),
      el("blockquote", {"class": "csim-line csim-" + node.speaker}, [paragraphs(node.text)])
    ]);
    var list = el("ul", {"class": "csim-choices", "aria-label": S.your_reply});
    node.choices.forEach(function (choice) {
      list.appendChild(el("li", {}, [el("button", {type: "button", "class": "csim-choice", text: choice.text,
        onclick: function () { post("choose", {node: node.id, step: view.step, choice: choice.id}); }})]));
    });
    box.appendChild(el("h4", {"class": "csim-prompt", text: S.your_reply}));
    box.appendChild(list);
    return box;
  }

  function renderNarration(view, node) {
    var speaker = node.speaker === "citizen" ? fmt(S.citizen_says, {name: args.intro.persona.name}) : S.narrator;
    return el("div", {"class": "csim-node csim-narration"}, [
      el("h3", {"class": "csim-speaker csim-focus", tabindex: "-1", text: speaker}),
      el("blockquote", {"class": "csim-line csim-" + node.speaker}, [paragraphs(node.text)]),
      el("button", {type: "button", "class": "csim-primary csim-next", text: S.next,
        onclick: function () { post("proceed", {node: node.id, step: view.step}); }})
    ]);
  }

  function select(name, label, options) {
    var id = "csim-" + name + "-" + Math.random().toString(36).slice(2, 8);
    var input = el("select", {id: id, name: name, required: "required"},
      [el("option", {value: "", text: S.choose})]);
    options.forEach(function (option) { input.appendChild(el("option", {value: option, text: option})); });
    return el("div", {"class": "csim-field"}, [el("label", {"for": id, text: label}), input]);
  }

  // With a story date the learner picks a date (a native date input: a calendar on phones,
  // typed digits and arrow keys on a keyboard); without one, a number of working days.
  function deadlineField(node, id) {
    var dated = node.record.deadline;
    if (!dated) {
      return el("div", {"class": "csim-field"}, [
        el("label", {"for": id, text: S.deadline_days}),
        el("input", {id: id, name: "deadline_days", type: "number", min: "0", max: "365",
          inputmode: "numeric", required: "required"})]);
    }
    return el("div", {"class": "csim-field"}, [
      el("label", {"for": id, text: S.deadline_date}),
      el("p", {"class": "csim-hint", id: id + "-hint", text: fmt(S.deadline_date_hint, {date: longDate(dated.story_date)})}),
      el("input", {id: id, name: "deadline_date", type: "date", min: dated.story_date, required: "required",
        "aria-describedby": id + "-hint"})]);
  }

  function citationText(c) {
    if (c.note !== undefined) { return c.note; }
    var text = c.title ? c.title + (c.article ? ", " + c.article : "") : c.text;
    return c.status && c.status !== "berlaku" ? text + " (" + S["law_" + c.status] + ")" : text;
  }

  function basisList(basis) {
    var list = el("ul", {"class": "csim-basis"});
    (basis || []).forEach(function (c) { list.appendChild(el("li", {text: citationText(c)})); });
    return list;
  }

  function renderBreaches(debrief) {
    var box = el("section", {"class": "csim-breach", role: "alert"}, [
      el("h3", {"class": "csim-focus", tabindex: "-1", text: S.breach_title})]);
    debrief.breaches.forEach(function (b) {
      box.appendChild(el("p", {"class": "csim-breach-duty"}, [el("strong", {text: fmt(S.breach_turn, {turn: b.turn, label: b.label})})]));
      box.appendChild(el("p", {}, [el("span", {text: S.your_choice + ": "}), el("em", {text: b.choice})]));
      if (b.model_choice) {
        box.appendChild(el("p", {}, [el("span", {text: S.breach_model + ": "}), el("em", {text: b.model_choice})]));
      }
      box.appendChild(el("p", {"class": "csim-basis-label", text: S.basis + ":"}));
      box.appendChild(basisList(b.basis));
    });
    var percent = Math.round(100 * debrief.critical_cap);
    box.appendChild(el("p", {"class": "csim-capped", text: percent ? fmt(S.capped, {percent: percent}) : S.capped_zero}));
    return box;
  }

  function deadlineDetail(d) {
    var box = el("div", {"class": "csim-deadline-detail"}, [
      el("p", {text: fmt(S.deadline_yours, {date: longDate(d.date), days: d.days})}),
      el("p", {text: fmt(S.deadline_right, {date: longDate(d.right_date), expected: d.expected, tolerance: d.tolerance})})]);
    if (d.closed) {
      box.appendChild(el("p", {text: fmt(S.deadline_closed, {why: d.closed.name || S["kind_" + d.closed.kind]})}));
    }
    if (d.skipped.length) {
      var list = el("ul", {"class": "csim-skipped"});
      d.skipped.forEach(function (day) {
        list.appendChild(el("li", {text: longDate(day.date) + " — " + (day.name || S["kind_" + day.kind])}));
      });
      box.appendChild(el("p", {text: S.deadline_skipped + ":"}));
      box.appendChild(list);
    }
    return box;
  }

  function renderRecord(view, node) {
    var summaryId = "csim-summary-" + Math.random().toString(36).slice(2, 8);
    var deadlineId = "csim-deadline-" + Math.random().toString(36).slice(2, 8);
    var form = el("form", {"class": "csim-record"}, [
      select("category", S.category, node.record.category.options),
      select("urgency", S.urgency, node.record.urgency.options),
      select("referral", S.referral, node.record.referral.options),
      deadlineField(node, deadlineId),
      el("div", {"class": "csim-field"}, [
        el("label", {"for": summaryId, text: S.summary}),
        el("p", {"class": "csim-hint", id: summaryId + "-hint", text: S.summary_hint}),
        el("textarea", {id: summaryId, name: "summary", rows: "4", maxlength: "2000", required: "required",
          "aria-describedby": summaryId + "-hint"})]),
      el("button", {type: "submit", "class": "csim-primary", text: S.submit_record})
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!form.reportValidity()) { return; }
      var data = {};
      ["category", "urgency", "referral", "summary"].forEach(function (key) { data[key] = form.elements[key].value; });
      if (form.elements.deadline_date) { data.deadline_date = form.elements.deadline_date.value; }
      else { data.deadline_days = parseInt(form.elements.deadline_days.value, 10); }
      post("record", {node: node.id, step: view.step, record: data}, recordFields(form));
    });
    return el("div", {"class": "csim-node"}, [
      el("h3", {"class": "csim-focus", tabindex: "-1", text: S.record_title}),
      paragraphs(node.text), form]);
  }

  function bar(label, earned, max) {
    var pct = max > 0 ? Math.min(100, Math.round(100 * earned / max)) : 0;
    var fill = el("span", {"class": "csim-bar-fill"});
    fill.style.width = pct + "%";
    return el("li", {"class": "csim-competency"}, [
      el("span", {"class": "csim-competency-label", text: label + " — " + earned + "/" + max}),
      el("span", {"class": "csim-bar", role: "meter", "aria-label": label, "aria-valuemin": "0",
        "aria-valuemax": String(max), "aria-valuenow": String(earned)}, [fill])]);
  }

  // One wording for scores in both blocks: "8 of 10 points (80%)", then what counts for the grade.
  function pointsLine(points, max) {
    return fmt(S.points_line, {points: points, max: max, percent: max > 0 ? Math.round(100 * points / max) : 0});
  }

  // The debrief, in the order to read it: the outcome and score, then the learner's path beside
  // the recommended one turn by turn (open), then competencies, duties and their legal basis.
  function renderDebrief(debrief) {
    var ending = debrief.ending;
    var breached = debrief.breaches && debrief.breaches.length;
    var box = el("div", {"class": "csim-debrief"}, [
      breached ? renderBreaches(debrief) : null,
      el("h3", {"class": breached ? "" : "csim-focus", tabindex: "-1", text: S.ending + ": " + ending.title}),
      el("p", {"class": "csim-quality csim-quality-" + ending.quality, text: S["quality_" + ending.quality]}),
      paragraphs(ending.text),
      el("h4", {text: S.score}),
      el("p", {"class": "csim-score", text: pointsLine(debrief.points, debrief.max_points)})
    ]);
    if (state.score) {
      box.appendChild(el("p", {"class": "csim-counted", text: fmt(state.grading_policy === "last" ? S.counted_last : S.counted_best, {
        score: pointsLine(state.score.points, state.score.max_points)})}));
    }
    var pathBox = el("details", {"class": "csim-details csim-compare", open: "open"}, [el("summary", {text: S.path_compare})]);
    var turns = el("ol", {"class": "csim-turns"});
    debrief.turns.forEach(function (turn) {
      var item = el("li", {"class": "csim-turn"}, [el("p", {"class": "csim-turn-line", text: turn.text})]);
      if (turn.type === "narration") {
        item.className += " csim-turn-narration";
      } else if (turn.type === "dialogue") {
        item.appendChild(el("p", {}, [el("strong", {text: S.your_choice + ": "}), document.createTextNode(turn.choice)]));
        if (turn.feedback) { item.appendChild(paragraphs(turn.feedback, "csim-comment")); }
        if (turn.is_model) { item.appendChild(el("p", {"class": "csim-good", text: S.good_choice})); }
        if (turn.model_choice) {
          item.appendChild(el("p", {"class": "csim-model"}, [
            el("strong", {text: S.model_choice + ": "}), document.createTextNode(turn.model_choice)]));
          if (turn.model_feedback) { item.appendChild(paragraphs(turn.model_feedback, "csim-comment")); }
        }
        if (turn.peers) {  // colleagues' choices: only after the ending, only above k (server)
          item.appendChild(el("p", {"class": "csim-peers", text: fmt(
            turn.peers.model === null ? S.peers_same : S.peers, turn.peers)}));
        }
      } else {
        var fields = el("ul", {"class": "csim-record-results"});
        turn.fields.forEach(function (f) {
          var line = el("li", {"class": f.ok ? "csim-ok" : "csim-bad"}, [
            el("strong", {text: S[f.field] + ": "}), document.createTextNode(String(f.value) + " — "),
            el("span", {text: f.ok ? S.correct : S.incorrect + " (" + S.expected + ": " + f.expected + ")"})]);
          if (f.detail) { line.appendChild(deadlineDetail(f.detail)); }
          fields.appendChild(line);
        });
        item.appendChild(fields);
        if (turn.feedback) { item.appendChild(paragraphs(turn.feedback, "csim-comment")); }
      }
      turns.appendChild(item);
    });
    pathBox.appendChild(turns);
    box.appendChild(pathBox);
    var modelBox = el("details", {"class": "csim-details"}, [el("summary", {text: S.model_path})]);
    var model = el("ol", {"class": "csim-model-path"});
    debrief.model_path.forEach(function (step) {
      model.appendChild(el("li", {}, [el("span", {"class": "csim-turn-line", text: step.text}),
        el("br"), el("strong", {text: "→ " + step.choice})]));
    });
    modelBox.appendChild(model);
    box.appendChild(modelBox);
    var bars = el("ul", {"class": "csim-bars"});
    debrief.competencies.forEach(function (c) { bars.appendChild(bar(c.label, c.earned, c.max)); });
    box.appendChild(el("h4", {text: S.competencies}));
    box.appendChild(bars);
    var duties = el("ul", {"class": "csim-duties"});
    var law = el("details", {"class": "csim-details csim-law"}, [el("summary", {text: S.basis_title})]);
    debrief.duties.forEach(function (d) {
      duties.appendChild(el("li", {"class": "csim-duty csim-duty-" + d.status}, [
        el("strong", {text: S["status_" + d.status] + ": "}), document.createTextNode(d.label),
        d.critical ? el("span", {"class": "csim-critical", text: " [" + S.critical + "]"}) : null]));
      if ((d.basis || []).length) {
        law.appendChild(el("p", {"class": "csim-basis-label"}, [el("strong", {text: d.label})]));
        law.appendChild(basisList(d.basis));
      }
    });
    box.appendChild(el("h4", {text: S.duties}));
    box.appendChild(duties);
    if (law.children.length > 1) { box.appendChild(law); }
    if (canStart()) { box.appendChild(startButton(S.restart)); }
    else { box.appendChild(el("p", {text: S.no_attempts_left})); }
    return box;
  }

  function announcement(view) {
    var node = view.node, parts = [];
    if (savedRecord) { parts.push(S.record_saved + ". " + S.record_checked_later); }
    if (view.feedback && view.feedback.text) { parts.push(S.feedback + ": " + view.feedback.text); }
    var change = moodChange(view.mood, moodBefore);
    if (change) { parts.push(S.mood + ": " + change + ". " + S.mood_note); }
    if (node.type === "record") { parts.push(S.record_title + ": " + node.text); }
    else {
      var speaker = node.speaker === "citizen" ? fmt(S.citizen_says, {name: args.intro.persona.name}) : S.narrator + ":";
      parts.push(speaker + " " + node.text);
    }
    return parts.join("\n\n");
  }

  function render(moveFocus) {
    body.textContent = "";
    if (state.notice === "scenario_changed") { notice.textContent = S.scenario_changed; }
    var view = state.view;
    var header = el("div", {"class": "csim-status"});
    if (view) {
      header.appendChild(el("span", {text: attemptLabel()}));
      if (!view.finished) { header.appendChild(el("span", {text: fmt(S.step, {step: view.step + 1})})); }
      body.appendChild(header);
    }
    if (!view) {
      body.appendChild(renderIntro());
    } else if (state.debrief) {
      body.appendChild(renderDebrief(state.debrief));
    } else {
      // In the order things happened: what the learner's choice earned (feedback, or the
      // record they saved), how the citizen's mood moved, then the citizen's new line.
      var first = savedRecord ? renderSavedRecord(savedRecord) : renderFeedback(view.feedback);
      if (first) { body.appendChild(first); }
      var mood = moodMeter(view.mood, moodBefore);
      if (mood) { body.appendChild(mood); }
      var type = view.node.type;
      body.appendChild(type === "record" ? renderRecord(view, view.node) :
        type === "narration" ? renderNarration(view, view.node) : renderDialogue(view, view.node));
      if (moveFocus) {
        // Focus goes to the first new thing; the live region reads the turn in the same order.
        live.textContent = announcement(view);
        if (first) {
          first.setAttribute("tabindex", "-1");
          first.classList.add("csim-focus");
          var heading = body.querySelector(".csim-speaker.csim-focus, .csim-node > h3.csim-focus");
          if (heading) { heading.classList.remove("csim-focus"); }
        }
      }
    }
    if (moveFocus) {
      var target = body.querySelector(".csim-focus");
      if (target) { target.focus({preventScroll: true}); }
      showFromTop();
    }
  }

  function showFromTop() {
    // The page scrolled while the learner read the choices: bring the top of the new turn (the
    // status line, then the feedback) to the top of the screen, so nothing new sits above it.
    var top = root.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight / 2) { root.scrollIntoView({block: "start"}); }
  }

  render(false);

  // Course staff: the analytics under the role-play (tangerang_units/public/analytics.js).
  var analyticsBox = root.querySelector(".tgr-analytics");
  if (analyticsBox && args.analytics && window.TangerangAnalytics) {
    window.TangerangAnalytics.mount(runtime, element, analyticsBox,
      {strings: args.analytics, locale: args.locale, map: true});
    // The analytics' map container gets the counts on each load (an event that does not bubble:
    // caught on the way down); the editor's map view draws them read-only (scenario_map.js).
    if (args.map && window.ComplaintSimScenario && window.ComplaintSimScenario.map) {
      var percent = TangerangXBlocks.numberFormat(args.locale && args.locale.language, {style: "percent"});
      analyticsBox.addEventListener("tgr-analytics-map", function (event) {
        var box = event.target;
        if (!box.mapView) {
          box.classList.add("cse-map-view");
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", args.map.strings.map_label);
          var legend = el("div", {"class": "cse-map-legend"});
          box.parentNode.insertBefore(legend, box.nextSibling);
          box.mapView = new window.ComplaintSimScenario.map.MapView(box, {
            strings: args.map.strings, noKeyboard: true, legendBox: legend,
            percent: percent
          });
        }
        box.mapView.setCounts(event.detail || {});
        box.mapView.render(args.map.scenario);
      }, true);
    }
  }
}
