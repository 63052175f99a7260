// The intent level as it is derived (services.callbacks.intent_level): from when the customer
// will buy, while there is an intent. Shown only; the server derives it again on save.
(function () {
  var out = document.querySelector(".record-form .intent-level");
  if (!out) return;
  var levels = JSON.parse(out.dataset.levels), when = document.querySelector('.record-form [name="when"]'),
      intent = document.querySelector('.record-form [name="has_intent"]');
  function show() {
    var level = intent && intent.checked && when ? levels[when.value] : null;
    out.textContent = level || out.dataset.none;
    out.className = "intent-level badge fs-6 " + (level ? "bg-danger" : "bg-secondary");
  }
  [when, intent].forEach(function (el) { if (el) el.addEventListener("change", show); });
  show();
})();
