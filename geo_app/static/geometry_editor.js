// Geometry of a record form: draw or edit a zone polygon, a site or finding point or an
// inspection's route with leaflet-draw, or upload a file; the server checks (and repairs) it
// and the preview is drawn before saving. A finding's point is also set by a click on the
// map or by typing its coordinates; its inspection's route is drawn under it.
(function () {
  "use strict";
  var box = document.getElementById("geometry-map");
  if (!box || !window.L || !L.Control.Draw) { return; }
  var kind = box.getAttribute("data-kind");
  var notes = document.getElementById("geometry-notes");
  var form = box.closest("form");
  var point = kind === "sitio" || kind === "hallazgo";
  var hidden = form.querySelector(kind === "recorrido" ? "input[name=route]" : "input[name=geometry]");
  var pointsRead = form.querySelector("input[name=route_points_read]");
  var filter = document.getElementById("route-filter");
  var fileInput = document.getElementById("geometry-file");
  var lastFile = null;
  var lon = form.querySelector("input[name=lon]");
  var lat = form.querySelector("input[name=lat]");
  var token = form.querySelector("input[name=csrf_token]").value;
  // Colours come from the theme's CSS custom properties (geo_app/theme.py).
  function themeColour(name) {
    return getComputedStyle(document.documentElement).getPropertyValue("--" + name).trim();
  }

  // leaflet_es.js puts leaflet-draw in Spanish; a route's line is named as what it is.
  if (L.drawLocal && kind === "recorrido") {
    var line = L.drawLocal.draw.handlers.polyline.tooltip;
    L.drawLocal.draw.toolbar.buttons.polyline = "Dibujar la ruta";
    line.start = "Haga clic para empezar la ruta.";
    line.cont = "Haga clic para seguir la ruta.";
  }

  var map = L.map(box, { center: [17.07, -96.72], zoom: 12 });
  box.limitesMap = map;  // the browser tests read its view
  var tiles = box.getAttribute("data-tiles");
  if (tiles) {
    var options = { attribution: box.getAttribute("data-attribution"), maxZoom: 19 };
    var nativeZoom = parseInt(box.getAttribute("data-max-native-zoom"), 10);
    if (nativeZoom) { options.maxNativeZoom = nativeZoom; }  // an offline file's deepest tiles
    L.tileLayer(tiles, options).addTo(map);
  }
  // The limits in force around the municipality: where one is when there is no base map.
  var limits = box.getAttribute("data-limits");
  if (limits) {
    try {
      var limitsLayer = L.geoJSON(JSON.parse(limits), {
        interactive: false,
        style: function (feature) {
          return { color: themeColour("neighbour-limit"), weight: feature.properties.home ? 2.5 : 1.5, fill: false };
        }
      }).addTo(map);
      // Each municipality named at a point inside it, as on the app's other maps.
      JSON.parse(limits).features.forEach(function (feature) {
        var name = document.createElement("span");
        name.className = "limites-label limites-label-municipality";
        name.textContent = feature.properties.name;
        name.dataset.home = feature.properties.home ? "1" : "0";
        L.marker([feature.properties.label[1], feature.properties.label[0]], {
          interactive: false, keyboard: false,
          icon: L.divIcon({ className: "limites-label-anchor", html: name, iconSize: null })
        }).addTo(map);
      });
      // A name that would fall on one already shown (the home municipality's first) or
      // outside the map is hidden, as on the app's other maps, and shown again on zooming.
      var layoutLabels = function () {
        var frame = box.getBoundingClientRect();
        var shown = [];
        var labels = Array.prototype.slice.call(box.querySelectorAll(".limites-label-municipality"));
        labels.sort(function (a, b) { return (b.dataset.home === "1") - (a.dataset.home === "1"); });
        labels.forEach(function (label) {
          label.classList.remove("limites-label-hidden");
          var r = label.getBoundingClientRect();
          var clash = r.left < frame.left || r.right > frame.right || r.top < frame.top ||
            r.bottom > frame.bottom || shown.some(function (o) {
              return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom;
            });
          if (clash) { label.classList.add("limites-label-hidden"); } else { shown.push(r); }
        });
      };
      map.on("zoomend moveend", layoutLabels);
      var home = L.geoJSON(JSON.parse(limits), {
        filter: function (feature) { return feature.properties.home; }
      }).getBounds();
      if (home.isValid()) { map.fitBounds(home, { animate: false }); }
      else if (limitsLayer.getBounds().isValid()) { map.fitBounds(limitsLayer.getBounds(), { animate: false }); }
      layoutLabels();
    } catch (err) { /* the form works without the limits drawn */ }
  }
  var context = box.getAttribute("data-context");
  if (context) {
    try {
      var routeLayer = L.geoJSON(JSON.parse(context), {
        interactive: false, style: { color: themeColour("reference-line"), weight: 3, dashArray: "6 6" }
      }).addTo(map);
      if (routeLayer.getBounds().isValid()) { map.fitBounds(routeLayer.getBounds(), { maxZoom: 16, animate: false }); }
    } catch (err) { /* the form works without the route drawn */ }
  }
  var drawn = new L.FeatureGroup().addTo(map);
  map.addControl(new L.Control.Draw({
    position: "topright",
    edit: { featureGroup: drawn },
    draw: {
      polygon: kind === "zona" ? { allowIntersection: true, showArea: false } : false,
      marker: point ? {} : false,
      polyline: kind === "recorrido" ? { shapeOptions: { color: themeColour("route"), weight: 4 } } : false,
      rectangle: false, circle: false, circlemarker: false
    }
  }));

  function say(text, bad) {
    notes.textContent = text;
    notes.className = "small mt-1 " + (bad ? "text-danger" : "text-body-secondary");
  }

  function show(geometry) {
    drawn.clearLayers();
    L.geoJSON(geometry).eachLayer(function (layer) {
      if (layer.getLayers) { layer.getLayers().forEach(function (l) { drawn.addLayer(l); }); }
      else { drawn.addLayer(layer); }
    });
    if (drawn.getLayers().length) {
      var bounds = drawn.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 17, padding: [32, 32], animate: false }); }
    }
  }

  function store(geometry, data) {
    if (point) {
      lon.value = geometry.coordinates[0].toFixed(6);
      lat.value = geometry.coordinates[1].toFixed(6);
    } else {
      hidden.value = JSON.stringify(geometry);
    }
    if (kind === "recorrido" && data) {
      pointsRead.value = data.points_read;
      ["started_on", "ended_on"].forEach(function (name) {
        var input = form.querySelector("input[name=" + name + "]");
        if (input && !input.value && data[name]) { input.value = data[name]; }
      });
    }
  }

  function preview(body) {
    body.append("csrf_token", token);
    if (filter && body.has("archivo") && filter.value) { body.append("filtro_m", filter.value); }
    say("Revisando la geometría…", false);
    fetch(box.getAttribute("data-preview"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().then(function (data) { return [response.ok, data]; });
    }).then(function (result) {
      var data = result[1];
      if (!result[0]) { say(data.error || "La geometría no es válida.", true); return; }
      store(data.geometry, data);
      show(data.geometry);
      say(data.notes.length ? data.notes.join(" ") :
        "Vista previa lista: la geometría es válida. Guarde el formulario para conservarla.", false);
    }).catch(function () { say("No se pudo revisar la geometría; intente de nuevo.", true); });
  }

  function drawnGeometry() {
    var shapes = drawn.toGeoJSON().features.map(function (f) { return f.geometry; });
    if (point) { return shapes[shapes.length - 1]; }
    if (kind === "recorrido") {
      var lines = [];
      shapes.forEach(function (g) {
        if (g.type === "LineString") { lines.push(g.coordinates); }
        if (g.type === "MultiLineString") { lines = lines.concat(g.coordinates); }
      });
      return lines.length ? { type: "MultiLineString", coordinates: lines } : null;
    }
    var polygons = [];
    shapes.forEach(function (g) {
      if (g.type === "Polygon") { polygons.push(g.coordinates); }
      if (g.type === "MultiPolygon") { polygons = polygons.concat(g.coordinates); }
    });
    return { type: "MultiPolygon", coordinates: polygons };
  }

  function changed() {
    var geometry = drawnGeometry();
    if (!geometry) { return; }
    if (kind === "hallazgo") {
      store(geometry);
      say("Lugar marcado: " + lat.value + ", " + lon.value + ".", false);
      return;
    }
    var body = new FormData();
    body.append("geometry", JSON.stringify(geometry));
    preview(body);
  }

  map.on(L.Draw.Event.CREATED, function (event) {
    if (point) { drawn.clearLayers(); }
    drawn.addLayer(event.layer);
    changed();
  });
  map.on(L.Draw.Event.EDITED, changed);
  map.on(L.Draw.Event.DELETED, function () {
    if (point) { lon.value = ""; lat.value = ""; } else { hidden.value = ""; }
    if (pointsRead) { pointsRead.value = ""; }
    say("Se borró la figura.", false);
  });

  function upload() {
    if (!lastFile) { return; }
    var body = new FormData();
    body.append("archivo", lastFile);
    preview(body);
  }
  if (fileInput) {
    fileInput.addEventListener("change", function (event) {
      lastFile = event.target.files[0] || null;
      upload();
    });
  }
  // A new filter width reads the same file again, so the counts before and after show.
  if (filter) { filter.addEventListener("change", upload); }

  if (kind === "hallazgo") {
    var drawing = false;
    map.on(L.Draw.Event.DRAWSTART, function () { drawing = true; });
    map.on(L.Draw.Event.DRAWSTOP, function () { drawing = false; });
    map.on("click", function (event) {
      if (drawing) { return; }
      var ll = event.latlng.wrap();
      drawn.clearLayers();
      drawn.addLayer(L.marker(ll));
      lon.value = ll.lng.toFixed(6);
      lat.value = ll.lat.toFixed(6);
      say("Lugar marcado: " + lat.value + ", " + lon.value + ".", false);
    });
    var typed = function () {
      var x = parseFloat(lon.value), y = parseFloat(lat.value);
      if (isFinite(x) && isFinite(y)) {
        drawn.clearLayers();
        drawn.addLayer(L.marker([y, x]));
      }
    };
    lon.addEventListener("change", typed);
    lat.addEventListener("change", typed);
  }

  if (point && lon.value && lat.value) {
    show({ type: "Point", coordinates: [parseFloat(lon.value), parseFloat(lat.value)] });
  } else if (hidden && hidden.value) {
    try { show(JSON.parse(hidden.value)); } catch (err) { say("La geometría guardada no se pudo dibujar.", true); }
  }
})();
