/* Límites: a Leaflet control to measure a distance (and the area it encloses) on the map.

   Our own code, embedded in every map by geo_app.maps.controls.MeasureTool, so it also works
   in the standalone HTML export. It builds its markup with DOM calls and never evaluates a
   string, so the pages' Content-Security-Policy needs no 'unsafe-eval'.

   Distances are great-circle (Leaflet's distanceTo); the area of three or more points is the
   geodesic area of the closed polygon. Close to what the app measures in EPSG:6372 for the
   sizes one draws by hand; the figures of record come from the server. */
(function () {
    "use strict";
    if (typeof L === "undefined" || L.Control.LimitesMeasure) {
        return;
    }
    var EARTH_RADIUS_M = 6378137;
    var whole = new Intl.NumberFormat("es-MX", {maximumFractionDigits: 0});
    var two = new Intl.NumberFormat("es-MX", {minimumFractionDigits: 2, maximumFractionDigits: 2});
    // The colour comes from the theme's CSS custom properties (geo_app/theme.py), read
    // when a shape is drawn: by then the map's stylesheet is on the page.
    function measureColour() {
        return getComputedStyle(document.documentElement).getPropertyValue("--measure").trim();
    }
    function lineStyle() {
        return {color: measureColour(), weight: 3, dashArray: "6 6", interactive: false};
    }
    function vertexStyle() {
        return {radius: 4, color: measureColour(), weight: 2, fillColor: "#fff", fillOpacity: 1,
                interactive: false};
    }

    function lengthText(metres) {
        return metres < 1000 ? whole.format(metres) + " m" : two.format(metres / 1000) + " km";
    }

    function areaText(squareMetres) {
        var hectares = squareMetres / 10000;
        return hectares < 1
            ? whole.format(squareMetres) + " m²"
            : two.format(hectares) + " ha (" + whole.format(squareMetres) + " m²)";
    }

    function pathLength(points) {
        var total = 0;
        for (var i = 1; i < points.length; i++) {
            total += points[i - 1].distanceTo(points[i]);
        }
        return total;
    }

    // The area of a polygon on the sphere (Chamberlain & Duquette, as Leaflet.draw does).
    function geodesicArea(points) {
        var area = 0;
        var rad = Math.PI / 180;
        for (var i = 0; i < points.length; i++) {
            var p1 = points[i];
            var p2 = points[(i + 1) % points.length];
            area += (p2.lng - p1.lng) * rad * (2 + Math.sin(p1.lat * rad) + Math.sin(p2.lat * rad));
        }
        return Math.abs(area * EARTH_RADIUS_M * EARTH_RADIUS_M / 2);
    }

    function element(tag, className, parent, text) {
        var node = L.DomUtil.create(tag, className, parent);
        if (text) {
            node.textContent = text;
        }
        return node;
    }

    function button(label, className, parent, action) {
        var node = element("button", className, parent, label);
        node.type = "button";
        L.DomEvent.on(node, "click", function (event) {
            L.DomEvent.preventDefault(event);
            action();
        });
        return node;
    }

    L.Control.LimitesMeasure = L.Control.extend({
        options: {position: "topleft"},

        onAdd: function (map) {
            this._map = map;
            this._points = [];
            this._layer = L.layerGroup();
            var box = element("div", "limites-measure leaflet-bar");
            var toggle = element("a", "limites-measure-toggle", box);
            toggle.href = "#";
            toggle.setAttribute("role", "button");
            toggle.title = "Medir distancia";
            toggle.setAttribute("aria-label", "Medir distancia");
            toggle.setAttribute("aria-expanded", "false");
            L.DomEvent.on(toggle, "click", function (event) {
                L.DomEvent.preventDefault(event);
                if (this._measuring) {
                    this._stop();
                } else {
                    this._start();
                }
            }, this);
            var panel = element("div", "limites-measure-panel", box);
            panel.hidden = true;
            element("strong", "limites-measure-title", panel, "Medir distancia");
            this._hint = element("p", "limites-measure-hint", panel);
            this._result = element("p", "limites-measure-result", panel);
            this._result.setAttribute("aria-live", "polite");
            var actions = element("div", "limites-measure-actions", panel);
            this._undo = button("Deshacer", "limites-measure-undo", actions,
                                L.bind(this._removeLast, this));
            this._undo.title = "Quitar el último punto";
            button("Borrar", "limites-measure-clear", actions, L.bind(this._clear, this));
            button("Terminar", "limites-measure-done", actions, L.bind(this._stop, this));
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            this._box = box;
            this._toggle = toggle;
            this._panel = panel;
            this._show();
            return box;
        },

        onRemove: function () {
            this._stop();
            this._layer.remove();
        },

        _start: function () {
            var map = this._map;
            this._measuring = true;
            this._clear();
            this._layer.addTo(map);
            this._panel.hidden = false;
            this._toggle.setAttribute("aria-expanded", "true");
            L.DomUtil.addClass(this._box, "limites-measure-on");
            L.DomUtil.addClass(map.getContainer(), "limites-measuring");
            map.closePopup();
            // The map's shapes and markers let clicks through while measuring (map.css), so a
            // click on a zone marks a point instead of opening (and panning to) its popup.
            map.on("click", this._add, this);
            map.on("popupopen", this._closePopup, this);
            this._zoomOnDoubleClick = map.doubleClickZoom.enabled();
            map.doubleClickZoom.disable();
            L.DomEvent.on(document, "keydown", this._key, this);
        },

        _stop: function () {
            var map = this._map;
            if (!this._measuring) {
                return;
            }
            this._measuring = false;
            map.off("click", this._add, this);
            map.off("popupopen", this._closePopup, this);
            if (this._zoomOnDoubleClick) {
                map.doubleClickZoom.enable();
            }
            L.DomEvent.off(document, "keydown", this._key, this);
            L.DomUtil.removeClass(map.getContainer(), "limites-measuring");
            L.DomUtil.removeClass(this._box, "limites-measure-on");
            this._toggle.setAttribute("aria-expanded", "false");
            if (!this._points.length) {
                this._panel.hidden = true;
            }
            this._show();
        },

        _closePopup: function () {
            this._map.closePopup();
        },

        _key: function (event) {
            if (event.key === "Escape") {
                this._stop();
            }
        },

        _add: function (event) {
            this._points.push(event.latlng);
            this._draw();
        },

        _removeLast: function () {
            this._points.pop();
            this._draw();
        },

        _clear: function () {
            this._points = [];
            this._draw();
            if (!this._measuring) {
                this._panel.hidden = true;
            }
        },

        _draw: function () {
            var points = this._points;
            this._layer.clearLayers();
            if (points.length >= 3) {
                L.polygon(points, L.extend(lineStyle(), {weight: 0, fillOpacity: 0.12}))
                    .addTo(this._layer);
            }
            if (points.length >= 2) {
                L.polyline(points, lineStyle()).addTo(this._layer);
            }
            points.forEach(function (point) {
                L.circleMarker(point, vertexStyle()).addTo(this._layer);
            }, this);
            if (points.length >= 2) {
                L.tooltip({permanent: true, direction: "auto",
                           className: "limites-measure-tooltip"})
                    .setLatLng(points[points.length - 1])
                    .setContent(lengthText(pathLength(points)))
                    .addTo(this._layer);
            }
            this._show();
        },

        _show: function () {
            var points = this._points;
            var lines = [];
            if (points.length >= 2) {
                lines.push("Distancia: " + lengthText(pathLength(points)));
            }
            if (points.length >= 3) {
                lines.push("Área encerrada: " + areaText(geodesicArea(points)));
            }
            this._result.textContent = lines.join("\n");
            this._result.hidden = !lines.length;
            this._undo.disabled = !points.length;
            if (!this._measuring) {
                this._hint.textContent = points.length
                    ? "Medición terminada."
                    : "";
            } else if (!points.length) {
                this._hint.textContent = "Haga clic en el mapa para marcar el primer punto.";
            } else if (points.length === 1) {
                this._hint.textContent = "Marque el siguiente punto.";
            } else {
                this._hint.textContent = "Siga marcando puntos; con tres o más se mide el área.";
            }
            this._hint.hidden = !this._hint.textContent;
        }
    });

    L.Control.LimitesMeasure.lengthText = lengthText;
    L.Control.LimitesMeasure.areaText = areaText;
    L.Control.LimitesMeasure.geodesicArea = geodesicArea;
})();
