// The bulk bar of list pages (blueprints/shared/bulk): tick the whole page at once and see how many
// rows are ticked. Without this file the bar still works: radio buttons choose the page or every
// row the filter matches. No inline script anywhere (CSP: script-src 'self').
(function () {
  "use strict";
  function setup(form) {
    var id = form.id;
    var rows = Array.prototype.slice.call(document.querySelectorAll('input[name="ids"][form="' + id + '"]'));
    var pageBox = document.querySelector('input[data-bulk-page][form="' + id + '"]');
    var count = form.querySelector("[data-bulk-count]");
    var checkedChoice = form.querySelector('input[name="selection"][value="checked"]');
    function refresh() {
      var n = rows.filter(function (r) { return r.checked; }).length;
      if (count) { count.textContent = String(n); count.hidden = false; }
      if (pageBox) {
        pageBox.checked = n > 0 && n === rows.length;
        pageBox.indeterminate = n > 0 && n < rows.length;
      }
    }
    rows.forEach(function (r) {
      r.addEventListener("change", function () {
        if (r.checked && checkedChoice) { checkedChoice.checked = true; }
        refresh();
      });
    });
    if (pageBox) {
      pageBox.closest("[data-bulk-page-label]").hidden = false;
      pageBox.addEventListener("change", function () {
        rows.forEach(function (r) { r.checked = pageBox.checked; });
        if (pageBox.checked && checkedChoice) { checkedChoice.checked = true; }
        refresh();
      });
    }
    // One action panel open at a time keeps the bar short on a phone.
    var panels = Array.prototype.slice.call(form.querySelectorAll("details.bulk-action"));
    panels.forEach(function (d) {
      d.addEventListener("toggle", function () {
        if (d.open) { panels.forEach(function (o) { if (o !== d) { o.open = false; } }); }
      });
    });
    refresh();
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-bulk]"), setup);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
