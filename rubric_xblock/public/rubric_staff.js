/* rubric_reflection: the staff panel (queue, grade next, release, appeals, training examples,
   agreement). Sent to course staff only; uses the learner script's helpers (ctx). No build step. */
function RubricReflectionStaffPanel(ctx) {
  'use strict';
  var S = ctx.S, cfg = ctx.cfg, staffEl = ctx.staffEl, post = ctx.post, runtime = ctx.runtime, element = ctx.element;
  var el = TangerangXBlocks.el;  // xblock_json_contract/public/client.js (shared by both blocks)
  var clear = TangerangXBlocks.clear;
  var say = ctx.say, fail = ctx.fail, fmt = ctx.fmt, num = ctx.num, when = ctx.when, month = ctx.month, nid = ctx.nid, part = ctx.part;
  var levelText = ctx.levelText, rubricOf = ctx.rubricOf, textBox = ctx.textBox;
  var query = {filter: 'ungraded', sort: 'oldest', search: '', unit: '', offset: 0};
  var selected = {}, lastQueue = null;
  var FILTERS = ['ungraded', 'graded', 'unreleased', 'released', 'flagged', 'breached', 'appealed', 'sampled', 'all'];
  var SORTS = ['oldest', 'newest', 'username', 'words'];

  function select(label, options, value, onChange) {
    var id = nid(), s = el('select', {id: id});
    options.forEach(function (o) { s.appendChild(el('option', {value: o[0], selected: o[0] === value, text: o[1]})); });
    s.addEventListener('change', function () { onChange(s.value); });
    return el('div', {'class': 'rr-field'}, [el('label', {'for': id, text: label}), s]);
  }
  function selectedUuids() { return Object.keys(selected).filter(function (k) { return selected[k]; }); }

  // ---- tabs ------------------------------------------------------------------------------------
  function tabs(active) {
    var bar = el('div', {'class': 'rr-bar rr-tabs', role: 'group', 'aria-label': S.staff_title});
    [['queue', S.tab_queue, loadQueue], ['agreement', S.tab_agreement, loadAgreement], ['examples', S.tab_examples, loadExamples]]
      .forEach(function (t) {
        bar.appendChild(el('button', {type: 'button', 'aria-pressed': t[0] === active ? 'true' : 'false', text: t[1], on: {click: t[2]}}));
      });
    return bar;
  }

  // ---- queue -----------------------------------------------------------------------------------
  function loadQueue() {
    return post('staff_queue', query).then(renderQueue, fail);
  }
  function renderQueue(q) {
    lastQueue = q;
    var box = clear(staffEl);
    box.appendChild(el('h3', {tabindex: -1, 'class': 'rr-sfocus', text: S.staff_title}));
    box.appendChild(tabs('queue'));
    var sid = nid(), search = el('input', {id: sid, type: 'search', value: query.search, maxlength: 100});
    var form = el('form', {'class': 'rr-filters', role: 'search'}, [
      el('div', {'class': 'rr-field'}, [el('label', {'for': sid, text: S.search}), search]),
      select(S.filter, FILTERS.map(function (f) { return [f, fmt(S['filter_' + f], {count: q.counts[f]})]; }), query.filter,
        function (v) { query.filter = v; query.offset = 0; loadQueue(); }),
      select(S.sort, SORTS.map(function (f) { return [f, S['sort_' + f]]; }), query.sort,
        function (v) { query.sort = v; query.offset = 0; loadQueue(); }),
      q.units.length ? select(S.unit, [['', S.unit_all]].concat(q.units.map(function (u) { return [u, u]; })), query.unit,
        function (v) { query.unit = v; query.offset = 0; loadQueue(); }) : null,
      el('button', {type: 'submit', text: S.search_go})
    ]);
    form.addEventListener('submit', function (ev) { ev.preventDefault(); query.search = search.value; query.offset = 0; loadQueue(); });
    box.appendChild(form);

    var tools = el('div', {'class': 'rr-bar'});
    tools.appendChild(el('button', {type: 'button', 'class': 'rr-primary rr-next', text: S.grade_next, on: {click: gradeNext}}));
    var count = selectedUuids().length;
    tools.appendChild(el('button', {type: 'button', 'class': 'rr-release-sel', disabled: !count, text: fmt(S.release_selected, {count: count}),
      on: {click: function () { confirmRelease(selectedUuids()); }}}));
    tools.appendChild(el('button', {type: 'button', 'class': 'rr-release-all', disabled: !q.unreleased, text: fmt(S.release, {count: q.unreleased}),
      on: {click: function () { confirmRelease(null); }}}));
    tools.appendChild(el('button', {type: 'button', text: S.download_csv, on: {click: downloadCsv}}));
    box.appendChild(tools);
    box.appendChild(el('div', {'class': 'rr-confirm-slot'}));

    var first = q.total ? q.offset + 1 : 0, last = q.offset + q.items.length;
    box.appendChild(el('p', {'class': 'rr-small rr-range', 'aria-live': 'polite', text: fmt(S.showing, {first: first, last: last, total: q.total})}));
    if (!q.items.length) { box.appendChild(el('p', {text: S.queue_empty})); } else {
      box.appendChild(el('ul', {'class': 'rr-queue'}, q.items.map(queueRow)));
    }
    var pager = el('div', {'class': 'rr-bar rr-pager'});
    pager.appendChild(el('button', {type: 'button', 'class': 'rr-prev', disabled: q.offset === 0, text: S.prev_page,
      on: {click: function () { query.offset = Math.max(0, q.offset - q.page_size); loadQueue(); }}}));
    pager.appendChild(el('button', {type: 'button', 'class': 'rr-nextpage', disabled: last >= q.total, text: S.next_page,
      on: {click: function () { query.offset = q.offset + q.page_size; loadQueue(); }}}));
    box.appendChild(pager);
  }
  function queueRow(it) {
    var status = S['status_' + it.status] + (it.status === 'graded' ? ' · ' + num(it.points_earned) + '/' + num(it.points_possible) + ' · ' + (it.released ? S.released : S.not_released) : '');
    var old = it.status === 'graded' && it.rubric_current === false;
    var cid = nid(), box = el('input', {type: 'checkbox', id: cid, checked: !!selected[it.submission_uuid], 'aria-label': fmt(S.select_row, {username: it.username})});
    box.addEventListener('change', function () {
      selected[it.submission_uuid] = box.checked;
      var n = selectedUuids().length, btn = staffEl.querySelector('.rr-release-sel');
      btn.textContent = fmt(S.release_selected, {count: n}); btn.disabled = !n;
    });
    var tags = [];
    if (it.flagged) { tags.push(el('span', {'class': 'rr-tag', text: S.tag_flagged})); }
    if (it.breached) { tags.push(el('span', {'class': 'rr-tag rr-tag-bad', text: S.tag_breached})); }
    if (it.appealed) { tags.push(el('span', {'class': 'rr-tag rr-tag-bad', text: S.tag_appealed})); }
    if (it.locked) { tags.push(el('span', {'class': 'rr-tag', text: S.tag_locked})); }
    if (old) { tags.push(el('span', {'class': 'rr-old', text: S.old_rubric_tag})); }
    return el('li', {'class': 'rr-qrow'}, [box, el('button', {type: 'button', 'class': 'rr-link', on: {click: function () { openSubmission(it.submission_uuid, false); }}},
      [el('strong', {text: it.username || '?'}), el('span', {text: ' · ' + when(it.submitted_at) + ' · ' + status})].concat(tags))]);
  }
  function confirmRelease(uuids) {
    var body = uuids ? {submission_uuids: uuids, preview: true} : {preview: true};
    post('release_grades', body).then(function (p) {
      var slot = clear(staffEl.querySelector('.rr-confirm-slot'));
      var yes = el('button', {type: 'button', 'class': 'rr-primary', text: fmt(S.release_yes, {count: p.count}), disabled: !p.count});
      var no = el('button', {type: 'button', text: S.cancel, on: {click: function () { clear(slot); }}});
      slot.appendChild(el('div', {'class': 'rr-confirm', role: 'alertdialog', 'aria-label': S.release_title}, [
        el('p', {text: fmt(S.release_confirm, {count: p.count})}), yes, ' ', no]));
      yes.addEventListener('click', function () {
        yes.disabled = true;
        var send = uuids ? {submission_uuids: uuids, expected_count: p.count} : {expected_count: p.count};
        post('release_grades', send).then(function (r) {
          selected = {}; say(fmt(S.released_n, {count: r.released})); loadQueue();
        }, function (e) { fail(e); if (e.code === 'COUNT_CHANGED') { confirmRelease(uuids); } });
      });
      yes.focus();
    }, fail);
  }
  function gradeNext() {
    say(S.loading);
    post('grade_next').then(function (r) {
      if (!r.submission) { say(S.nothing_next); return; }
      say(''); renderSubmission(r.submission);
    }, fail);
  }
  function downloadCsv() {
    // A streamed file, not JSON: the contract's postFile (same POST, CSRF header and errors).
    TangerangXBlocks.postFile(runtime, element, 'download_csv', {}).then(function (r) {
      if (!r.ok) { throw new Error((r.data.error && r.data.error.message) || S.error); }
      var url = URL.createObjectURL(r.blob), a = el('a', {href: url, download: r.filename || 'grades.csv'});
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }).catch(fail);
  }

  // ---- one submission ---------------------------------------------------------------------------
  function openSubmission(uuid, reveal) {
    say(S.loading);
    return post('staff_submission', {submission_uuid: uuid, reveal: reveal}).then(function (r) { say(''); renderSubmission(r.submission); }, fail);
  }
  function assessmentList(a, r) {
    return el('ul', {}, r.criteria.map(function (c) {
      var p = part(a, c.id);
      return el('li', {text: c.label + ': ' + (c.levels.length ? levelText(c, p && p.level_id) : '') + (p && p.comment ? ' — ' + p.comment : '')});
    }));
  }
  function renderSubmission(sub) {
    if (sub.rubric) { ctx.setRubric(sub.rubric); }
    var box = clear(staffEl);
    box.appendChild(el('button', {type: 'button', text: S.back, on: {click: loadQueue}}));
    box.appendChild(el('button', {type: 'button', 'class': 'rr-next', text: S.grade_next, on: {click: gradeNext}}));
    var h = el('h4', {tabindex: -1, text: fmt(S.submitted_by, {username: sub.username, time: when(sub.submitted_at), words: sub.words})});
    box.appendChild(h);
    if (sub.lock) { box.appendChild(el('p', {'class': sub.lock.mine ? 'rr-note' : 'rr-warn', text: fmt(sub.lock.mine ? S.lock_mine : S.lock_other, {time: when(sub.lock.until)})})); }
    if (sub.breached) { box.appendChild(el('p', {'class': 'rr-warn', text: S.breached_note})); }
    box.appendChild(textBox(sub.text));
    if (sub.masked) {
      box.appendChild(el('p', {'class': 'rr-small'}, [S.masked_note + ' ', el('button', {type: 'button', text: S.reveal, on: {click: function () { openSubmission(sub.submission_uuid, true); }}})]));
    }
    box.appendChild(el('button', {type: 'button', 'aria-pressed': sub.flagged ? 'true' : 'false', text: S.flag, on: {click: function () {
      post('staff_flag', {submission_uuid: sub.submission_uuid, flagged: !sub.flagged}).then(function () { openSubmission(sub.submission_uuid, false); }, fail);
    }}}));
    box.appendChild(el('h5', {text: S.learner_self}));
    if (sub.self_assessment) {
      box.appendChild(assessmentList(sub.self_assessment, rubricOf(sub.self_assessment, sub.rubrics)));
      if (sub.self_assessment.overall_comment) { box.appendChild(textBox(sub.self_assessment.overall_comment)); }
    } else { box.appendChild(el('p', {text: S.none_yet})); }
    if (sub.peer_median) {
      box.appendChild(el('h5', {text: fmt(S.peer_median, {count: sub.peer_reviews})}));
      box.appendChild(assessmentList(sub.peer_median, rubricOf(sub.peer_median, sub.rubrics)));
      box.appendChild(el('p', {text: ctx.pointsLine(sub.peer_median.points_earned, sub.peer_median.points_possible)}));
    }
    if (cfg.linked) { box.appendChild(ctx.simView(sub.simulation, nid(), S.sim_title_staff, true)); }
    if (sub.appeal) { box.appendChild(appealPanel(sub)); }
    var second = sub.grading_as === 'second';
    var stale = sub.staff_assessment && sub.rubric_current === false;
    if (stale) {
      var old = sub.staff_assessment, oldRubric = rubricOf(old, sub.rubrics);
      box.appendChild(el('div', {'class': 'rr-warn rr-stale', role: 'note'}, [
        el('p', {}, [el('span', {'class': 'rr-old', text: fmt(S.rubric_version, {version: old.rubric_version})}), ' ',
          fmt(S.old_rubric, {old: old.rubric_version, current: sub.rubric_version})]),
        oldRubric.reconstructed ? el('p', {'class': 'rr-small', text: S.reconstructed}) : null]));
      box.appendChild(el('h5', {text: S.old_grade}));
      box.appendChild(el('div', {'class': 'rr-oldgrade'}, [assessmentList(old, oldRubric)]));
      box.appendChild(el('p', {text: ctx.pointsLine(old.points_earned, old.points_possible)}));
    }
    box.appendChild(el('h5', {text: second ? S.second_grade : (stale ? S.regrade : S.grade)}));
    if (second) { box.appendChild(el('p', {'class': 'rr-note', text: S.second_help})); }
    if (stale) { box.appendChild(el('p', {'class': 'rr-small', text: S.regrade_help})); }
    box.appendChild(ctx.rubricForm(second ? null : sub.staff_assessment, true, stale ? S.save_regrade : S.save_grade, function (d) {
      d.submission_uuid = sub.submission_uuid; d.expected_version = sub.version; d.rubric_version = sub.rubric_version;
      if (second) { d.second = true; }
      return post('staff_grade', d).then(function (r) {
        renderSubmission(r.submission); say(fmt(S.grade_saved, {version: r.submission.version}));
      }, function (e) {
        if (e.code === 'LOCKED' && e.body && e.body.submission) { renderSubmission(e.body.submission); say(e.message, true); return; }
        if (e.status === 409) { return openSubmission(sub.submission_uuid, false).then(function () { say(e.message, true); }); }
        throw e;
      });
    }));
    if (sub.staff_assessment && !second) {
      box.appendChild(el('button', {type: 'button', text: S.make_example, on: {click: function () {
        var sel = {}, why = {};
        sub.staff_assessment.parts.forEach(function (p) { if (p.level_id) { sel[p.criterion_id] = p.level_id; } if (p.comment) { why[p.criterion_id] = p.comment; } });
        post('staff_add_example', {submission_uuid: sub.submission_uuid, selections: sel, rationale: why}).then(function (r) {
          say(fmt(S.example_added, {count: r.examples.length}));
        }, fail);
      }}}));
    }
    if (sub.history.length) {
      box.appendChild(el('h5', {text: S.history}));
      box.appendChild(el('ul', {'class': 'rr-small rr-history'}, sub.history.map(function (c) {
        var t = fmt(S.history_row, {at: when(c.at), action: S['action_' + c.action] || c.action, by: c.by || S.learner, version: c.version});
        if (c.previous && c.previous.points_earned !== undefined) { t += ' — ' + fmt(S.was, {earned: c.previous.points_earned, possible: c.previous.points_possible}); }
        return el('li', {text: t});
      })));
    }
    h.focus();
  }
  function appealPanel(sub) {
    var ap = sub.appeal;
    var box = el('section', {'class': 'rr-card rr-appeal', 'aria-label': S.appeal_title}, [el('h5', {text: S.appeal_title}), textBox(ap.reason)]);
    box.appendChild(el('p', {'class': ap.overdue ? 'rr-warn' : 'rr-note', text: fmt(ap.overdue ? S.appeal_overdue : S.appeal_staff_deadline, {time: when(ap.staff_deadline)})}));
    if (ap.status !== 'open') {
      box.appendChild(el('p', {'class': 'rr-total', text: S['appeal_' + ap.status]}));
      box.appendChild(textBox(ap.decision_reason));
      return box;
    }
    var rid = nid(), reason = el('textarea', {id: rid, rows: 3, maxlength: 4000});
    box.appendChild(el('label', {'for': rid, text: S.decision_reason}));
    box.appendChild(reason);
    box.appendChild(el('p', {'class': 'rr-small', text: S.decision_help}));
    box.appendChild(el('button', {type: 'button', 'class': 'rr-primary rr-uphold', text: S.uphold, on: {click: function () {
      post('decide_appeal', {submission_uuid: sub.submission_uuid, decision: 'upheld', reason: reason.value}).then(function (r) {
        say(S.appeal_upheld); renderSubmission(r.submission);
      }, fail);
    }}}));
    box.appendChild(el('h5', {text: S.change_grade}));
    box.appendChild(ctx.rubricForm(sub.staff_assessment, true, S.save_change, function (d) {
      d.submission_uuid = sub.submission_uuid; d.expected_version = sub.version; d.rubric_version = sub.rubric_version;
      d.decision = 'changed'; d.reason = reason.value;
      return post('decide_appeal', d).then(function (r) { say(S.appeal_changed); renderSubmission(r.submission); });
    }));
    return box;
  }

  // ---- agreement ----------------------------------------------------------------------------------
  function figure(v) { return v === null || v === undefined ? '–' : num(v); }
  function pct(v) { return v === null || v === undefined ? '–' : num(Math.round(v * 100)) + ' %'; }
  function agreementTable(caption, criteria) {
    var rubric = ctx.getRubric();
    var rows = rubric.criteria.filter(function (c) { return c.levels.length; }).map(function (c) {
      var f = criteria[c.id] || {n: 0};
      return el('tr', {}, [el('th', {scope: 'row', text: c.label}), el('td', {text: num(f.n)}), el('td', {text: pct(f.exact)}),
        el('td', {text: pct(f.within_one)}), el('td', {text: figure(f.kappa)})]);
    });
    return el('table', {'class': 'rr-table'}, [el('caption', {text: caption}), el('thead', {}, [el('tr', {}, [S.criterion, S.pairs, S.exact, S.within_one, S.kappa].map(function (t) {
      return el('th', {scope: 'col', text: t});
    }))]), el('tbody', {}, rows)]);
  }
  function loadAgreement() {
    post('agreement_summary').then(function (r) {
      var a = r.agreement, box = clear(staffEl);
      box.appendChild(el('h3', {tabindex: -1, text: S.staff_title}));
      box.appendChild(tabs('agreement'));
      box.appendChild(el('p', {text: fmt(S.sample_note, {sampled: a.sample.sampled, waiting: a.sample.waiting})}));
      ['staff_staff', 'staff_peer'].forEach(function (kind) {
        var k = a.kinds[kind];
        if (!k) { box.appendChild(el('p', {'class': 'rr-small', text: S['no_' + kind]})); return; }
        var wrap = el('div', {'class': 'rr-scroll', tabindex: 0, role: 'region', 'aria-label': S['agree_' + kind]});
        wrap.appendChild(agreementTable(S['agree_' + kind], k.criteria));
        Object.keys(k.periods).sort().forEach(function (period) {
          wrap.appendChild(agreementTable(fmt(S.period, {period: month(period), kind: S['agree_' + kind]}), k.periods[period]));
        });
        box.appendChild(wrap);
      });
      if (a.graders.length) {
        box.appendChild(el('h4', {text: S.grader_bias}));
        box.appendChild(el('ul', {}, a.graders.map(function (g) { return el('li', {text: fmt(S.grader_row, {grader: g.grader, n: g.n, diff: g.mean_difference})}); })));
        box.appendChild(el('p', {'class': 'rr-small', text: S.grader_help}));
      }
    }, fail);
  }

  // ---- training examples ------------------------------------------------------------------------
  function loadExamples() {
    var uuids = lastQueue ? lastQueue.items.map(function (i) { return i.submission_uuid; }) : [];
    post('staff_examples', uuids.length ? {students: uuids} : {}).then(function (r) {
      var box = clear(staffEl);
      box.appendChild(el('h3', {tabindex: -1, text: S.staff_title}));
      box.appendChild(tabs('examples'));
      box.appendChild(el('p', {'class': 'rr-small', text: S.examples_help}));
      if (!r.examples.length) { box.appendChild(el('p', {text: S.examples_none})); }
      r.examples.forEach(function (ex) {
        box.appendChild(el('div', {'class': 'rr-card'}, [textBox(ex.text),
          el('p', {'class': 'rr-small', text: fmt(S.example_stats, {attempts: ex.attempts, passed: ex.passed})}),
          el('button', {type: 'button', text: S.retire, on: {click: function () { post('staff_retire_example', {example_id: ex.id}).then(loadExamples, fail); }}})]));
      });
      var acc = Object.keys(r.accuracy);
      if (acc.length && lastQueue) {
        var names = {};
        lastQueue.items.forEach(function (i) { names[i.submission_uuid] = i.username; });
        box.appendChild(el('h4', {text: S.accuracy_title}));
        box.appendChild(el('ul', {}, acc.map(function (u) {
          var st = r.accuracy[u];
          return el('li', {text: fmt(S.accuracy_row, {username: names[u] || '?', passed: st.passed.length, total: st.examples, pct: st.accuracy === null ? '–' : Math.round(st.accuracy * 100)})});
        })));
      }
    }, fail);
  }

  loadQueue();
}
