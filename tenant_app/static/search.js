// "/" anywhere outside a field jumps to search: the box in the navigation bar, or the search page on a phone.
document.addEventListener("keydown", function (e) {
  var t = e.target;
  if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
  var box = document.getElementById("nav-search");
  if (box && box.offsetParent !== null) { e.preventDefault(); box.focus(); return; }
  var link = document.querySelector('[data-test="search-link"]');
  if (link) { e.preventDefault(); window.location = link.href; }
});
