// Lists as cards on a phone (app.css, .table-cards): each cell without a data-label takes its
// column's heading, so a card line reads "到期日 2026-12-05". Without JavaScript the table stays a table.
document.querySelectorAll("table.table-cards").forEach(function (table) {
  var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
    return th.textContent.trim();
  });
  table.querySelectorAll("tbody tr").forEach(function (tr) {
    Array.prototype.forEach.call(tr.children, function (td, i) {
      if (!td.hasAttribute("data-label") && heads[i] && !td.classList.contains("card-title-cell")) {
        td.setAttribute("data-label", heads[i]);
      }
    });
  });
});
