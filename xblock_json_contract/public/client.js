/* The browser side of the handler contract, shared by both blocks' scripts (learner views and
 * Studio editors): the el() DOM helper and the JSON POST to a handler. Each block's fragment
 * adds this file before its own script (no build step, no CDN); a page with both blocks runs
 * it more than once, which only redefines the same functions.
 *
 * TangerangXBlocks.el(tag, attrs, children) builds an element:
 *   attrs: a null, undefined or false value is left out;
 *          "text" sets textContent; "value" and "checked" set the properties;
 *          "on" is an object {event: listener}; "onclick", "oninput"… add one listener;
 *          anything else is an attribute (true becomes the empty string, as in HTML).
 *   children: elements, or strings and numbers (as text); null, undefined, false and ""
 *          are left out.
 * TangerangXBlocks.button(text, onclick, attrs) is a type="button" element whose click runs
 *   onclick(event) without the default action.
 * TangerangXBlocks.clear(node) removes the node's children and returns it.
 * TangerangXBlocks.csrfToken() is Django's CSRF cookie ("" without one).
 * TangerangXBlocks.numberFormat(language, options) is a function that writes a number in the
 *   page's language (args.locale.language), never the browser's: Intl.NumberFormat's, built
 *   on the first number that needs it. The first Intl object of a page costs Chromium 40-70 ms
 *   (it loads the locale's data): whole numbers between -999 and 999, which Indonesian and
 *   English write as plain digits, are written without one. Anything not a number: String().
 * TangerangXBlocks.postJson(runtime, element, handler, payload, offline) POSTs payload as JSON
 *   to the block's handler and resolves to {ok, status, data} for any HTTP answer (data is {}
 *   when the body is not JSON). A network failure rejects, unless the message `offline` is
 *   given: then it resolves to {ok: false, status: 0, data: {error: {code: "OFFLINE",
 *   message: offline}}}, the shape of every handler refusal.
 * TangerangXBlocks.getJson(runtime, element, handler, offline) is the same for a handler that
 *   only reads (json_reader): a GET without a body, so that it can take the answer to the page's
 *   <link rel="preload" as="fetch"> of the same address instead of asking again.
 * TangerangXBlocks.postFile(runtime, element, handler, payload) is the same POST to a handler
 *   that answers with a file (a streamed CSV): it resolves to {ok, status, blob, filename, data};
 *   blob and filename (from Content-Disposition) when ok, else data is the refusal's JSON body.
 * TangerangXBlocks.dayText(iso, language, month) is a calendar day "YYYY-MM-DD" in the page's
 *   language (args.locale.language), month "short" (default) or "long", never the browser's locale;
 *   a month "YYYY-MM" is its name and year ("Desember 2026").
 */
(function (root) {
  "use strict";
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) { return; }
      if (key === "text") { node.textContent = value; }
      else if (key === "on") {
        Object.keys(value).forEach(function (name) { node.addEventListener(name, value[name]); });
      }
      else if (key.slice(0, 2) === "on") { node.addEventListener(key.slice(2), value); }
      else if (key === "value") { node.value = value; }
      else if (key === "checked") { node.checked = !!value; }
      else { node.setAttribute(key, value === true ? "" : value); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false || child === "") { return; }
      node.appendChild(typeof child === "string" || typeof child === "number"
        ? document.createTextNode(String(child)) : child);
    });
    return node;
  }
  function button(text, onclick, attrs) {
    return el("button", Object.assign({type: "button", text: text, onclick: function (e) {
      e.preventDefault(); onclick(e);
    }}, attrs || {}));
  }
  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
    return node;
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function numberFormat(language, options) {
    var lang = language || "id";
    var plain = !options && /^(id|en)(-|$)/.test(lang);
    var intl;
    return function (value) {
      if (typeof value !== "number") { return String(value); }
      if (plain && value % 1 === 0 && value > -1000 && value < 1000) { return String(value); }
      if (intl === undefined) {
        try { intl = new Intl.NumberFormat(lang, options); } catch (e) { intl = null; }
      }
      return intl ? intl.format(value) : String(value);
    };
  }
  function answered(request, offline) {
    var sent = request.then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {ok: response.ok, status: response.status, data: data};
      });
    });
    if (offline === undefined) { return sent; }
    return sent.then(null, function () {
      return {ok: false, status: 0, data: {error: {code: "OFFLINE", message: offline}}};
    });
  }
  function postJson(runtime, element, handler, payload, offline) {
    return answered(fetch(runtime.handlerUrl(element, handler), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(payload)
    }), offline);
  }
  function getJson(runtime, element, handler, offline) {
    // Mode and credentials as the preload's (crossorigin="anonymous"), no extra headers.
    return answered(fetch(runtime.handlerUrl(element, handler), {credentials: "same-origin"}), offline);
  }
  function postFile(runtime, element, handler, payload) {
    return fetch(runtime.handlerUrl(element, handler), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(payload)
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {ok: false, status: response.status, blob: null, filename: "", data: data};
        });
      }
      var match = (response.headers.get("Content-Disposition") || "").match(/filename="?([^";]+)"?/);
      return response.blob().then(function (blob) {
        return {ok: true, status: response.status, blob: blob, filename: match ? match[1] : "", data: {}};
      });
    });
  }
  // A calendar day ("YYYY-MM-DD", a day of the course's calendar: no time, no time zone) as the
  // page's language writes it, never the browser's: dayText("2026-02-10", "id") is "10 Feb 2026",
  // dayText("2026-02-10", "id", "long") "10 Februari 2026", dayText("2026-02-10", "en") "Feb 10, 2026".
  // A month "YYYY-MM" is its name and year: dayText("2026-12", "id") is "Desember 2026".
  // Anything else (or a browser without Intl) is returned as given.
  var dayFormats = {};
  function dayText(iso, language, month) {
    var parts = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(String(iso || ""));
    if (!parts) { return iso; }
    var whole = parts[3] === undefined;  // a month, not a day
    var key = (language || "id") + "|" + (whole ? "month" : month || "short");
    if (!Object.prototype.hasOwnProperty.call(dayFormats, key)) {
      try {
        dayFormats[key] = new Intl.DateTimeFormat(language || "id", whole ?
          {month: "long", year: "numeric", timeZone: "UTC"} :
          {day: "numeric", month: month || "short", year: "numeric", timeZone: "UTC"});
      } catch (e) { dayFormats[key] = null; }
    }
    var format = dayFormats[key];
    var day = new Date(Date.UTC(Number(parts[1]), Number(parts[2]) - 1, whole ? 1 : Number(parts[3])));
    return format && !isNaN(day) ? format.format(day) : iso;
  }

  root.TangerangXBlocks = Object.assign(root.TangerangXBlocks || {},
    {el: el, button: button, clear: clear, csrfToken: csrfToken, numberFormat: numberFormat, postJson: postJson,
     getJson: getJson, postFile: postFile, dayText: dayText});
}(window));
