// Filterable many-to-many pickers: a search box above each <select multiple data-picker>.
// Chosen entries always stay visible; the count says how many are chosen.
(function () {
  "use strict";
  function normal(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function count(select) {
    var label = document.querySelector('[data-count-for="' + select.id + '"]');
    if (label) {
      var n = select.selectedOptions.length;
      label.textContent = n === 1 ? "1 elegido." : n + " elegidos.";
    }
  }
  document.querySelectorAll("input[data-picker-for]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-picker-for"));
    if (!select) { return; }
    box.addEventListener("input", function () {
      var wanted = normal(box.value.trim());
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = wanted !== "" && !option.selected &&
          normal(option.textContent).indexOf(wanted) === -1;
      });
    });
    select.addEventListener("change", function () { count(select); });
    count(select);
  });
})();
