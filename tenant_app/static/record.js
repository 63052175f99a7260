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

// Check-in of a visit: shown for the visit methods; the position is read only when asked (the
// button), its accuracy kept; a refusal is recorded as such ("no location"), never a blocker.
(function () {
  var box = document.querySelector(".record-form .checkin");
  if (!box) return;
  var form = box.closest("form"), method = form.querySelector('[name="method"]'), button = box.querySelector(".locate"),
      state = box.querySelector(".geo-state"), visits = box.dataset.visitMethods.split(",");
  function set(name, value) { form.querySelector('[name="' + name + '"]').value = value; }
  function toggle() { box.hidden = !(method && visits.indexOf(method.value) >= 0); }
  if (method) method.addEventListener("change", toggle);
  toggle();
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { set("geo_status", "unavailable"); state.textContent = button.dataset.unavailable; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      set("geo_status", "located"); set("lat", pos.coords.latitude); set("lon", pos.coords.longitude);
      set("accuracy", Math.round(pos.coords.accuracy));
      state.textContent = button.dataset.located.replace("{m}", Math.round(pos.coords.accuracy));
    }, function (err) {
      var refused = err.code === err.PERMISSION_DENIED;
      set("geo_status", refused ? "refused" : "unavailable");
      state.textContent = refused ? button.dataset.refused : button.dataset.unavailable;
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });
})();
