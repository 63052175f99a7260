/* Where the signal ends: the service worker (sw.js) keeps the shell and the day's pages; a
   callback recorded without a connection is kept on the phone (IndexedDB, per user) with a
   client id, its time and its check-in, counted in the menu as "待同步 N", and sent when the
   connection returns with a fresh CSRF token. The server records each client id once; what it
   refuses (the item done or reassigned meanwhile) is listed on the page until dismissed. */
(function () {
  "use strict";
  const panel = document.getElementById("offline-panel");
  if (!("caches" in window)) return;
  if (!panel) {  // nobody signed in: the last person's pages leave the phone
    caches.delete("pages-v1");
    return;
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(panel.dataset.sw, {scope: "/"}).catch(() => {});
  }
  if (!("indexedDB" in window)) return;
  const user = panel.dataset.user;
  const badge = document.querySelector('[data-test="pending-sync"]');
  const status = panel.querySelector('[data-test="offline-status"]');
  const conflictBox = panel.querySelector('[data-test="offline-conflicts"]');

  function open() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open("tenant-offline", 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore("pending", {keyPath: "client_id"});
        req.result.createObjectStore("conflicts", {keyPath: "client_id"});
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function run(store, mode, fn) {
    return open().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const result = fn(tx.objectStore(store));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    }));
  }

  const all = (store) => run(store, "readonly", (s) => s.getAll())
    .then((rows) => (rows || []).filter((r) => r.user === user));

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
    status.className = text ? "alert alert-info" : "";
    panel.classList.toggle("d-none", !text && conflictBox.hidden);
  }

  function show() {
    return Promise.all([all("pending"), all("conflicts")]).then(([pending, conflicts]) => {
      badge.querySelector("b").textContent = pending.length;
      badge.classList.toggle("d-none", pending.length === 0);
      const list = conflictBox.querySelector("ul");
      list.replaceChildren();
      conflicts.forEach((c) => {
        const li = document.createElement("li");
        li.dataset.test = "conflict";
        li.textContent = `${c.customer_name} · ${c.fields.done_on || ""} · ${c.reason} `;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-link p-0";
        button.textContent = panel.dataset.dismiss;
        button.addEventListener("click", () => run("conflicts", "readwrite", (s) => s.delete(c.client_id)).then(show));
        li.appendChild(button);
        list.appendChild(li);
      });
      conflictBox.querySelector("p").textContent = panel.dataset.conflicts;
      conflictBox.hidden = conflicts.length === 0;
      conflictBox.className = conflicts.length ? "alert alert-danger" : "";
      conflictBox.setAttribute("role", conflicts.length ? "alert" : "presentation");
      panel.classList.toggle("d-none", conflicts.length === 0 && status.hidden);
    });
  }

  let syncing = false;
  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      const pending = await all("pending");
      if (!pending.length) return;
      const tokenResponse = await fetch(panel.dataset.tokenUrl, {credentials: "same-origin", cache: "no-store"});
      if (!tokenResponse.ok) return;
      const token = (await tokenResponse.json()).token;
      let sent = 0;
      for (const record of pending) {
        let response;
        try {
          response = await fetch(record.url, {method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token}, body: JSON.stringify(record)});
        } catch (e) {
          break;  // the connection went again: the rest waits
        }
        if (response.status >= 500) break;
        let answer = {};
        try { answer = await response.json(); } catch (e) { answer = {}; }
        if (response.ok) {
          sent += 1;
        } else {
          record.reason = answer.reason || String(response.status);
          await run("conflicts", "readwrite", (s) => s.put(record));
        }
        await run("pending", "readwrite", (s) => s.delete(record.client_id));
      }
      if (sent) say(panel.dataset.synced.replace("{n}", sent));
    } finally {
      syncing = false;
      show();
    }
  }

  function keep(form) {
    const data = new FormData(form);
    const fields = {};
    const geo = {status: data.get("geo_status") || "", lat: data.get("lat"), lon: data.get("lon"),
                 accuracy: data.get("accuracy")};
    for (const [name, value] of data.entries()) {
      if (["csrf_token", "photos", "geo_status", "lat", "lon", "accuracy"].includes(name) || typeof value !== "string") continue;
      if (name === "steps") (fields.steps = fields.steps || []).push(value);
      else fields[name] = value;
    }
    const id = (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);
    const record = {client_id: id, user: user, url: form.dataset.offlineReplay,
                    customer_id: form.dataset.customer, item_id: form.dataset.item || null,
                    customer_name: form.dataset.customerName, recorded_at: new Date().toISOString(),
                    fields: fields, geo: geo};
    return run("pending", "readwrite", (s) => s.put(record));
  }

  document.querySelectorAll("form[data-offline-replay]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (navigator.onLine) return;  // the form posts as usual, photos included
      event.preventDefault();
      keep(form).then(() => {
        form.reset();
        say(panel.dataset.saved);
        window.scrollTo({top: 0, behavior: "instant"});
        return show();
      });
    });
  });

  window.addEventListener("online", sync);
  show().then(sync);
})();
