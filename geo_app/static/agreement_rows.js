// The agreements inside a meeting's or an inspection's form: «+ Añadir acuerdo» copies the
// spare row kept in a <template> (its fields named agreements-__n__-…) with the next free
// number, and «Quitar este acuerdo» takes a new row away. An agreement already saved is not
// taken from the page: its «Quitar» box sends it to the Papelera when the form is saved.
(function () {
  "use strict";
  var rows = document.querySelector("[data-agreement-rows]");
  var template = document.querySelector("template[data-agreement-template]");
  var add = document.querySelector("button[data-add-row]");
  if (!rows || !template || !add) { return; }
  var placeholder = rows.getAttribute("data-placeholder");

  function nextIndex() {
    var highest = -1;
    rows.querySelectorAll("[name^='agreements-']").forEach(function (field) {
      var n = parseInt(field.name.split("-")[1], 10);
      if (!isNaN(n) && n > highest) { highest = n; }
    });
    return highest + 1;
  }

  function renumber() {
    rows.querySelectorAll("[data-agreement-row]").forEach(function (row, i) {
      var number = row.querySelector("[data-row-number]");
      if (number) { number.textContent = String(i + 1); }
    });
  }

  function wire(row) {
    var remove = row.querySelector("button[data-remove-row]");
    if (!remove) { return; }
    remove.hidden = false;
    remove.addEventListener("click", function () {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      var field = next ? next.querySelector("textarea") : null;
      (field || add).focus();
    });
  }

  add.hidden = false;
  rows.querySelectorAll("[data-agreement-row]").forEach(wire);
  add.addEventListener("click", function () {
    var index = String(nextIndex());
    var copy = template.content.cloneNode(true);
    copy.querySelectorAll("[id], [name], [for]").forEach(function (el) {
      ["id", "name", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.split(placeholder).join(index)); }
      });
    });
    var row = copy.querySelector("[data-agreement-row]");
    rows.appendChild(copy);
    wire(row);
    renumber();
    row.querySelector("textarea").focus();
  });
})();
