// Leaflet and its plugins in Spanish: the zoom buttons, the layer control, the
// attribution's title, a popup's close button, the fullscreen button and every toolbar
// button, tooltip and error of leaflet-draw. Load it after Leaflet (and leaflet-draw, where
// a page draws) and before any map is made: controls read their titles when they are built.
(function () {
  "use strict";
  if (typeof L === "undefined" || L.limitesSpanish) { return; }
  L.limitesSpanish = true;

  L.Control.Zoom.prototype.options.zoomInTitle = "Acercar";
  L.Control.Zoom.prototype.options.zoomOutTitle = "Alejar";

  // Leaflet writes «Layers» on the control's folded button when it builds it.
  var initLayers = L.Control.Layers.prototype._initLayout;
  L.Control.Layers.prototype._initLayout = function () {
    initLayers.apply(this, arguments);
    if (this._layersLink) {
      this._layersLink.title = "Capas";
      this._layersLink.setAttribute("aria-label", "Capas");
    }
  };

  var attribution = L.Control.Attribution.prototype.options;
  attribution.prefix = String(attribution.prefix).replace(
    "A JavaScript library for interactive maps", "Biblioteca de JavaScript para mapas interactivos");

  // A popup's × is announced «Close popup» by screen readers.
  L.Map.addInitHook(function () {
    this.on("popupopen", function (event) {
      var close = event.popup && event.popup._closeButton;
      if (close) { close.setAttribute("aria-label", "Cerrar"); }
    });
  });

  if (L.Control.FullScreen) {
    L.Control.FullScreen.prototype.options.title = "Pantalla completa";
    L.Control.FullScreen.prototype.options.titleCancel = "Salir de pantalla completa";
  }

  if (L.drawLocal) {
    L.drawLocal = {
      draw: {
        toolbar: {
          actions: { title: "Cancelar el dibujo", text: "Cancelar" },
          finish: { title: "Terminar el dibujo", text: "Terminar" },
          undo: { title: "Borrar el último vértice", text: "Borrar el último vértice" },
          buttons: {
            polyline: "Dibujar una línea",
            polygon: "Dibujar un polígono",
            rectangle: "Dibujar un rectángulo",
            circle: "Dibujar un círculo",
            marker: "Marcar un punto",
            circlemarker: "Marcar un punto"
          }
        },
        handlers: {
          circle: { tooltip: { start: "Haga clic y arrastre para dibujar el círculo." }, radius: "Radio" },
          circlemarker: { tooltip: { start: "Haga clic en el mapa para marcar el punto." } },
          marker: { tooltip: { start: "Haga clic en el mapa para marcar el punto." } },
          polygon: {
            tooltip: {
              start: "Haga clic para empezar el polígono.",
              cont: "Haga clic para seguir dibujando.",
              end: "Haga clic en el primer vértice para cerrar."
            }
          },
          polyline: {
            error: "<strong>Error:</strong> los lados de la figura no pueden cruzarse.",
            tooltip: {
              start: "Haga clic para empezar la línea.",
              cont: "Haga clic para seguir la línea.",
              end: "Haga clic en el último punto para terminar."
            }
          },
          rectangle: { tooltip: { start: "Haga clic y arrastre para dibujar el rectángulo." } },
          simpleshape: { tooltip: { end: "Suelte el botón para terminar." } }
        }
      },
      edit: {
        toolbar: {
          actions: {
            save: { title: "Guardar los cambios", text: "Guardar" },
            cancel: { title: "Cancelar la edición y descartar los cambios", text: "Cancelar" },
            clearAll: { title: "Borrar todas las figuras", text: "Borrar todo" }
          },
          buttons: {
            edit: "Editar la figura",
            editDisabled: "No hay figuras que editar",
            remove: "Borrar la figura",
            removeDisabled: "No hay figuras que borrar"
          }
        },
        handlers: {
          edit: {
            tooltip: {
              text: "Arrastre los vértices o el punto para cambiar la figura.",
              subtext: "«Cancelar» deshace los cambios."
            }
          },
          remove: { tooltip: { text: "Haga clic en una figura para borrarla." } }
        }
      }
    };
  }
})();
