/* rubric_reflection: the learner's writing flow and the staff grading panel. No build step. */
function RubricReflectionBlock(runtime, element, args) {
  'use strict';
  // Init data comes from the block's own escaped <script type="application/json"> (the server
  // never puts author or learner text into the runtime's init arguments).
  args = JSON.parse((element.jquery ? element[0] : element).querySelector('script[type="application/json"]').textContent);
  if (element && element.jquery) { element = element[0]; }
  var S = args.strings, rubric = args.rubric, cfg = args.settings, state = args.state;
  var root = element.querySelector('.rr-block') || element;
  var stepEl = root.querySelector('.rr-step'), statusEl = root.querySelector('.rr-status');
  var simEl = root.querySelector('.rr-sim'), staffEl = root.querySelector('.rr-staff');
  var uid = 'rr' + Math.random().toString(36).slice(2, 8), seq = 0;
  if (!rubric || !state) { return; }

  // ---- small helpers -------------------------------------------------------------------
  // Dates and numbers in the page's language and the course's time zone, never the browser's.
  var L = args.locale || {};
  function intl(make) { try { return make(); } catch (e) { return null; } }
  var dateOptions = {day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short'};
  var dateFormat;  // built on the first date shown (the first Intl object of a page costs tens of ms)
  function dates() {
    if (dateFormat === undefined) {
      dateFormat = intl(function () { return new Intl.DateTimeFormat(L.language || 'id', Object.assign({timeZone: L.time_zone || 'Asia/Jakarta'}, dateOptions)); }) ||
        intl(function () { return new Intl.DateTimeFormat(L.language || 'id', Object.assign({timeZone: 'Asia/Jakarta'}, dateOptions)); });
    }
    return dateFormat;
  }
  var num = TangerangXBlocks.numberFormat(L.language);
  function fmt(s, p) { return String(s).replace(/\{(\w+)\}/g, function (m, k) { return p && k in p ? num(p[k]) : m; }); }
  // A month of the calendar ("2026-12") as the page's language writes it ("Desember 2026").
  function month(iso) { return TangerangXBlocks.dayText(iso, L.language); }
  function nid() { seq += 1; return uid + '-' + seq; }
  var el = TangerangXBlocks.el;  // xblock_json_contract/public/client.js (shared by both blocks)
  var clear = TangerangXBlocks.clear;
  function post(handler, data) {
    return TangerangXBlocks.postJson(runtime, element, handler, data || {}).then(function (r) {
      var body = r.data;
      if (!r.ok) {
        var e = new Error((body.error && body.error.message) || S.error);
        e.status = r.status; e.code = body.error && body.error.code; e.body = body; throw e;
      }
      return body;
    });
  }
  function say(msg, bad) { statusEl.textContent = msg || ''; statusEl.className = 'rr-status' + (bad ? ' rr-bad' : ''); }
  function fail(e) { say(e && e.message ? e.message : S.error, true); }
  function when(iso) { if (!iso) { return ''; } var d = new Date(iso); return isNaN(d) ? iso : (dates() ? dates().format(d) : d.toISOString()); }
  function words(t) { t = t.trim(); return t ? t.split(/\s+/).length : 0; }
  function crit(id) { for (var i = 0; i < rubric.criteria.length; i += 1) { if (rubric.criteria[i].id === id) { return rubric.criteria[i]; } } return null; }
  function levelText(c, levelId) {
    if (!c || !levelId) { return '–'; }
    for (var i = 0; i < c.levels.length; i += 1) { if (c.levels[i].id === levelId) { return c.levels[i].label + ' (' + num(c.levels[i].points) + ')'; } }
    return levelId;
  }
  // Each assessment is shown with the rubric version it was made with (kept by the server).
  function rubricOf(a, rubrics) { return (a && rubrics && rubrics[a.rubric_version]) || rubric; }
  function critIn(r, id) { for (var i = 0; i < r.criteria.length; i += 1) { if (r.criteria[i].id === id) { return r.criteria[i]; } } return null; }
  function part(a, id) { if (!a) { return null; } for (var i = 0; i < a.parts.length; i += 1) { if (a.parts[i].criterion_id === id) { return a.parts[i]; } } return null; }
  function pointsLine(points, max) { return fmt(S.points_line, {points: points, max: max, percent: max > 0 ? Math.round(100 * points / max) : 0}); }
  function textBox(text) { return el('div', {'class': 'rr-text', text: text}); }

  // ---- the linked role-play run ----------------------------------------------------------
  // The run shown is the one the role-play's grading policy counts (best or last), and says so.
  function simView(sim, headingId, title, forStaff) {
    var box = el('div', {'class': 'rr-simbox'});
    box.appendChild(el('h4', {id: headingId, text: title || S.sim_title}));
    if (!sim) { box.appendChild(el('p', {text: S.sim_none})); return box; }
    if (sim.attempt !== null && sim.attempts) {
      box.appendChild(el('p', {'class': 'rr-counted', text: fmt(sim.counted_by === 'last' ? S.sim_counted_last : S.sim_counted_best, {attempt: sim.attempt, count: sim.attempts})}));
    }
    var q = sim.quality ? ' (' + S['quality_' + sim.quality] + ')' : '';
    box.appendChild(el('p', {text: fmt(S.sim_ending, {title: sim.ending_title}) + q}));
    if (sim.points !== null && sim.max_points !== null) { box.appendChild(el('p', {'class': 'rr-sim-points', text: pointsLine(sim.points, sim.max_points)})); }
    if (sim.duties.length) {
      box.appendChild(el('ul', {'class': 'rr-duties'}, sim.duties.map(function (d) {
        return el('li', {'class': 'rr-duty-' + d.status, text: d.label + ': ' + S['duty_' + d.status]});
      })));
    }
    if (sim.competencies.length) {
      box.appendChild(el('ul', {'class': 'rr-comps'}, sim.competencies.map(function (c) {
        return el('li', {text: c.label + ': ' + (c.earned === null ? '–' : c.earned) + ' / ' + (c.max === null ? '–' : c.max)});
      })));
    }
    if (sim.path.length) {
      box.appendChild(el('details', {}, [el('summary', {text: fmt(forStaff ? S.sim_path_staff : S.sim_path, {count: sim.path.length})}),
        el('ol', {}, sim.path.map(function (p) { return el('li', {}, [el('span', {text: p.text}), p.choice_text ? el('strong', {text: ' → ' + p.choice_text}) : null]); }))]));
    }
    return box;
  }
  if (cfg.linked) { simEl.hidden = false; simEl.appendChild(simView(state.simulation, uid + '-sim')); simEl.setAttribute('aria-labelledby', uid + '-sim'); }

  // ---- a rubric form (self assessment and staff grading) -----------------------------------
  function rubricForm(existing, withOverall, submitLabel, onSubmit, noComments) {
    var form = el('form', {'class': 'rr-form', novalidate: true});
    rubric.criteria.forEach(function (c) {
      var prev = part(existing, c.id), fs = el('fieldset', {'class': 'rr-fs'});
      fs.appendChild(el('legend', {text: c.label}));
      if (c.description) { fs.appendChild(el('p', {'class': 'rr-desc', text: c.description})); }
      var name = nid();
      c.levels.forEach(function (l) {
        var id = nid();
        fs.appendChild(el('div', {'class': 'rr-radio'}, [
          el('input', {type: 'radio', id: id, name: name, value: l.id, 'data-criterion': c.id, checked: !!(prev && prev.level_id === l.id)}),
          el('label', {'for': id}, [el('strong', {text: l.label}), ' (' + fmt(S.points, {points: l.points}) + ')',
            l.description ? el('span', {'class': 'rr-ldesc', text: l.description}) : null])
        ]));
      });
      if (!c.levels.length) { fs.appendChild(el('p', {'class': 'rr-desc', text: S.feedback_only})); }
      form.appendChild(fs);
      if (noComments) { return; }
      var cid = nid();
      fs.appendChild(el('label', {'for': cid, 'class': 'rr-small', text: S.comment_optional}));
      var ta = el('textarea', {id: cid, rows: 2, 'data-comment': c.id, maxlength: 4000});
      ta.value = prev ? prev.comment : '';
      fs.appendChild(ta);
    });
    var overall = null;
    if (withOverall) {
      var oid = nid();
      overall = el('textarea', {id: oid, rows: 3, maxlength: 4000});
      overall.value = existing ? existing.overall_comment : '';
      form.appendChild(el('label', {'for': oid, text: S.overall_comment}));
      form.appendChild(overall);
    }
    var btn = el('button', {type: 'submit', 'class': 'rr-primary', text: submitLabel});
    form.appendChild(btn);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var sel = {}, com = {}, missing = false;
      rubric.criteria.forEach(function (c) {
        var r = form.querySelector('input[data-criterion="' + c.id + '"]:checked');
        if (c.levels.length && !r) { missing = true; } else if (r) { sel[c.id] = r.value; }
        var t = form.querySelector('textarea[data-comment="' + c.id + '"]');
        if (t && t.value.trim()) { com[c.id] = t.value; }
      });
      if (missing) { say(S.choose_level, true); return; }
      btn.disabled = true;
      onSubmit({selections: sel, comments: com, overall_comment: overall ? overall.value : ''})
        .then(function () { btn.disabled = false; }, function (e) { btn.disabled = false; fail(e); });
    });
    return form;
  }

  // ---- learner steps ---------------------------------------------------------------------------
  function show(newState) { state = newState; renderStep(); }

  function renderWrite() {
    var taId = nid(), countId = nid();
    var ta = el('textarea', {id: taId, rows: 10, 'aria-describedby': countId, maxlength: 30000});
    ta.value = state.draft.text || '';
    var count = el('p', {id: countId, 'class': 'rr-count', 'aria-live': 'polite'});
    var warn = el('div', {'class': 'rr-warn', role: 'alert', hidden: true});
    var okId = nid(), ok = el('input', {type: 'checkbox', id: okId});
    var okRow = el('div', {'class': 'rr-check', hidden: true}, [ok, el('label', {'for': okId, text: S.personal_data_ok})]);
    var submit = el('button', {type: 'button', 'class': 'rr-primary', text: S.submit});
    var yes = el('button', {type: 'button', 'class': 'rr-primary', text: S.confirm_yes});
    var no = el('button', {type: 'button', text: S.cancel});
    var confirmBox = el('div', {'class': 'rr-confirm', role: 'group', 'aria-label': S.confirm_title, hidden: true},
      [el('p', {text: S.confirm_title}), yes, ' ', no]);
    var timer = null, saved = ta.value;

    function updateCount() {
      var n = words(ta.value), msg = fmt(S.words, {count: n}) + ' ' + fmt(S.limits, {min: cfg.min_words, max: cfg.max_words});
      var bad = n > cfg.max_words || (n > 0 && n < cfg.min_words);
      if (n > cfg.max_words) { msg += ' ' + fmt(S.too_many, {max: cfg.max_words}); } else if (n < cfg.min_words) { msg += ' ' + fmt(S.too_few, {min: cfg.min_words}); }
      count.textContent = msg; count.className = 'rr-count' + (bad ? ' rr-bad' : '');
      submit.disabled = n === 0 || n < cfg.min_words || n > cfg.max_words;
    }
    function showWarning(kinds) {
      var has = kinds && kinds.length;
      warn.hidden = !has; okRow.hidden = !has;
      if (has) { warn.textContent = fmt(S.personal_data, {kinds: kinds.map(function (k) { return S[k]; }).join(', ')}); }
    }
    function save() {
      timer = null;
      if (ta.value === saved) { return Promise.resolve(); }
      var text = ta.value;
      say(S.saving);
      return post('save_draft', {text: text}).then(function (r) {
        saved = text; say(fmt(S.saved_at, {time: when(r.saved_at)})); showWarning(r.personal_data);
      }, function (e) { say(e.status === 409 || e.status === 403 ? e.message : S.save_failed, true); });
    }
    ta.addEventListener('input', function () { updateCount(); if (timer) { clearTimeout(timer); } timer = setTimeout(save, 1200); });
    ta.addEventListener('blur', function () { if (timer) { clearTimeout(timer); } save(); });
    submit.addEventListener('click', function () { confirmBox.hidden = false; submit.hidden = true; yes.focus(); });
    no.addEventListener('click', function () { confirmBox.hidden = true; submit.hidden = false; submit.focus(); });
    yes.addEventListener('click', function () {
      if (timer) { clearTimeout(timer); timer = null; }
      yes.disabled = true; say(S.submitting);
      post('submit', {text: ta.value, confirm: true, personal_data_ok: ok.checked}).then(function (r) {
        say(fmt(S.submitted_at, {time: when(r.state.submission.submitted_at)})); show(r.state);
      }, function (e) {
        yes.disabled = false; confirmBox.hidden = true; submit.hidden = false; fail(e);
        if (e.code === 'PERSONAL_DATA') { okRow.hidden = false; ok.focus(); }
        if (e.code === 'ALREADY_SUBMITTED') { post('learner_state').then(function (r) { show(r.state); }); }
      });
    });
    clear(stepEl).appendChild(el('div', {}, [el('label', {'for': taId, 'class': 'rr-h', text: S.your_text}), ta, count, warn, okRow, submit, confirmBox]));
    updateCount();
    showWarning(state.draft.personal_data);
    if (state.draft.saved_at) { say(fmt(S.saved_at, {time: when(state.draft.saved_at)})); }
  }

  function submittedBox() {
    var sub = state.submission;
    return el('div', {}, [el('h4', {text: S.your_text}), el('p', {'class': 'rr-small', text: fmt(S.submitted_at, {time: when(sub.submitted_at)})}), textBox(sub.text)]);
  }

  function renderResult(wrap) {
    var res = state.result, mine = state.self_assessment;
    var used = rubricOf(res, state.rubrics), mineUsed = rubricOf(mine, state.rubrics);
    var gapsBy = {};
    (res.gaps || []).forEach(function (g) { gapsBy[g.criterion_id] = g; });
    wrap.appendChild(el('h4', {tabindex: -1, 'class': 'rr-focus', text: S.result_title}));
    // One wording for scores in both blocks: "5 of 8 points (63%)", then what counts for the grade.
    wrap.appendChild(el('p', {'class': 'rr-total', text: pointsLine(res.points_earned, res.points_possible)}));
    wrap.appendChild(el('p', {'class': 'rr-counted', text: fmt(res.by === 'peers' ? S.counted_peers : S.counted_staff, {score: res.score, possible: res.score_possible})}));
    if (used !== rubric) { wrap.appendChild(el('p', {'class': 'rr-note', text: S.result_old_rubric})); }
    used.criteria.forEach(function (c) {
      var st = part(res, c.id), me = part(mine, c.id), g = gapsBy[c.id];
      var dl = el('dl', {'class': 'rr-dl'});
      if (c.levels.length) {
        if (mine) { dl.appendChild(el('dt', {text: S.you})); dl.appendChild(el('dd', {text: levelText(critIn(mineUsed, c.id), me && me.level_id)})); }
        dl.appendChild(el('dt', {text: res.by === 'peers' ? S.peers : S.staff})); dl.appendChild(el('dd', {text: levelText(c, st && st.level_id)}));
        if (g && g.gap !== null) { dl.appendChild(el('dt', {text: S.gap})); dl.appendChild(el('dd', {text: (g.gap > 0 ? '+' : '') + num(g.gap)})); }
      }
      if (st && st.comment) { dl.appendChild(el('dt', {'class': 'rr-wide', text: S.staff_comment})); dl.appendChild(el('dd', {'class': 'rr-text rr-wide', text: st.comment})); }
      wrap.appendChild(el('div', {'class': 'rr-card'}, [el('h5', {text: c.label}), dl]));
    });
    if (res.overall_comment) { wrap.appendChild(el('div', {'class': 'rr-card'}, [el('h5', {text: S.staff_comment}), textBox(res.overall_comment)])); }
    if (mine) { wrap.appendChild(el('p', {'class': 'rr-small', text: res.by === 'peers' ? S.gap_help_peers : S.gap_help})); }
    if (state.peer_feedback && state.peer_feedback.length) {
      wrap.appendChild(el('h4', {text: S.peer_feedback}));
      state.peer_feedback.forEach(function (f) {
        var items = used.criteria.map(function (c) {
          var p = part(f, c.id);
          if (!p || (!p.level_id && !p.comment)) { return null; }
          return el('li', {text: c.label + ': ' + (p.level_id ? levelText(c, p.level_id) : '') + (p.comment ? ' — ' + p.comment : '')});
        });
        wrap.appendChild(el('div', {'class': 'rr-card'}, [el('h5', {text: fmt(S.reviewer_n, {n: f.reviewer})}), el('ul', {}, items),
          f.overall_comment ? textBox(f.overall_comment) : null]));
      });
    }
    if (state.appeal) { wrap.appendChild(appealBox(state.appeal)); }
  }

  function appealBox(a) {
    var box = el('section', {'class': 'rr-card rr-appeal', 'aria-label': S.appeal_title}, [el('h5', {text: S.appeal_title})]);
    var ap = a.appeal;
    if (ap) {
      box.appendChild(el('p', {text: fmt(S.appeal_sent, {time: when(ap.created_at)})}));
      box.appendChild(textBox(ap.reason));
      if (ap.status === 'open') {
        box.appendChild(el('p', {'class': 'rr-note', text: fmt(S.appeal_staff_deadline, {time: when(ap.staff_deadline)})}));
      } else {
        box.appendChild(el('p', {'class': 'rr-total', text: S['appeal_' + ap.status]}));
        box.appendChild(el('p', {text: S.appeal_decision_reason}));
        box.appendChild(textBox(ap.decision_reason));
      }
      return box;
    }
    if (!a.open) { if (a.deadline) { box.appendChild(el('p', {'class': 'rr-small', text: fmt(S.appeal_closed, {time: when(a.deadline)})})); } return box; }
    box.appendChild(el('p', {text: fmt(S.appeal_until, {time: when(a.deadline)})}));
    var rid = nid(), reason = el('textarea', {id: rid, rows: 3, maxlength: 4000});
    var send = el('button', {type: 'button', 'class': 'rr-primary', text: S.appeal_send});
    box.appendChild(el('label', {'for': rid, text: S.appeal_reason}));
    box.appendChild(reason); box.appendChild(send);
    send.addEventListener('click', function () {
      send.disabled = true;
      post('appeal', {reason: reason.value}).then(function (r) { say(S.appeal_done); show(r.state); }, function (e) {
        send.disabled = false; fail(e);
        if (e.body && e.body.state) { show(e.body.state); }
      });
    });
    return box;
  }

  // ---- training and peer review -------------------------------------------------------------
  function renderTraining(wrap) {
    var h = el('h4', {tabindex: -1, 'class': 'rr-focus', text: S.training_title});
    wrap.appendChild(h); wrap.appendChild(el('p', {text: fmt(S.training_help, {tolerance: cfg.tolerance})}));
    var area = el('div', {});
    wrap.appendChild(area);
    post('training_next').then(function (r) {
      if (!r.example) { area.appendChild(el('p', {'class': 'rr-note', text: S.training_none})); return; }
      area.appendChild(el('p', {'class': 'rr-small', text: fmt(S.training_progress, {done: r.training.passed.length, total: r.training.examples})}));
      area.appendChild(textBox(r.example.text));
      area.appendChild(rubricForm(null, false, S.training_check, function (d) {
        return post('training_assess', {example_id: r.example.id, selections: d.selections}).then(function (t) {
          clear(area).appendChild(trainingResult(t));
        });
      }, true));
    }, fail);
    h.focus();
  }
  function trainingResult(t) {
    var box = el('div', {'class': 'rr-card'});
    var head = el('p', {tabindex: -1, 'class': 'rr-total', text: t.result.passed ? S.training_passed : S.training_failed});
    box.appendChild(head);
    box.appendChild(el('ul', {'class': 'rr-compare'}, t.result.rows.map(function (row) {
      var c = crit(row.criterion_id);
      return el('li', {'class': row.ok ? 'rr-ok' : 'rr-off'}, [
        el('strong', {text: c ? c.label : row.criterion_id}), ' ',
        fmt(S.training_row, {mine: levelText(c, row.mine), reference: levelText(c, row.reference), distance: row.distance}),
        row.rationale ? el('span', {'class': 'rr-ldesc', text: fmt(S.training_why, {why: row.rationale})}) : null]);
    })));
    if (t.training.accuracy !== null) { box.appendChild(el('p', {'class': 'rr-small', text: fmt(S.training_accuracy, {pct: Math.round(t.training.accuracy * 100)})})); }
    box.appendChild(el('button', {type: 'button', 'class': 'rr-primary', text: S.next, on: {click: function () { show(t.state); }}}));
    setTimeout(function () { head.focus(); }, 0);
    return box;
  }
  function renderPeer(wrap) {
    var p = state.peer;
    var h = el('h4', {tabindex: -1, 'class': 'rr-focus', text: S.peer_title});
    wrap.appendChild(h);
    wrap.appendChild(el('p', {text: S.peer_help}));
    wrap.appendChild(el('p', {'class': 'rr-small', text: fmt(S.peer_progress, {done: p.done, required: p.required})}));
    var area = el('div', {});
    wrap.appendChild(area);
    post('peer_next').then(function (r) {
      if (!r.review) { area.appendChild(el('p', {'class': 'rr-note', text: S.peer_none})); return; }
      area.appendChild(el('h5', {text: fmt(S.peer_text, {words: r.review.words})}));
      area.appendChild(textBox(r.review.text));
      area.appendChild(rubricForm(null, true, S.peer_save, function (d) {
        d.submission_uuid = r.review.submission_uuid; d.rubric_version = args.rubric_version;
        return post('peer_assess', d).then(function (res) { say(S.peer_saved); show(res.state); });
      }));
    }, fail);
    h.focus();
  }

  function renderStep() {
    var details = root.querySelector('.rr-rubric');
    if (details && (state.step === 'waiting' || state.step === 'done')) { details.open = false; }
    if (!state.submission) { renderWrite(); return; }
    var wrap = clear(stepEl);
    if (state.step === 'self') {
      var h = el('h4', {tabindex: -1, 'class': 'rr-focus', text: S.self_title});
      wrap.appendChild(h); wrap.appendChild(el('p', {text: S.self_help}));
      wrap.appendChild(rubricForm(null, true, S.save_self, function (d) {
        d.rubric_version = args.rubric_version;
        return post('self_assess', d).then(function (r) { say(S.waiting); show(r.state); }, function (e) {
          if (e.code === 'RUBRIC_CHANGED') { e.message = S.rubric_changed; }
          throw e;
        });
      }));
      wrap.appendChild(submittedBox());
      h.focus();
      return;
    }
    if (state.step === 'training') { renderTraining(wrap); wrap.appendChild(submittedBox()); return; }
    if (state.step === 'peer') { renderPeer(wrap); wrap.appendChild(submittedBox()); return; }
    if (state.step === 'done' && state.result) { renderResult(wrap); } else if (state.step === 'waiting') { wrap.appendChild(el('p', {'class': 'rr-note', text: cfg.mode === 'staff' ? S.waiting : S.waiting_peers})); }
    if (state.self_assessment && !state.result) {
      wrap.appendChild(el('p', {text: fmt(S.self_total, {earned: state.self_assessment.points_earned, possible: state.self_assessment.points_possible})}));
    }
    wrap.appendChild(submittedBox());
    var f = wrap.querySelector('.rr-focus'); if (f) { f.focus(); }
  }
  renderStep();

  // ---- staff analytics (tangerang_units/public/analytics.js, course staff only) ----------------
  var analyticsBox = (element.jquery ? element[0] : element).querySelector('.tgr-analytics');
  if (args.is_staff && analyticsBox && args.analytics && window.TangerangAnalytics) {
    window.TangerangAnalytics.mount(runtime, element, analyticsBox, {strings: args.analytics, locale: args.locale});
  }

  // ---- staff panel (public/rubric_staff.js, sent to course staff only) -------------------------
  if (!args.is_staff || !staffEl || typeof RubricReflectionStaffPanel !== 'function') { return; }
  RubricReflectionStaffPanel({
    S: S, cfg: cfg, staffEl: staffEl, post: post, say: say, fail: fail, fmt: fmt, num: num, when: when, month: month,
    nid: nid, pointsLine: pointsLine, part: part, levelText: levelText, rubricOf: rubricOf, textBox: textBox, simView: simView,
    rubricForm: rubricForm, runtime: runtime, element: element, setRubric: function (r) { rubric = r; }, getRubric: function () { return rubric; }
  });
}
