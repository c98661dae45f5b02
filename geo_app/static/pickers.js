// The record forms' pickers: every <select multiple data-picker> becomes a Tom Select box
// (type to filter, accents and capitals ignored; arrows and Enter choose; Backspace removes
// the last chip), posting the same field values as the plain list it replaces.
// A people or institutions picker (data-quick-create) also offers «+ Nueva persona» /
// «+ Nueva institución»: a dialog over the form creates the record on the server (the
// quick_create blueprint) and the picker chooses it, without leaving the form.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") { return; }
  var NOUNS = { persona: "Nueva persona", institucion: "Nueva institución" };
  var pickers = [];

  // -- the dialog ---------------------------------------------------------------------
  var dialog = null;
  var pending = null;  // {kind, picker, done}: what the open dialog creates and for whom
  var result = null;   // the record the dialog created, read when it closes

  function finish(created) {
    var job = pending;
    pending = null;
    result = null;
    if (!job) { return; }
    if (created) {
      pickers.forEach(function (other) {
        if (other.kind === job.kind) {
          other.ts.addOption({ value: String(created.id), text: created.label });
        }
      });
    }
    job.done(created ? { value: String(created.id), text: created.label } : undefined);
    if (created) { job.picker.ts.addItem(String(created.id)); }
    // Back in the picker, ready for the next name, its list folded as after any choice;
    // it opens on focus again once the user has left the picker.
    var ts = job.picker.ts;
    ts.close();
    ts.focus();
    ts.control_input.addEventListener("blur", function () {
      ts.settings.openOnFocus = true;
    }, { once: true });
  }

  function ensureDialog() {
    if (dialog) { return dialog; }
    dialog = document.createElement("dialog");
    dialog.className = "quick-dialog";
    dialog.setAttribute("data-testid", "quick-create");
    document.body.appendChild(dialog);
    // Closed by «Cancelar», Escape or a created record: the picker hears either way.
    dialog.addEventListener("close", function () { finish(result); });
    dialog.addEventListener("click", function (event) {
      if (event.target.closest("[data-quick-cancel]")) { dialog.close(); }
    });
    dialog.addEventListener("submit", function (event) {
      var form = event.target.closest("form.quick-create");
      if (!form) { return; }
      event.preventDefault();
      submit(form);
    });
    return dialog;
  }

  function showFragment(html) {
    dialog.innerHTML = html;
    var fields = dialog.querySelectorAll("input:not([type=hidden]), select, textarea");
    var target = dialog.querySelector(".is-invalid") ||
      Array.prototype.find.call(fields, function (f) { return !f.value; }) || fields[0];
    if (target) { target.focus(); }
  }

  function say(text) {
    var form = dialog.querySelector("form");
    var note = dialog.querySelector("[data-quick-error]");
    if (!note) {
      note = document.createElement("div");
      note.className = "alert alert-danger py-2 mt-2";
      note.setAttribute("role", "alert");
      note.setAttribute("data-quick-error", "");
      (form || dialog).appendChild(note);
    }
    note.textContent = text;
  }

  function failure(response) {
    if (response.status === 403) { return "Su cuenta no puede crear registros."; }
    if (response.status === 400) {
      return "La sesión caducó o el formulario es antiguo: guarde su trabajo y vuelva a entrar.";
    }
    return "No se pudo crear el registro (error " + response.status + "). Intente de nuevo.";
  }

  function submit(form) {
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("json") !== -1) {
        return response.json().then(function (created) {
          result = created;
          dialog.close();
        });
      }
      if (response.status === 422) {
        return response.text().then(showFragment);
      }
      say(failure(response));
      if (button) { button.disabled = false; }
    }).catch(function () {
      say("No hay conexión con el servidor; intente de nuevo.");
      if (button) { button.disabled = false; }
    });
  }

  function openDialog(picker, name, done) {
    ensureDialog();
    // Closing the dialog gives the focus back to the picker: not a reason to unfold it.
    picker.ts.settings.openOnFocus = false;
    pending = { kind: picker.kind, picker: picker, done: done };
    var url = picker.url + (name ? "?nombre=" + encodeURIComponent(name) : "");
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw response; }
      return response.text();
    }).then(function (html) {
      dialog.showModal();
      showFragment(html);
    }).catch(function (response) {
      pending = null;
      done();
      picker.ts.settings.openOnFocus = true;
      picker.ts.focus();
      var help = document.getElementById(picker.select.id + "-ayuda");
      var note = help && (help.querySelector("[data-quick-error]") || document.createElement("div"));
      if (note) {
        note.className = "text-danger";
        note.setAttribute("role", "alert");
        note.setAttribute("data-quick-error", "");
        note.textContent = response && response.status ? failure(response)
          : "No hay conexión con el servidor; intente de nuevo.";
        help.appendChild(note);
      }
    });
  }

  // -- the pickers --------------------------------------------------------------------
  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    var kind = select.getAttribute("data-quick-create");
    var picker = { select: select, kind: kind, url: select.getAttribute("data-quick-url") };
    var settings = {
      plugins: { remove_button: { title: "Quitar", label: "×" } },
      maxOptions: null,
      // Filter at each key, so an Enter typed right after the name picks what it shows.
      refreshThrottle: 0,
      hideSelected: true,
      // A chosen entry folds the list and clears what was typed: the next name is typed at
      // once, and the list never covers the fields below.
      closeAfterSelect: true,
      placeholder: kind ? "Escriba para buscar o crear…" : "Escriba para buscar…",
      render: {
        // A people or institutions picker offers to create what it does not find instead.
        no_results: function () { return kind ? null : '<div class="no-results">Sin resultados.</div>'; },
        option_create: function (data, escape) {
          return '<div class="create">+ ' + NOUNS[kind] + " «" + escape(data.input) + "»…</div>";
        }
      }
    };
    if (kind && picker.url) {
      settings.create = function (input, done) { openDialog(picker, input, done); };
      settings.createOnBlur = false;
      settings.addPrecedence = false;
    }
    picker.ts = new TomSelect(select, settings);
    pickers.push(picker);
  });

  // «+ Nueva persona» beside a picker, for those who look for a button.
  document.querySelectorAll("button[data-quick-for]").forEach(function (button) {
    var picker = pickers.find(function (p) { return p.select.id === button.getAttribute("data-quick-for"); });
    if (!picker) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      openDialog(picker, picker.ts.lastQuery || "", function (created) {
        if (created) { picker.ts.addItem(created.value); }
      });
    });
  });
})();
