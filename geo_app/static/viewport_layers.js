/* Findings and routes loaded by view (geo_app/maps/viewport.py): as the user pans and
 * zooms, fetch the tiles /mapa/teselas/<z>/<x>/<y>.json covering the view and draw them in
 * the overlays «Hallazgos» and «Recorridos de inspección».
 *
 * Tiles are fetched at the map's whole zoom (256 px each), nearest the centre first; the
 * ones already fetched stay in memory (the server's ETag keeps a refetch cheap), fetches
 * that left the view are aborted and tiles far from it are forgotten. Clusters are round
 * counts that zoom in when clicked; findings have the icons and popups of the markers
 * written into a map (static/finding_popup.js); every text of a record is set with
 * textContent. Loaded from /static (CSP: no inline handlers). */
(function () {
  "use strict";
  if (typeof L === "undefined" || L.limitesViewportLayers) { return; }

  var TILE_SIZE = 256;
  var DEBOUNCE_MS = 120;
  // Fetched tiles kept in memory (a tile of a busy view is a few kilobytes).
  var MAX_KEPT = 300;
  // Tiles of the current zoom more than this many tiles outside the view are forgotten.
  var KEEP_AROUND = 2;

  function text(tag, className, value) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    el.textContent = value;
    return el;
  }

  function clusterIcon(count) {
    var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 48;
    var label = document.createElement("span");
    label.textContent = count.toLocaleString("es-MX");
    return L.divIcon({
      html: label, className: "limites-cluster", iconSize: [size, size]
    });
  }

  L.limitesViewportLayers = function (map, findings, routes, config) {
    var tiles = {};
    var container = map.getContainer();
    var labels = config.labels;
    var icons = {};
    Object.keys(config.kinds).forEach(function (kind) {
      icons[kind] = L.AwesomeMarkers.icon(config.kinds[kind].icon);
    });
    var status = L.DomUtil.create("div", "limites-viewport-status", container);
    status.setAttribute("role", "status");
    status.hidden = true;
    var timer = null;
    var current = {z: null, wanted: []};

    function tileUrl(z, x, y) {
      return config.url.replace("{z}", z).replace("{x}", x).replace("{y}", y);
    }

    function kindOf(kind) {
      return config.kinds[kind] ? kind : config.fallbackKind;
    }

    function findingMarker(row) {
      var kind = kindOf(row[2]);
      var marker = L.marker([row[1], row[0]], {icon: icons[kind]});
      marker.bindPopup(function () {
        return L.limitesFindingPopup({
          title: config.kinds[kind].label, description: row[3], group: row[4],
          url: row[5], photo: row[6]
        }, labels);
      }, config.popupOptions);
      marker.bindTooltip(config.kinds[kind].tooltip, config.tooltipOptions);
      return marker;
    }

    function clusterMarker(row, z) {
      var count = row[2];
      var title = labels.cluster.replace("{n}", count.toLocaleString("es-MX"));
      var marker = L.marker([row[1], row[0]], {
        icon: clusterIcon(count), title: title, alt: title, riseOnHover: true
      });
      marker.on("click", function () {
        // Three zoom levels make a cluster's cell (at most 64 px) 512 px wide; from the
        // server's single zoom on, no finding is grouped.
        var zoom = Math.min(Math.max(z, Math.floor(map.getZoom())) + 3, config.singleZoom);
        map.setView(marker.getLatLng(), Math.min(Math.max(zoom, map.getZoom() + 1),
                                                 map.getMaxZoom()));
      });
      return marker;
    }

    function routeLine(row) {
      var label = row[0], url = L.limitesSafeUrl(row[1]);
      var line = L.polyline(row[2].map(function (c) { return [c[1], c[0]]; }),
                            config.routeStyle);
      line.bindPopup(function () {
        var body = document.createElement("div");
        body.className = "limites-popup-body";
        body.appendChild(text("strong", "limites-popup-title", label));
        if (url) {
          var link = text("a", "", labels.route);
          link.href = url;
          link.target = "_top";
          var holder = document.createElement("div");
          holder.className = "limites-popup-link";
          holder.appendChild(link);
          body.appendChild(holder);
        }
        return body;
      }, config.popupOptions);
      line.bindTooltip(function () { return text("span", "", label); }, config.tooltipOptions);
      return line;
    }

    function build(tile, body) {
      tile.findings = L.layerGroup((body.clusters || []).map(function (row) {
        return clusterMarker(row, tile.z);
      }).concat((body.findings || []).map(findingMarker)));
      tile.routes = L.layerGroup((body.routes || []).map(routeLine));
      tile.omitted = body.routes_omitted || 0;
    }

    function show(tile, on) {
      if (tile.shown === on) { return; }
      tile.shown = on;
      findings[on ? "addLayer" : "removeLayer"](tile.findings);
      routes[on ? "addLayer" : "removeLayer"](tile.routes);
    }

    function load(tile) {
      tile.state = "loading";
      tile.controller = window.AbortController ? new AbortController() : null;
      fetch(tileUrl(tile.z, tile.x, tile.y), {
        credentials: "same-origin",
        headers: {Accept: "application/json"},
        signal: tile.controller ? tile.controller.signal : undefined
      }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).then(function (body) {
        build(tile, body);
        tile.state = "ready";
        reconcile();
      }).catch(function (error) {
        if (error && error.name === "AbortError") { return; }
        tile.state = "failed";
        reconcile();
      });
    }

    // Which tiles cover the view, nearest the centre first.
    function wantedTiles(z) {
      var bounds = map.getBounds();
      var last = Math.pow(2, z) - 1;
      var clamp = function (v) { return Math.max(0, Math.min(last, v)); };
      var nw = map.project(bounds.getNorthWest(), z).divideBy(TILE_SIZE).floor();
      var se = map.project(bounds.getSouthEast(), z).divideBy(TILE_SIZE).floor();
      var centre = map.project(map.getCenter(), z).divideBy(TILE_SIZE);
      var range = {x0: clamp(nw.x), y0: clamp(nw.y), x1: clamp(se.x), y1: clamp(se.y)};
      var list = [];
      for (var x = range.x0; x <= range.x1; x++) {
        for (var y = range.y0; y <= range.y1; y++) {
          list.push({z: z, x: x, y: y, key: z + "/" + x + "/" + y,
                     d: Math.pow(x + 0.5 - centre.x, 2) + Math.pow(y + 0.5 - centre.y, 2)});
        }
      }
      list.sort(function (a, b) { return a.d - b.d; });
      return {range: range, list: list};
    }

    function active() {
      return map.hasLayer(findings) || map.hasLayer(routes);
    }

    function update() {
      timer = null;
      // The map is fitted again once the page is laid out (SubjectView): the view is
      // known then, not before.
      if (document.readyState !== "complete") { return; }
      if (!active()) {
        current = {z: null, wanted: []};
        reconcile();
        return;
      }
      var z = Math.max(0, Math.min(config.maxZoom, Math.floor(map.getZoom() + 1e-6)));
      var view = wantedTiles(z);
      current = {z: z, range: view.range, wanted: view.list.map(function (t) { return t.key; })};
      view.list.forEach(function (t) {
        var tile = tiles[t.key];
        if (!tile) {
          tile = tiles[t.key] = {z: t.z, x: t.x, y: t.y, key: t.key, shown: false};
        }
        tile.used = Date.now();
        if (!tile.state || tile.state === "failed") { load(tile); }
      });
      reconcile();
    }

    // Show what is wanted and ready, drop what left the view, say how the loading goes.
    function reconcile() {
      var wanted = {};
      current.wanted.forEach(function (key) { wanted[key] = true; });
      var pending = 0, failed = 0, omitted = 0;
      current.wanted.forEach(function (key) {
        var state = tiles[key].state;
        if (state === "loading") { pending += 1; }
        if (state === "failed") { failed += 1; }
        if (state === "ready") { omitted += tiles[key].omitted; }
      });
      Object.keys(tiles).forEach(function (key) {
        var tile = tiles[key];
        if (wanted[key]) {
          if (tile.state === "ready") { show(tile, true); }
          return;
        }
        if (tile.state === "loading") {
          if (tile.controller) { tile.controller.abort(); }
          delete tiles[key];
          return;
        }
        // Another zoom's tiles stay until this zoom's have come, so the map never blinks
        // empty while zooming.
        if (tile.z !== current.z && pending && tile.shown) { return; }
        if (tile.shown) { show(tile, false); }
        var r = current.range;
        if (tile.state !== "ready" || (tile.z === current.z && r && (
            tile.x < r.x0 - KEEP_AROUND || tile.x > r.x1 + KEEP_AROUND
            || tile.y < r.y0 - KEEP_AROUND || tile.y > r.y1 + KEEP_AROUND))) {
          delete tiles[key];
        }
      });
      var kept = Object.keys(tiles);
      if (kept.length > MAX_KEPT) {
        kept.filter(function (key) { return !tiles[key].shown && !wanted[key]; })
          .sort(function (a, b) { return tiles[a].used - tiles[b].used; })
          .slice(0, kept.length - MAX_KEPT)
          .forEach(function (key) { delete tiles[key]; });
      }
      var state = pending ? "loading" : failed ? "error" : "ready";
      // A view too busy for every route says so (the server sends the newest ones).
      var note = state === "ready" && omitted && map.hasLayer(routes) ? "omitted" : state;
      status.hidden = note === "ready";
      status.classList.toggle("limites-viewport-error", state === "error");
      if (note !== "ready") { status.textContent = labels[note]; }
      container.dataset.capasVista = {loading: "cargando", error: "error", ready: "listo"}[state];
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(update, DEBOUNCE_MS);
      container.dataset.capasVista = "cargando";
    }

    // Not ready from the moment the view starts to change (browser tests wait on it).
    map.on("movestart", function () { container.dataset.capasVista = "cargando"; });
    map.on("moveend", schedule);
    map.on("overlayadd overlayremove", function (event) {
      if (event.layer === findings || event.layer === routes) { schedule(); }
    });
    map.whenReady(schedule);
    if (document.readyState !== "complete") { window.addEventListener("load", schedule); }
  };
}());
