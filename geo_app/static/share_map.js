// The map of a share link's public page (/c/<token>): the link's OGC API collections,
// drawn with the app's colours (passed by the page in data-layers), framed on the zones,
// routes and findings it shares.
(function () {
  'use strict';
  var el = document.getElementById('share-map');
  if (!el || !window.L) { return; }
  var specs = JSON.parse(el.dataset.layers);
  var base = el.dataset.ogcapi.replace(/\/$/, '');
  // Centro de Oaxaca de Juárez until the shared records arrive.
  var map = L.map(el).setView([17.06, -96.72], 12);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, {attribution: el.dataset.attribution, maxZoom: 19}).addTo(map);
  }
  var control = L.control.layers(null, {}, {collapsed: window.innerWidth < 768}).addTo(map);
  var focus = L.featureGroup();
  var everything = L.featureGroup();
  var pending = specs.length;

  function colour(spec, properties) {
    if (!spec.colour_by) { return null; }
    return spec.colour_by[1][properties[spec.colour_by[0]]] || null;
  }

  function style(spec) {
    return function (feature) {
      var p = feature.properties || {};
      var own = (spec.illustrative && p.ilustrativa) ? spec.illustrative : spec.style;
      var out = Object.assign({}, own);
      var c = colour(spec, p);
      if (c) { out.color = c; out.fillColor = c; }
      return out;
    };
  }

  function point(spec) {
    return function (feature, latlng) {
      var c = colour(spec, feature.properties || {}) || spec.point;
      return L.circleMarker(latlng, {radius: 7, color: '#ffffff', weight: 2,
                                     fillColor: c, fillOpacity: 0.95});
    };
  }

  function popup(feature, layer) {
    var p = feature.properties || {};
    var text = document.createElement('div');
    text.textContent = p.nombre || p.titulo || p.categoria || p.municipio || String(feature.id);
    if (p.descripcion && p.categoria) {
      var more = document.createElement('div');
      more.className = 'small';
      more.textContent = p.descripcion;
      text.appendChild(more);
    }
    layer.bindPopup(text);
  }

  function frame() {
    pending -= 1;
    if (pending > 0) { return; }
    var bounds = focus.getLayers().length ? focus.getBounds() : everything.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, {padding: [20, 20], maxZoom: 17}); }
  }

  specs.forEach(function (spec) {
    fetch(base + '/collections/' + spec.id + '/items?f=json&limit=1000')
      .then(function (r) { return r.ok ? r.json() : {features: []}; })
      .then(function (data) {
        if (!data.features || !data.features.length) { return; }
        var layer = L.geoJSON(data, {
          style: spec.style ? style(spec) : undefined,
          pointToLayer: spec.point ? point(spec) : undefined,
          onEachFeature: popup
        }).addTo(map);
        if (spec.point) { layer.bringToFront(); }
        control.addOverlay(layer, spec.title);
        everything.addLayer(L.geoJSON(data));
        if (spec.focus) { focus.addLayer(L.geoJSON(data)); }
      })
      .catch(function () { /* a collection that fails stays off the map */ })
      .then(frame);
  });
})();
