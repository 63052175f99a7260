/* The service worker: the shell (styles, scripts, icons: versioned URLs, kept until they
   change) and the pages a person needs in the field (home, the due list, the callback form they
   opened), fresh from the network when there is one, from the cache when there is not. Other
   pages, and anything but GET, always go to the network. offline.js empties the page cache
   when nobody is signed in, so the next person on a shared phone never sees the last one's. */
const SHELL = "shell-v1";
const PAGES = "pages-v1";
const KEEP = [/^\/[dbsm]\/$/, /^\/[db]\/callbacks$/, /^\/[db]\/customers\/\d+\/callbacks\/new$/, /^\/offline$/];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(PAGES).then((cache) => cache.add("/offline")).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== SHELL && n !== PAGES).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

function isAsset(url) {
  return url.pathname.startsWith("/static/") || url.pathname.startsWith("/bootstrap/static/");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (isAsset(url)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => {
      if (response.ok && url.searchParams.has("v")) {
        const copy = response.clone();
        caches.open(SHELL).then((cache) => cache.put(request, copy));
      }
      return response;
    })));
    return;
  }
  if (request.mode !== "navigate") return;
  const keep = KEEP.some((pattern) => pattern.test(url.pathname));
  event.respondWith(fetch(request).then((response) => {
    if (keep && response.ok && !response.redirected) {
      const copy = response.clone();
      caches.open(PAGES).then((cache) => cache.put(request, copy));
    }
    return response;
  }).catch(() => caches.match(request, {ignoreSearch: !url.search})
    .then((hit) => hit || caches.match("/offline"))));
});
