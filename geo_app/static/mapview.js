/* Map links keep the view: centre, zoom and visible layers live in the URL hash
 * (#mapa=zoom/lat/lon&capas=Name|Name), so a copied link and the Back button reopen the
 * same view. Loaded with `defer` after the map's own script; no inline handlers (CSP). */
(function () {
  "use strict";

  function findMap() {
    var element = document.querySelector(".folium-map");
    var map = element && window[element.id];
    return map && typeof map.setView === "function" ? map : null;
  }

  function overlayInputs(map) {
    var inputs = map.getContainer().querySelectorAll(
      ".leaflet-control-layers-overlays input.leaflet-control-layers-selector");
    return Array.prototype.map.call(inputs, function (input) {
      var label = input.closest("label");
      return { input: input, name: (label ? label.textContent : "").trim() };
    });
  }

  function parseHash() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    var view = (params.get("mapa") || "").split("/").map(Number);
    var result = {};
    if (view.length === 3 && view.every(isFinite)) {
      result.zoom = view[0];
      result.center = [view[1], view[2]];
    }
    if (params.has("capas")) {
      result.layers = params.get("capas").split("|").filter(Boolean);
    }
    return result;
  }

  function applyHash(map) {
    var state = parseHash();
    if (state.center) {
      map.setView(state.center, state.zoom, { animate: false });
    }
    if (state.layers) {
      overlayInputs(map).forEach(function (item) {
        var wanted = state.layers.indexOf(item.name) !== -1;
        if (item.input.checked !== wanted) {
          item.input.click();
        }
      });
    }
  }

  function writeHash(map) {
    var centre = map.getCenter();
    var precision = Math.max(4, Math.ceil(Math.log(map.getZoom() + 1) * 1.5));
    var params = new URLSearchParams();
    params.set("mapa", [map.getZoom(), centre.lat.toFixed(precision),
                        centre.lng.toFixed(precision)].join("/"));
    var visible = overlayInputs(map).filter(function (item) { return item.input.checked; });
    params.set("capas", visible.map(function (item) { return item.name; }).join("|"));
    var hash = "#" + params.toString();
    if (hash !== window.location.hash) {
      window.history.replaceState(window.history.state, "", hash);
    }
  }

  function start() {
    var map = findMap();
    if (!map) {
      return;
    }
    applyHash(map);
    var save = function () { writeHash(map); };
    map.on("moveend overlayadd overlayremove", save);
    window.addEventListener("hashchange", function () { applyHash(map); });
    // The print stylesheet resizes the map: redraw it for the page, and back after.
    window.addEventListener("beforeprint", function () { map.invalidateSize(); });
    window.addEventListener("afterprint", function () { map.invalidateSize(); });
  }

  start();
}());
