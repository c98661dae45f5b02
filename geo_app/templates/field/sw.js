/* Service worker of "Captura en campo": keeps the page and its files so it opens without
 * network. Network first (so updates arrive when online), the cache when offline. Uploads
 * (POST) are never touched: the page's IndexedDB queue retries them. */
"use strict";
const CACHE = {{ cache_name|tojson }};
const ASSETS = {{ assets|tojson }};
const PAGE = ASSETS[0];
// The offline base map's tiles: kept by the page (Cache Storage) and served from there first.
const TILES = {{ tile_prefix|tojson }} + "/";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("limites-campo-") && n !== CACHE)
        .map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (new URL(request.url).pathname.startsWith(TILES)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
    return;
  }
  const isPage = request.mode === "navigate";
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && (isPage || ASSETS.includes(new URL(request.url).pathname + new URL(request.url).search))) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(isPage ? PAGE : request, copy));
        }
        return response;
      })
      .catch(() => caches.match(isPage ? PAGE : request, { ignoreSearch: isPage })
        .then((cached) => cached || Response.error()))
  );
});
