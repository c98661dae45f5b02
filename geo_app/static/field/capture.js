/* Captura en campo: records a track and findings on a phone, keeps them in IndexedDB and
 * sends them when the network is there. Every record has a UUID made here, so the server
 * stores a batch once however many times it is sent (see cases/capture.py). The server takes
 * at most data-max-findings findings per request: a longer list goes in parts, the track with
 * the first, each finding marked as sent once the server has it, so an interrupted send
 * resumes where it stopped. */
(function () {
  "use strict";

  var body = document.body;
  var SYNC_URL = body.dataset.syncUrl;
  var PHOTO_URL = body.dataset.photoUrl;
  var TOKEN_URL = body.dataset.tokenUrl;
  var LAYERS_URL = body.dataset.layersUrl;
  var BASE_MAP_URL = body.dataset.baseMapUrl;
  var csrfToken = "";
  var RETRY_MS = 20000;
  // Findings per request: never more than the server takes, small enough to show progress.
  var PART = Math.max(1, Math.min(50, parseInt(body.dataset.maxFindings, 10) || 50));
  var PHOTO_LANES = 2;
  var $ = function (id) { return document.getElementById(id); };
  // Colours come from the theme's CSS custom properties (geo_app/theme.py).
  function themeColour(name) {
    return getComputedStyle(document.documentElement).getPropertyValue("--" + name).trim();
  }

  // -- IndexedDB: "capturas" (one per inspection), "fotos" (blobs, sent one by one) and
  // "capas" (the offline layers of «¿Dónde estoy?», one document) ------------------------
  var dbPromise = new Promise(function (resolve, reject) {
    var request = indexedDB.open("limites-campo", 2);
    request.onupgradeneeded = function (event) {
      if (event.oldVersion < 1) {
        request.result.createObjectStore("capturas", { keyPath: "uuid" });
        request.result.createObjectStore("fotos", { keyPath: "uuid" });
      }
      if (event.oldVersion < 2) request.result.createObjectStore("capas", { keyPath: "clave" });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function store(name, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  var put = function (name, value) { return store(name, "readwrite", function (s) { return s.put(value); }); };
  var all = function (name) { return store(name, "readonly", function (s) { return s.getAll(); }); };

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return String(n).padStart(2, "0"); };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  // -- state ----------------------------------------------------------------------------
  var captures = [];      // every capture kept on this phone
  var photos = [];        // photo records (blob dropped once sent)
  var current = null;     // the capture being recorded
  var recording = false;
  var lastFix = null;     // {lon, lat, precision}
  var chosen = null;      // a tapped point {lon, lat}
  var syncing = false;
  var progress = null;    // {sent, total, what}: findings sent in parts, or photos
  var saveTimer = null;
  var saving = null;      // the capture being written, and whether it changed meanwhile
  var layers = null;      // the offline layers, prepared by LimitesWhere
  var layersDoc = null;
  var wakeLock = null;

  function threshold() {
    var value = parseFloat($("precision-maxima").value);
    return value > 0 ? value : 30;
  }

  function ensureCapture() {
    if (current) return current;
    current = {
      uuid: newUuid(), fecha: today(), titulo: $("titulo").value.trim(),
      participantes: participants(), puntos: [], hallazgos: [],
      rev: 1, enviada: 0, terminada: false, servidor: null, grabando: recording
    };
    captures.push(current);
    return current;
  }

  function participants() {
    return $("participantes").value.split("\n").map(function (s) { return s.trim(); })
      .filter(function (s) { return s; });
  }

  function changed(capture, now) {
    capture.rev += 1;
    clearTimeout(saveTimer);
    var save = function () { return put("capturas", capture).then(render).then(soon); };
    if (now) return save();
    saveTimer = setTimeout(save, 1000);
    return Promise.resolve();
  }

  // A point recorded is written to IndexedDB at once, the source of truth until the server
  // acknowledges it: a reload or a crash of the page loses nothing. Writes that would pile
  // up while one is running are folded into the next one.
  function keep(capture) {
    capture.rev += 1;
    if (saving && saving.capture === capture) { saving.again = true; return; }
    saving = { capture: capture, again: false };
    var count = capture.puntos.length;
    put("capturas", capture).then(function () {
      var again = saving.again;
      saving = null;
      // How many points are safe on the phone (tests wait on it before a reload).
      if (capture === current) $("puntos").dataset.guardados = String(count);
      if (again) keep(capture); else soon();
    }, function (error) {
      saving = null;
      showError("No se pudo guardar en el teléfono: " + error);
    });
  }

  // -- map ------------------------------------------------------------------------------
  var map = L.map("mapa").setView([17.06, -96.72], 13);
  var onlineTiles = null;
  if (body.dataset.tiles && body.dataset.tiles !== "none") {
    onlineTiles = L.tileLayer(body.dataset.tiles, { attribution: body.dataset.tilesAttribution, maxZoom: 19 }).addTo(map);
  }
  var trackLine = L.polyline([], { color: themeColour("route"), weight: 4 }).addTo(map);
  var findingsLayer = L.layerGroup().addTo(map);
  var here = L.circleMarker([0, 0], { radius: 8, color: themeColour("here"), fillOpacity: 0.8 });
  var hereCircle = L.circle([0, 0], { radius: 1, color: themeColour("here"), weight: 1, fillOpacity: 0.1 });
  var chosenMarker = L.circleMarker([0, 0], { radius: 9, color: themeColour("bad"), fillOpacity: 0.3 });

  map.on("click", function (event) {
    chosen = { lon: event.latlng.lng, lat: event.latlng.lat };
    chosenMarker.setLatLng(event.latlng).addTo(map);
    $("lugar-mapa").checked = true;
    $("punto-elegido").textContent = "(" + chosen.lat.toFixed(5) + ", " + chosen.lon.toFixed(5) + ")";
  });

  // -- GPS ------------------------------------------------------------------------------
  function onPosition(position) {
    var c = position.coords;
    var first = !lastFix;
    lastFix = {
      lon: c.longitude, lat: c.latitude, precision: c.accuracy,
      hora: new Date(position.timestamp).toISOString()
    };
    var good = c.accuracy <= threshold();
    var label = $("precision");
    label.textContent = "± " + Math.round(c.accuracy) + " m" + (good ? "" : " (se descarta)");
    label.className = good ? "bueno" : "malo";
    var latlng = [c.latitude, c.longitude];
    here.setLatLng(latlng).addTo(map);
    hereCircle.setLatLng(latlng).setRadius(c.accuracy).addTo(map);
    // The map opens on the phone's position and keeps it in sight while it walks.
    if (first) map.setView(latlng, 16);
    else map.panInside(latlng, { padding: [80, 80], animate: false });
    showWhere();
    if (recording) addPoint(lastFix);
  }

  function addPoint(fix) {
    var capture = ensureCapture();
    // The server takes a route of at most data-max-points points and refuses a longer one
    // whole: a walk that long goes on in a new inspection, the finished one sent as it is.
    if (capture.puntos.length >= (parseInt(body.dataset.maxPoints, 10) || 100000)) {
      capture.terminada = true;
      changed(capture, true);
      current = null;
      capture = ensureCapture();
      capture.titulo = capture.titulo && capture.titulo + " (continuación)";
    }
    var last = capture.puntos[capture.puntos.length - 1];
    // The same fix again (the page reopened where the last point was) adds nothing.
    if (last && last.lon === fix.lon && last.lat === fix.lat) return;
    capture.puntos.push({ lon: fix.lon, lat: fix.lat, precision: fix.precision, hora: fix.hora });
    keep(capture);
    render();
  }

  function onGpsError(error) {
    $("precision").textContent = error.code === 1
      ? "permiso de ubicación negado: actívelo en el navegador"
      : "sin señal (" + error.message + ")";
    $("precision").className = "malo";
  }

  if ("geolocation" in navigator) {
    navigator.geolocation.watchPosition(onPosition, onGpsError,
      { enableHighAccuracy: true, maximumAge: 0, timeout: 60000 });
  } else {
    $("precision").textContent = "este teléfono no ofrece ubicación";
  }

  $("grabar").addEventListener("click", function () {
    recording = !recording;
    // The track starts where the phone is now, not at its next move.
    if (recording && lastFix) addPoint(lastFix);
    else if (recording) ensureCapture();
    current.grabando = recording;
    showRecording();
    changed(current, true);
  });

  function showRecording() {
    $("grabar").textContent = recording ? "Detener recorrido" : "Reanudar recorrido";
    $("grabar").classList.toggle("btn-success", !recording);
    $("grabar").classList.toggle("btn-warning", recording);
    keepScreenOn(recording);
  }

  // -- Screen Wake Lock: the screen stays on while recording --------------------------------
  function keepScreenOn(on) {
    var note = $("pantalla");
    if (!on) {
      if (wakeLock) wakeLock.release().catch(function () {});
      wakeLock = null;
      note.textContent = "";
      return;
    }
    if (!("wakeLock" in navigator)) {
      note.textContent = "Este navegador no puede mantener la pantalla encendida: " +
        "desactive el bloqueo automático de la pantalla mientras graba.";
      return;
    }
    if (wakeLock || document.visibilityState !== "visible") return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      note.textContent = "La pantalla se mantiene encendida mientras graba.";
      lock.addEventListener("release", function () {
        wakeLock = null;
        if (recording) note.textContent = "La pantalla puede apagarse: vuelva a esta página para seguir grabando.";
      });
    }, function () {
      note.textContent = "El teléfono no dejó mantener la pantalla encendida: " +
        "desactive el bloqueo automático mientras graba.";
    });
  }
  // The lock ends whenever the page is hidden; take it again when it is shown.
  document.addEventListener("visibilitychange", function () {
    if (recording && document.visibilityState === "visible") keepScreenOn(true);
  });

  ["titulo", "participantes"].forEach(function (id) {
    $(id).addEventListener("change", function () {
      if (!current) return;
      current.titulo = $("titulo").value.trim();
      current.participantes = participants();
      changed(current, true);
    });
  });

  // -- findings -------------------------------------------------------------------------
  $("agregar").addEventListener("click", function () {
    var place = $("lugar-mapa").checked ? chosen : lastFix;
    if (!place) {
      showError($("lugar-mapa").checked
        ? "Toque el mapa para elegir el lugar del hallazgo."
        : "Aún no hay posición del GPS; espere la señal o toque el mapa.");
      return;
    }
    showError("");
    var capture = ensureCapture();
    var finding = {
      uuid: newUuid(), categoria: $("categoria").value, lon: place.lon, lat: place.lat,
      nota: $("nota").value.trim(), fotos: [], lugar: placeOf(place.lon, place.lat)
    };
    var files = Array.prototype.slice.call($("fotos").files || []);
    var saved = files.map(function (file) {
      var photo = { uuid: newUuid(), hallazgo: finding.uuid, blob: file, nombre: file.name, enviada: false };
      finding.fotos.push(photo.uuid);
      photos.push(photo);
      return put("fotos", photo);
    });
    capture.hallazgos.push(finding);
    $("nota").value = "";
    $("fotos").value = "";
    Promise.all(saved).then(function () { return changed(capture, true); });
  });

  // -- sending --------------------------------------------------------------------------
  // One request: the inspection, the track when it has points the server has not seen, and
  // one part of the findings.
  function batchOf(capture, findings, withPoints) {
    return {
      recorrido: {
        uuid: capture.uuid, titulo: capture.titulo || null, fecha: capture.fecha,
        participantes: capture.participantes
      },
      puntos: withPoints ? capture.puntos : [],
      precision_maxima: threshold(),
      hallazgos: findings.map(function (f) {
        return { uuid: f.uuid, categoria: f.categoria, lon: f.lon, lat: f.lat, nota: f.nota };
      })
    };
  }

  // A fresh CSRF token before each round of sending: the page may have been open (or
  // cached) for hours. Being sent to the login page means the session has ended.
  function fetchToken() {
    return fetch(TOKEN_URL, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.redirected || !json || response.status === 401) {
        var error = new Error("inicie sesión para enviar; lo capturado se conserva en el teléfono");
        error.refused = true;
        throw error;
      }
      if (!response.ok) return refused(response);
      return response.json().then(function (doc) { csrfToken = doc.token; });
    });
  }

  function refused(response) {
    return response.json().catch(function () { return {}; }).then(function (doc) {
      var error = new Error(doc.error || ("el servidor respondió " + response.status));
      error.refused = response.status >= 400 && response.status < 500;
      throw error;
    });
  }

  function postBatch(batch) {
    return fetch(SYNC_URL, {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(batch), credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) return refused(response);
      return response.json();
    });
  }

  function sendCapture(capture) {
    var rev = capture.rev;
    var points = capture.puntos.length;
    var unsent = capture.hallazgos.filter(function (f) { return !f.enviado; });
    var parts = [];
    for (var i = 0; i < unsent.length; i += PART) parts.push(unsent.slice(i, i + PART));
    if (!parts.length) parts.push([]);
    progress = unsent.length > PART ? { sent: 0, total: unsent.length, what: "hallazgos" } : null;
    var chain = Promise.resolve();
    parts.forEach(function (part, n) {
      chain = chain.then(function () {
        render();
        var withPoints = n === 0 && points !== capture.puntosEnviados;
        return postBatch(batchOf(capture, part, withPoints)).then(function (answer) {
          if (withPoints) capture.puntosEnviados = points;
          part.forEach(function (f) { if (answer.hallazgos[f.uuid]) f.enviado = true; });
          capture.servidor = answer.recorrido.id;
          if (progress) progress.sent += part.length;
          return put("capturas", capture);
        });
      });
    });
    return chain.then(function () {
      capture.enviada = rev;
      return put("capturas", capture);
    });
  }

  // A photo still to send: not on the server, and not refused for good.
  function waiting(photo) { return !photo.enviada && !photo.rechazada; }

  function sendPhoto(photo) {
    var form = new FormData();
    form.append("hallazgo", photo.hallazgo);
    form.append("foto", photo.blob, photo.nombre || "foto.jpg");
    return fetch(PHOTO_URL.replace("UUID", photo.uuid), {
      method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken }
    }).then(function (response) {
      if (response.status === 404) return null;  // its finding is not on the server yet
      if (response.status === 413 || response.status === 409 || response.status === 422) {
        // Sending it again would be refused again: keep it aside, with the reason, until
        // the person discards it, instead of posting it every few seconds forever.
        return response.json().catch(function () { return {}; }).then(function (doc) {
          photo.rechazada = doc.error || ("el servidor respondió " + response.status);
          return put("fotos", photo);
        });
      }
      if (!response.ok) return refused(response);
      photo.enviada = true;
      photo.blob = null;  // the server has it: free the phone's storage
      return put("fotos", photo);
    });
  }

  // Two photos at a time, each lane one after another: the server re-encodes each photo on
  // a core of its own. The round fails with the first refusal once both lanes have stopped.
  function sendPhotos(pending) {
    progress = pending.length > 1 ? { sent: 0, total: pending.length, what: "fotos" } : null;
    var lanes = [];
    for (var lane = 0; lane < PHOTO_LANES; lane++) {
      var queue = pending.filter(function (p, n) { return n % PHOTO_LANES === lane; });
      lanes.push(queue.reduce(function (done, p) {
        return done.then(function () {
          render();
          return sendPhoto(p).then(function () { if (progress) progress.sent += 1; });
        });
      }, Promise.resolve()).then(function () { return null; }, function (error) { return error; }));
    }
    return Promise.all(lanes).then(function (errors) {
      var error = errors.filter(Boolean)[0];
      if (error) throw error;
    });
  }

  function sync() {
    var unsent = captures.filter(function (c) { return c.rev > c.enviada; });
    var pending = photos.filter(waiting);
    if (syncing || !navigator.onLine || !(unsent.length || pending.length)) {
      render();
      return Promise.resolve();
    }
    syncing = true;
    render();
    var chain = fetchToken();
    unsent.forEach(function (c) {
      chain = chain.then(function () { return sendCapture(c); });
    });
    // Photos after their findings: a photo whose finding is not on the server waits.
    chain = chain.then(function () { return sendPhotos(pending); });
    return chain.then(function () { showError(""); }, function (error) {
      showError(error.refused ? "El servidor no aceptó los datos: " + error.message
        : "Sin conexión con el servidor; se reintentará.");
    }).then(function () { syncing = false; progress = null; render(); });
  }

  var syncTimer = null;
  function soon() {
    clearTimeout(syncTimer);
    syncTimer = setTimeout(sync, 500);
  }

  $("sincronizar").addEventListener("click", sync);
  $("descartar").addEventListener("click", function () {
    var refusedPhotos = photos.filter(function (p) { return !p.enviada && p.rechazada; });
    Promise.all(refusedPhotos.map(function (p) {
      return store("fotos", "readwrite", function (s) { return s.delete(p.uuid); });
    })).then(function () {
      photos = photos.filter(function (p) { return refusedPhotos.indexOf(p) < 0; });
      render();
    });
  });
  $("nuevo").addEventListener("click", function () {
    if (current) { current.terminada = true; changed(current, true); }
    current = null;
    recording = false;
    keepScreenOn(false);
    $("grabar").textContent = "Iniciar recorrido";
    $("grabar").classList.add("btn-success");
    $("grabar").classList.remove("btn-warning");
    $("titulo").value = "";
    render();
  });
  window.addEventListener("online", function () { render(); sync(); });
  window.addEventListener("offline", render);
  setInterval(sync, RETRY_MS);

  // -- display --------------------------------------------------------------------------
  function showError(message) { $("error-envio").textContent = message; }

  function render() {
    var online = navigator.onLine;
    $("red").textContent = online ? "En línea" : "Sin conexión";
    $("red").className = "navbar-text text-white " + (online ? "en-linea" : "sin-red");
    var points = current ? current.puntos : [];
    $("puntos").textContent = points.length;
    var limit = threshold();
    $("descartados").textContent = points.filter(function (p) { return p.precision > limit; }).length;
    trackLine.setLatLngs(points.filter(function (p) { return p.precision <= limit; })
      .map(function (p) { return [p.lat, p.lon]; }));
    findingsLayer.clearLayers();
    var list = $("hallazgos");
    list.textContent = "";
    (current ? current.hallazgos : []).forEach(function (f, i) {
      L.circleMarker([f.lat, f.lon], { radius: 7, color: themeColour("bad"), fillOpacity: 0.9 }).addTo(findingsLayer);
      var item = document.createElement("li");
      item.className = "list-group-item";
      var option = $("categoria").querySelector('option[value="' + f.categoria + '"]');
      item.textContent = (i + 1) + ". " + (option ? option.textContent : f.categoria) +
        (f.lugar ? " · " + placeText(f.lugar) : "") +
        (f.fotos.length ? " · " + f.fotos.length + " foto(s)" : "") + (f.nota ? " · " + f.nota : "");
      item.dataset.municipio = f.lugar ? f.lugar.municipio || "" : "";
      item.dataset.compartido = f.lugar ? String(f.lugar.compartido) : "";
      list.appendChild(item);
    });
    var unsentCaptures = captures.filter(function (c) { return c.rev > c.enviada; }).length;
    var unsentPhotos = photos.filter(waiting).length;
    var unsentFindings = captures.reduce(function (n, c) {
      return n + c.hallazgos.filter(function (f) { return !f.enviado; }).length;
    }, 0);
    var refusedPhotos = photos.filter(function (p) { return !p.enviada && p.rechazada; });
    $("rechazadas").hidden = !refusedPhotos.length;
    var refusedList = $("rechazadas-lista");
    refusedList.textContent = "";
    refusedPhotos.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p.rechazada;
      refusedList.appendChild(item);
    });
    var queue = $("cola");
    if (syncing && progress) {
      queue.textContent = "Enviando " + progress.sent + " de " + progress.total + " " +
        progress.what + "…";
    } else if (syncing) queue.textContent = "Enviando…";
    else if (!unsentCaptures && !unsentPhotos) {
      queue.textContent = captures.length ? "Todo enviado al servidor." : "Nada por enviar.";
    } else {
      queue.textContent = "Pendiente de enviar: " + unsentCaptures + " recorrido(s), " +
        unsentFindings + " hallazgo(s), " + unsentPhotos + " foto(s)" + (online ? "." : " — se enviará al volver la conexión.");
    }
    queue.dataset.pending = String(unsentCaptures + unsentPhotos);
    renderPending();
  }

  // What is still only on this phone, capture by capture.
  function renderPending() {
    var list = $("pendientes");
    list.textContent = "";
    captures.forEach(function (c) {
      var findings = c.hallazgos.filter(function (f) { return !f.enviado; }).length;
      var waitingPhotos = photos.filter(function (p) {
        return waiting(p) && c.hallazgos.some(function (f) { return f.uuid === p.hallazgo; });
      }).length;
      var points = c.rev > c.enviada && c.puntos.length !== c.puntosEnviados;
      if (!(findings || waitingPhotos || points || c.rev > c.enviada)) return;
      var item = document.createElement("li");
      var parts = [];
      if (points) parts.push(formatNumber(c.puntos.length) + " puntos del recorrido");
      if (findings) parts.push(findings + " hallazgo(s)");
      if (waitingPhotos) parts.push(waitingPhotos + " foto(s)");
      if (!parts.length) parts.push("cambios del recorrido");
      item.textContent = (c.titulo || "Recorrido sin título") + " (" + c.fecha.split("-").reverse().join("/") +
        "): " + parts.join(", ");
      list.appendChild(item);
    });
  }

  // -- start ----------------------------------------------------------------------------
  // Finished captures the server holds whole are dropped from the phone.
  function prune(stored) {
    var unsentPhoto = {};
    stored[1].forEach(function (p) { if (!p.enviada) unsentPhoto[p.hallazgo] = true; });
    var done = function (c) {
      return c.terminada && c.rev <= c.enviada &&
        !c.hallazgos.some(function (f) { return unsentPhoto[f.uuid]; });
    };
    var gone = stored[0].filter(done);
    var goneFindings = {};
    gone.forEach(function (c) { c.hallazgos.forEach(function (f) { goneFindings[f.uuid] = true; }); });
    return Promise.all(
      gone.map(function (c) { return store("capturas", "readwrite", function (s) { return s.delete(c.uuid); }); })
        .concat(stored[1].filter(function (p) { return goneFindings[p.hallazgo]; }).map(function (p) {
          return store("fotos", "readwrite", function (s) { return s.delete(p.uuid); });
        }))
    ).then(function () {
      return [
        stored[0].filter(function (c) { return !done(c); }),
        stored[1].filter(function (p) { return !goneFindings[p.hallazgo]; })
      ];
    });
  }

  Promise.all([all("capturas"), all("fotos")]).then(prune).then(function (stored) {
    captures = stored[0];
    photos = stored[1];
    current = captures.filter(function (c) { return !c.terminada; }).pop() || null;
    if (current) {
      $("titulo").value = current.titulo || "";
      $("participantes").value = (current.participantes || []).join("\n");
      var points = current.puntos;
      if (points.length) $("grabar").textContent = "Reanudar recorrido";
      if (points.length) map.setView([points[points.length - 1].lat, points[points.length - 1].lon], 16);
      // The page was closed while recording (a reload, a crash): go on recording.
      if (current.grabando) {
        recording = true;
        showRecording();
        if (lastFix) addPoint(lastFix);
      }
    }
    render();
    sync();
  });

  $("precision-maxima").addEventListener("change", render);

  // -- «¿Dónde estoy?»: the offline layers and the answer for the current position --------
  // Numbers as geo_app/formatting.number writes them: «1,234.5».
  function formatNumber(value, decimals) {
    return value.toLocaleString("en-US", { minimumFractionDigits: decimals || 0, maximumFractionDigits: decimals || 0 });
  }

  function nameOf(code) { return (layersDoc && layersDoc.nombres[code]) || code; }

  // The answer at lon/lat as kept with a finding: what the server will store there.
  function placeOf(lon, lat) {
    if (!layers) return null;
    var a = LimitesWhere.where(layers, lon, lat);
    if (!a.covered) return null;
    return {
      municipio: a.official ? nameOf(a.official) : null, clave: a.official,
      compartido: a.shared, disputa: a.dispute, zonas: a.zones,
      partes: a.parties.map(nameOf), km: a.river ? a.river.km : null
    };
  }

  function placeText(place) {
    return (place.municipio || "fuera del marco") + (place.compartido ? " · compartido" : "");
  }

  function showWhere() {
    if (!lastFix) return;
    if (!layers) {
      $("donde-municipio").textContent = "Sin datos del mapa en el teléfono";
      return;
    }
    var a = LimitesWhere.where(layers, lastFix.lon, lastFix.lat);
    var panel = $("donde-municipio").closest("section");
    panel.dataset.fix = lastFix.lon.toFixed(7) + "," + lastFix.lat.toFixed(7);
    if (!a.covered) {
      panel.dataset.municipio = "";
      $("donde-municipio").textContent = "Fuera del área de trabajo";
      ["donde-limite", "donde-compartido", "donde-zona", "donde-rio"].forEach(function (id) { $(id).textContent = ""; });
      $("donde-limite").textContent = layersDoc.area
        ? "El teléfono guarda los límites del área de trabajo de la Unidad; aquí el servidor decidirá al enviar."
        : "El servidor aún no tiene zonas ni recorridos que marquen el área de trabajo.";
      return;
    }
    panel.dataset.municipio = a.official || "";
    panel.dataset.compartido = String(a.shared);
    panel.dataset.zona = a.zones.join(" / ");
    $("donde-municipio").textContent = a.official ? nameOf(a.official) : "Fuera del marco vigente";
    var near = a.nearest;
    $("donde-limite").textContent = !near ? "" : "A " + formatNumber(near.distance) + " m del límite" +
      (near.neighbour ? " con " + nameOf(near.neighbour) : "");
    $("donde-compartido").textContent = "Compartido: " + (a.shared ? "sí" : "no") +
      (a.shared && a.limitDistance !== null && !a.dispute ? " (a " + formatNumber(a.limitDistance) + " m de un límite)" : "") +
      (a.shared ? " · concierne a " + a.parties.map(nameOf).join(" / ") : "");
    $("donde-zona").textContent = a.zoneDetails.length
      ? "Dentro de la zona en disputa " + a.zoneDetails.map(function (z) { return "«" + z.name + "» (" + z.status + ")"; }).join(", ")
      : "Fuera de las zonas en disputa";
    $("donde-rio").textContent = a.river
      ? "Km " + formatNumber(a.river.km, 2) + " del " + a.river.name + ", " +
        (a.river.bank === "on" ? layersDoc.margenes.on : "margen " + layersDoc.margenes[a.river.bank]) +
        " (a " + formatNumber(a.river.distance) + " m del cauce)"
      : "A más de " + formatNumber(layersDoc.alcance_rio_m / 1000) + " km de los ríos guardados";
  }

  var layerGroup = L.layerGroup().addTo(map);
  trackLine.bringToFront();

  function tooltip(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function drawLayers(doc) {
    layerGroup.clearLayers();
    var colours = doc.colores;
    L.geoJSON({ type: "FeatureCollection", features: doc.municipios }, {
      style: { color: colours.marco, weight: 2, fill: false }, interactive: false
    }).addTo(layerGroup);
    doc.reclamos.forEach(function (claim) {
      L.geoJSON({ type: "FeatureCollection", features: claim.features }, {
        style: { color: claim.color, weight: 2, dashArray: "6 4", fill: false }, interactive: false
      }).addTo(layerGroup);
    });
    L.geoJSON({ type: "FeatureCollection", features: doc.zonas }, {
      style: function (f) { return { color: f.properties.color, weight: 1, fillOpacity: 0.25 }; },
      onEachFeature: function (f, layer) { layer.bindTooltip(tooltip(f.properties.name + " (" + f.properties.status + ")")); }
    }).addTo(layerGroup);
    L.geoJSON({ type: "FeatureCollection", features: doc.rios }, {
      style: { color: colours.rio, weight: 3 }, interactive: false
    }).addTo(layerGroup);
    doc.hallazgos.forEach(function (f) {
      L.circleMarker([f.lat, f.lon], { radius: 5, color: f.color, weight: 1, fillOpacity: 0.7 })
        .bindTooltip(tooltip(f.categoria + " · " + f.fecha + " · " + f.recorrido)).addTo(layerGroup);
    });
    if (!lastFix && !(current && current.puntos.length) && doc.area) {
      map.fitBounds([[doc.area[1], doc.area[0]], [doc.area[3], doc.area[2]]]);
    }
  }

  function useLayers(doc) {
    layersDoc = doc;
    layers = LimitesWhere.prepare(doc);
    drawLayers(doc);
    $("capas-fecha").textContent = doc.fecha_texto + (doc.marco ? " · " + doc.marco : "");
    showWhere();
  }

  // -- the offline base map: the app's own tiles, kept on the phone on request ------------
  var BASE_CACHE = "limites-mapa-base-";
  var baseMap = null;
  var baseLayer = null;

  function useBaseMap(info) {
    baseMap = info;
    if (onlineTiles) map.removeLayer(onlineTiles);
    if (baseLayer) map.removeLayer(baseLayer);
    var b = info.bounds;
    baseLayer = L.tileLayer(info.url, {
      attribution: info.nombre, maxNativeZoom: info.max_zoom, maxZoom: 19,
      bounds: [[b[1], b[0]], [b[3], b[2]]]
    }).addTo(map);
    baseLayer.bringToBack();
    $("mapa-base").hidden = false;
    return showBaseMap();
  }

  function showBaseMap(saving) {
    if (!("caches" in window)) {
      $("mapa-base-texto").textContent = "Este navegador no puede guardar el mapa base.";
      $("guardar-mapa-base").hidden = true;
      return Promise.resolve();
    }
    if (saving) {
      $("mapa-base-texto").textContent = "Guardando " + formatNumber(saving.done) + " de " +
        formatNumber(saving.total) + " teselas…";
      return Promise.resolve();
    }
    return caches.open(BASE_CACHE + baseMap.version).then(function (cache) { return cache.keys(); })
      .then(function (kept) {
        var whole = baseMap.teselas.length && kept.length >= baseMap.teselas.length;
        $("mapa-base-texto").textContent = (whole ? "Mapa base guardado en el teléfono: " :
          "Mapa base sin conexión (" + baseMap.nombre + "): ") + baseMap.texto + ".";
        $("mapa-base").dataset.guardado = String(!!whole);
        $("guardar-mapa-base").hidden = !!whole || !baseMap.teselas.length;
      });
  }

  // Four tiles at a time; old versions of the map are dropped once the new one is kept.
  $("guardar-mapa-base").addEventListener("click", function () {
    if (!baseMap || !navigator.onLine) {
      showError("Guarde el mapa base con conexión.");
      return;
    }
    var name = BASE_CACHE + baseMap.version;
    var queue = baseMap.teselas.slice();
    var progress = { done: 0, total: queue.length };
    $("guardar-mapa-base").disabled = true;
    caches.open(name).then(function (cache) {
      function lane() {
        var url = queue.shift();
        if (!url) return Promise.resolve();
        return cache.add(url).then(function () {
          progress.done += 1;
          showBaseMap(progress);
          return lane();
        });
      }
      return Promise.all([lane(), lane(), lane(), lane()]);
    }).then(function () {
      return caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf(BASE_CACHE) === 0 && n !== name; })
          .map(function (n) { return caches.delete(n); }));
      });
    }).then(function () { return showBaseMap(); }, function () {
      showError("No se pudo guardar todo el mapa base; inténtelo de nuevo con conexión.");
      return showBaseMap();
    }).then(function () { $("guardar-mapa-base").disabled = false; });
  });

  store("capas", "readonly", function (s) { return s.get("mapa-base"); }).then(function (kept) {
    if (kept && kept.doc) useBaseMap(kept.doc);
    if (!navigator.onLine) return;
    return fetch(BASE_MAP_URL, { credentials: "same-origin", cache: "no-cache" }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!response.ok || !json) return;
      return response.json().then(function (info) {
        if (!info) return;
        if (!kept || !kept.doc || kept.doc.version !== info.version) useBaseMap(info);
        return put("capas", { clave: "mapa-base", doc: info });
      });
    });
  }).catch(function (error) { console.warn("mapa base sin conexión:", error); });

  // The kept layers first (no network needed), then a fresher copy when online; the server
  // answers 304 when the phone's copy is current.
  store("capas", "readonly", function (s) { return s.get("capas"); }).then(function (kept) {
    if (kept && kept.doc) useLayers(kept.doc);
    if (!navigator.onLine) return;
    return fetch(LAYERS_URL, { credentials: "same-origin", cache: "no-cache" }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!response.ok || !json) return;
      return response.json().then(function (doc) {
        if (kept && kept.doc && kept.doc.version === doc.version && kept.doc.fecha === doc.fecha) return;
        useLayers(doc);
        return put("capas", { clave: "capas", doc: doc });
      });
    });
  }).catch(function (error) { console.warn("capas sin conexión:", error); });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.swUrl).catch(function (error) {
      console.warn("service worker no registrado:", error);
    });
  }
})();
