/* The complaint_sim Studio editor, first script: start loading the scenario.
 *
 * Loaded right after the shared client.js and before the editor's other scripts (studio.py,
 * EDITOR_SCRIPTS), so that editor_load travels while the browser is still compiling them: at 500
 * nodes the answer is ~370 KB and the scripts ~110 KB, and the two no longer wait for each other.
 * Each editor on the page (data-state="loading") asks for its scenario at the address the server
 * gave (args.load_url, in the block's own init data); ComplaintSimEditor (studio.js) then takes
 * that answer (element.prefetched) instead of asking again. Without fetch or the address, the
 * editor asks itself once the runtime starts it.
 */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll('.cse[data-state="loading"]'), function (ed) {
    var data = ed.parentNode && ed.parentNode.querySelector('script[type="application/json"]');
    if (ed.prefetched || !data || !window.fetch || !window.TangerangXBlocks) { return; }
    try {
      var args = JSON.parse(data.textContent);
      if (!args.load_url) { return; }
      var runtime = {handlerUrl: function () { return args.load_url; }};
      ed.prefetched = TangerangXBlocks.postJson(runtime, ed, "editor_load", {}, args.strings.offline);
    } catch (e) { ed.prefetched = null; }
  });
}());
