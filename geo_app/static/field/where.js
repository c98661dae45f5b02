/* «¿Dónde estoy?»: the server's answer for a point, computed on the phone without network.
 *
 * It reads the offline layers of /campo/capas.json (cases/fieldwork/offline_layers.py): the
 * frame in force, the claims, the dispute zones and the rivers, unsimplified. Like the server
 * it measures in EPSG:6372 (Lambert conformal conic; the parameters come in the document,
 * from boundaries.crs.MEASURE_CRS), so distances are the planar ones shapely computes there.
 * The rule that turns those facts into «Compartido», «En disputa» and «Concierne a» is one
 * function, `responsibilityRule`, that mirrors the server's; a test checks 1,000 random
 * points against the server (tests/geo_app/test_where_am_i.py).
 *
 * Usable in the page (window.LimitesWhere) and in Node (module.exports), with no library.
 */
(function (root) {
  "use strict";

  // -- EPSG:6372: Lambert conformal conic with two standard parallels (Snyder, 15-1 ff.) ---
  function projector(p) {
    var rad = Math.PI / 180;
    var f = 1 / p.rf;
    var e = Math.sqrt(2 * f - f * f);
    var m = function (phi) { var s = Math.sin(phi); return Math.cos(phi) / Math.sqrt(1 - e * e * s * s); };
    var t = function (phi) {
      var s = Math.sin(phi);
      return Math.tan(Math.PI / 4 - phi / 2) / Math.pow((1 - e * s) / (1 + e * s), e / 2);
    };
    var phi1 = p.lat_1 * rad, phi2 = p.lat_2 * rad, phi0 = p.lat_0 * rad;
    var n = (Math.log(m(phi1)) - Math.log(m(phi2))) / (Math.log(t(phi1)) - Math.log(t(phi2)));
    var F = m(phi1) / (n * Math.pow(t(phi1), n));
    var rho0 = p.a * F * Math.pow(t(phi0), n);
    var lon0 = p.lon_0 * rad;
    return function (lon, lat) {
      var rho = p.a * F * Math.pow(t(lat * rad), n);
      var theta = n * (lon * rad - lon0);
      return [p.x_0 + rho * Math.sin(theta), p.y_0 + rho0 - rho * Math.cos(theta)];
    };
  }

  // -- plane geometry ---------------------------------------------------------------------
  // Rings of a Polygon or MultiPolygon as flat arrays [x0, y0, x1, y1, …], transformed by
  // `point` (projection or identity).
  function rings(geometry, point) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    var out = [];
    polygons.forEach(function (polygon) {
      polygon.forEach(function (ring) {
        var flat = new Float64Array(ring.length * 2);
        ring.forEach(function (c, i) { var xy = point(c[0], c[1]); flat[2 * i] = xy[0]; flat[2 * i + 1] = xy[1]; });
        out.push(flat);
      });
    });
    return out;
  }

  function bbox(flatRings) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    flatRings.forEach(function (r) {
      for (var i = 0; i < r.length; i += 2) {
        if (r[i] < b[0]) b[0] = r[i];
        if (r[i + 1] < b[1]) b[1] = r[i + 1];
        if (r[i] > b[2]) b[2] = r[i];
        if (r[i + 1] > b[3]) b[3] = r[i + 1];
      }
    });
    return b;
  }

  // Even-odd over every ring: inside a valid (Multi)Polygon, outside its holes.
  function inside(flatRings, x, y) {
    var odd = false;
    flatRings.forEach(function (r) {
      for (var i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
        var yi = r[i + 1], yj = r[j + 1];
        if ((yi > y) !== (yj > y) && x < (r[j] - r[i]) * (y - yi) / (yj - yi) + r[i]) odd = !odd;
      }
    });
    return odd;
  }

  // Distance from (x, y) to segment a–b, and how far along it the foot lies (0…1).
  function toSegment(x, y, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    var s = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
    s = s < 0 ? 0 : (s > 1 ? 1 : s);
    var fx = ax + s * dx - x, fy = ay + s * dy - y;
    return { d: Math.sqrt(fx * fx + fy * fy), s: s };
  }

  function toRings(flatRings, x, y) {
    var best = Infinity;
    flatRings.forEach(function (r) {
      for (var i = 2; i < r.length; i += 2) {
        var d = toSegment(x, y, r[i - 2], r[i - 1], r[i], r[i + 1]).d;
        if (d < best) best = d;
      }
    });
    return best;
  }

  function outsideBox(b, x, y) {
    var dx = Math.max(b[0] - x, 0, x - b[2]), dy = Math.max(b[1] - y, 0, y - b[3]);
    return Math.sqrt(dx * dx + dy * dy);
  }

  // -- the layers, prepared once ------------------------------------------------------------
  function prepare(doc) {
    var project = projector(doc.proyeccion);
    var identity = function (lon, lat) { return [lon, lat]; };
    var polygons = [];
    function add(features, layer) {
      features.forEach(function (f) {
        var r = rings(f.geometry, project);
        polygons.push({ code: f.properties.code, layer: layer, rings: r, box: bbox(r) });
      });
    }
    add(doc.municipios.features || doc.municipios, 0);
    doc.reclamos.forEach(function (claim, k) { add(claim.features, k + 1); });
    var zones = doc.zonas.map(function (f) {
      var r = rings(f.geometry, identity);
      return { name: f.properties.name, status: f.properties.status,
               municipalities: f.properties.municipalities, rings: r, box: bbox(r) };
    });
    var rivers = doc.rios.map(function (f) {
      var coords = f.geometry.type === "LineString" ? f.geometry.coordinates : [].concat.apply([], f.geometry.coordinates);
      var xy = coords.map(function (c) { return project(c[0], c[1]); });
      var along = [0];
      for (var i = 1; i < xy.length; i++) {
        along.push(along[i - 1] + Math.hypot(xy[i][0] - xy[i - 1][0], xy[i][1] - xy[i - 1][1]));
      }
      return { name: f.properties.name, xy: xy, along: along };
    });
    return {
      project: project, polygons: polygons, zones: zones, rivers: rivers, area: doc.area,
      layers: 1 + doc.reclamos.length, names: doc.nombres || {},
      sharedDistance: doc.distancia_compartida_m, riverReach: doc.alcance_rio_m
    };
  }

  // -- the rule -------------------------------------------------------------------------------
  /* Whom a point concerns, from the facts of the layers: the server's rule, in one place.
   *
   * Server: boundaries/assign.py (ResponsibilityIndex.assign) then cases/frames/index.py
   * (with_dispute_zones), as stored on a finding by cases/frames/derived.finding_facts and
   * printed by `limites responsible`:
   *   dispute = two or more different codes own polygons that contain the point properly
   *             (frame in force and claims alike), or the point is in a stored dispute zone;
   *   shared  = dispute, or a limit of any layer is within the shared distance (50 m);
   *   parties = codes of the polygons the point touches, of the limits within the shared
   *             distance, and the municipalities recorded on each zone it lies in.
   * facts: {proper: [codes], touching: [codes], near: [codes], limitDistance: metres|null}
   * zones: the zones containing the point ({name, municipalities}). */
  function responsibilityRule(facts, zones, sharedDistance) {
    var distinct = {};
    facts.proper.forEach(function (c) { distinct[c] = true; });
    var dispute = Object.keys(distinct).length >= 2 || zones.length > 0;
    var shared = dispute || (facts.limitDistance !== null && facts.limitDistance <= sharedDistance);
    var parties = {};
    facts.touching.concat(facts.near).forEach(function (c) { parties[c] = true; });
    zones.forEach(function (z) { z.municipalities.forEach(function (c) { parties[c] = true; }); });
    return {
      dispute: dispute, shared: shared, parties: Object.keys(parties).sort(),
      zones: zones.map(function (z) { return z.name; })
    };
  }

  // -- where a point is -----------------------------------------------------------------------
  /* The answer for lon/lat: {covered (false outside the work area of the layers: the rest
   * is then not the server's answer), official (code or null), dispute, shared, limitDistance (metres
   * to the nearest limit of any layer when within the shared distance, else null), parties,
   * zones (names), zoneDetails, nearest: {distance, neighbour} (the frame's limit of the
   * municipality under the point and the municipality across it), river: {name, km,
   * distance, bank} or null}. */
  // Degrees kept clear inside the edge of the work area (about 110 m): nearer the edge a
  // limit within the shared distance may belong to a polygon the phone was not given.
  var EDGE_DEG = 0.001;

  // Whether the phone's layers answer for lon/lat: it is inside the work area they cover.
  function covers(index, lon, lat) {
    var a = index.area;
    return !!a && lon > a[0] + EDGE_DEG && lat > a[1] + EDGE_DEG &&
      lon < a[2] - EDGE_DEG && lat < a[3] - EDGE_DEG;
  }

  function where(index, lon, lat) {
    var xy = index.project(lon, lat), x = xy[0], y = xy[1];
    var D = index.sharedDistance;
    var proper = [], touching = [], near = [], limitDistance = null;
    var official = null, officialProper = false, home = null;
    var frameDistances = [];
    index.polygons.forEach(function (p) {
      var far = outsideBox(p.box, x, y);
      if (p.layer !== 0 && far > D) return;  // a claim too far to touch or be near
      var d = toRings(p.rings, x, y);
      var isInside = far === 0 && inside(p.rings, x, y);
      if (p.layer === 0) frameDistances.push({ p: p, d: d });
      if (isInside || d === 0) {
        touching.push(p.code);
        if (isInside && d > 0) proper.push(p.code);
        if (p.layer === 0) {
          var better = official === null || (isInside && d > 0 && !officialProper) ||
            ((isInside && d > 0) === officialProper && p.code < official);
          if (better) { official = p.code; officialProper = isInside && d > 0; home = p; }
        }
      }
      if (d <= D) {
        near.push(p.code);
        if (limitDistance === null || d < limitDistance) limitDistance = d;
      }
    });
    var zones = index.zones.filter(function (z) {
      return outsideBox(z.box, lon, lat) === 0 && inside(z.rings, lon, lat);
    });
    var answer = responsibilityRule(
      { proper: proper, touching: touching, near: near, limitDistance: limitDistance },
      zones, D);
    answer.official = official;
    answer.limitDistance = limitDistance;
    answer.zoneDetails = zones.map(function (z) { return { name: z.name, status: z.status }; });
    answer.nearest = nearestLimit(frameDistances, home);
    answer.river = alongRiver(index, x, y);
    answer.covered = covers(index, lon, lat);
    return answer;
  }

  // The limit of the municipality under the point, and the neighbour whose limit is nearest.
  function nearestLimit(distances, home) {
    if (!home) return null;
    var own = null, across = null;
    distances.forEach(function (item) {
      if (item.p === home) own = item.d;
      else if (item.p.code !== home.code && (!across || item.d < across.d)) across = item;
    });
    return { distance: own, neighbour: across ? across.p.code : null };
  }

  // Km along the nearest river (as cases/frames/index.nearest_river_positions), or null.
  function alongRiver(index, x, y) {
    var best = null;
    index.rivers.forEach(function (river) {
      var xy = river.xy;
      for (var i = 1; i < xy.length; i++) {
        var hit = toSegment(x, y, xy[i - 1][0], xy[i - 1][1], xy[i][0], xy[i][1]);
        if (!best || hit.d < best.distance) {
          var dx = xy[i][0] - xy[i - 1][0], dy = xy[i][1] - xy[i - 1][1];
          var fx = xy[i - 1][0] + hit.s * dx, fy = xy[i - 1][1] + hit.s * dy;
          var side = dx * (y - fy) - dy * (x - fx);
          best = {
            name: river.name, distance: hit.d,
            km: (river.along[i - 1] + hit.s * (river.along[i] - river.along[i - 1])) / 1000,
            bank: hit.d === 0 ? "on" : (side > 0 ? "left" : "right")
          };
        }
      }
    });
    return best && best.distance <= index.riverReach ? best : null;
  }

  var api = { projector: projector, prepare: prepare, where: where, responsibilityRule: responsibilityRule };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.LimitesWhere = api;
})(this);
