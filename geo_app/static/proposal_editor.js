// A new limit proposal: draw its line with leaflet-draw or upload a file; the server snaps
// its ends onto the common limit and answers what would change hands, drawn on the map by
// direction (colours from the theme's CSS custom properties, geo_app/theme.py).
(function () {
  "use strict";
  var box = document.getElementById("proposal-map");
  if (!box || !window.L || !L.Control.Draw) { return; }
  var form = box.closest("form");
  var hidden = document.getElementById("proposal-geometry");
  var fileInput = document.getElementById("proposal-file");
  var claim = document.getElementById("proposal-claim");
  var notes = document.getElementById("proposal-notes");
  var summary = document.getElementById("proposal-summary");
  var token = form.querySelector("input[name=csrf_token]").value;
  var lastFile = null;
  function themeColour(name) {
    return getComputedStyle(document.documentElement).getPropertyValue("--" + name).trim();
  }
  if (L.drawLocal) {
    var tip = L.drawLocal.draw.handlers.polyline.tooltip;
    L.drawLocal.draw.toolbar.buttons.polyline = "Dibujar la línea propuesta";
    tip.start = "Haga clic sobre el límite común para empezar la línea.";
    tip.cont = "Haga clic para seguir la línea.";
    tip.end = "Haga clic en el último punto (sobre el límite común) para terminar.";
  }
  var map = L.map(box, { center: [17.07, -96.72], zoom: 13 });
  box.limitesMap = map;  // the browser tests read its view
  var tiles = box.getAttribute("data-tiles");
  if (tiles) {
    var options = { attribution: box.getAttribute("data-attribution"), maxZoom: 19 };
    var nativeZoom = parseInt(box.getAttribute("data-max-native-zoom"), 10);
    if (nativeZoom) { options.maxNativeZoom = nativeZoom; }  // an offline file's deepest tiles
    L.tileLayer(tiles, options).addTo(map);
  }
  function parsed(name) {
    var text = box.getAttribute(name);
    if (!text) { return null; }
    try { return JSON.parse(text); } catch (err) { return null; }
  }
  var limits = parsed("data-limits");
  if (limits) {
    L.geoJSON(limits, {
      interactive: false,
      style: function () { return { color: themeColour("neighbour-limit"), weight: 2, fill: false }; }
    }).addTo(map);
    limits.features.forEach(function (feature) {
      var name = document.createElement("span");
      name.className = "limites-label limites-label-municipality";
      name.textContent = feature.properties.name;
      L.marker([feature.properties.label[1], feature.properties.label[0]], {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: "limites-label-anchor", html: name, iconSize: null })
      }).addTo(map);
    });
  }
  var zone = parsed("data-zone");
  if (zone) {
    var zoneLayer = L.geoJSON(zone, {
      interactive: false, style: { color: themeColour("brand"), weight: 2, dashArray: "4 4", fillOpacity: 0.1 }
    }).addTo(map);
    if (zoneLayer.getBounds().isValid()) { map.fitBounds(zoneLayer.getBounds().pad(0.6), { animate: false }); }
  }
  var pieces = L.geoJSON(null, {
    style: function (feature) {
      var colour = themeColour(feature.properties.direction === "a_to_b" ? "proposal-a-to-b" : "proposal-b-to-a");
      return { color: colour, fillColor: colour, weight: 1, fillOpacity: 0.5 };
    },
    onEachFeature: function (feature, layer) {
      var label = document.createElement("span");  // a node: names never become HTML
      label.textContent = feature.properties.label;
      layer.bindTooltip(label);
    }
  }).addTo(map);
  var drawn = new L.FeatureGroup().addTo(map);
  map.addControl(new L.Control.Draw({
    position: "topright",
    edit: { featureGroup: drawn },
    draw: {
      polyline: { shapeOptions: { color: themeColour("proposal-line"), weight: 4 } },
      polygon: false, marker: false, rectangle: false, circle: false, circlemarker: false
    }
  }));
  function say(text, bad) {
    notes.textContent = text;
    notes.className = "small mt-1 " + (bad ? "text-danger" : "text-body-secondary");
  }
  function listSummary(lines) {
    summary.replaceChildren();
    (lines || []).forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      summary.appendChild(item);
    });
  }
  function preview(body) {
    ["csrf_token", "municipio_a", "municipio_b", "zona"].forEach(function (name) {
      body.append(name, form.querySelector("[name=" + name + "]").value);
    });
    say("Revisando la línea…", false);
    fetch(box.getAttribute("data-preview"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().then(function (data) { return [response.ok, data]; });
    }).then(function (result) {
      var data = result[1];
      pieces.clearLayers();
      if (!result[0]) { listSummary([]); say(data.error || "La línea no es válida.", true); return; }
      drawn.clearLayers();
      L.geoJSON(data.line, { style: { color: themeColour("proposal-line"), weight: 4 } })
        .eachLayer(function (layer) { drawn.addLayer(layer); });
      pieces.addData(data.pieces);
      if (!lastFile && !(claim && claim.value)) { hidden.value = JSON.stringify(data.line); }
      listSummary(data.summary);
      say("Lo que cambiaría de manos: " + data.pieces.features.length +
          " pieza(s). Los extremos se ajustaron al límite común. Guarde para conservarla.", false);
      var bounds = drawn.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.3), { animate: false }); }
    }).catch(function () { say("No se pudo revisar la línea; intente de nuevo.", true); });
  }
  function changed() {
    var lines = drawn.toGeoJSON().features.map(function (f) { return f.geometry; })
      .filter(function (g) { return g.type === "LineString"; });
    if (!lines.length) { return; }
    lastFile = null;
    if (fileInput) { fileInput.value = ""; }
    if (claim) { claim.value = ""; }
    var geometry = lines[lines.length - 1];
    hidden.value = JSON.stringify(geometry);
    var body = new FormData();
    body.append("geometry", hidden.value);
    preview(body);
  }
  map.on(L.Draw.Event.CREATED, function (event) {
    drawn.clearLayers();
    drawn.addLayer(event.layer);
    changed();
  });
  map.on(L.Draw.Event.EDITED, changed);
  map.on(L.Draw.Event.DELETED, function () {
    hidden.value = "";
    pieces.clearLayers();
    listSummary([]);
    say("Se borró la línea.", false);
  });
  if (fileInput) {
    fileInput.addEventListener("change", function (event) {
      lastFile = event.target.files[0] || null;
      if (!lastFile) { return; }
      hidden.value = "";
      if (claim) { claim.value = ""; }
      var body = new FormData();
      body.append("archivo", lastFile);
      preview(body);
    });
  }
  if (claim) {
    claim.addEventListener("change", function () {
      if (!claim.value) { return; }
      lastFile = null;
      if (fileInput) { fileInput.value = ""; }
      hidden.value = "";
      var body = new FormData();
      body.append("reclamo", claim.value);
      preview(body);
    });
  }
  if (hidden.value) {
    var body = new FormData();
    body.append("geometry", hidden.value);
    preview(body);
  }
})();
