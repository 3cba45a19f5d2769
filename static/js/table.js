// Sort and filter a [data-sortable] table in place, without a page reload.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
  }

  function compare(kind, a, b) {
    if (kind === "number") {
      var x = a === "" ? Infinity : Number(a);
      var y = b === "" ? Infinity : Number(b);
      return x - y;
    }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll("th[data-sort]");
    var body = table.tBodies[0];
    headers.forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = th.textContent.trim();
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var index = th.cellIndex;
        var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        var kind = th.getAttribute("data-sort");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(kind, cellValue(r1, index), cellValue(r2, index));
          return direction === "ascending" ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", direction);
        if (window.ErrorKB) window.ErrorKB.announce("Sorted by " + button.textContent + ", " + direction);
      });
    });
  }

  function makeFilterable(table) {
    var tools = document.querySelector('[data-table-tools="' + table.id + '"]');
    if (!tools) return;
    var input = tools.querySelector("[data-table-filter]");
    var retryable = tools.querySelector("[data-table-retryable]");
    var count = tools.querySelector("[data-table-count]");
    var empty = table.closest("section").querySelector("[data-table-empty]");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var visible = words.every(function (word) { return texts[i].indexOf(word) !== -1; }) &&
          (!retryable.checked || row.getAttribute("data-retryable") === "yes");
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = shown === rows.length ? rows.length + " entries" : "Showing " + shown + " of " + rows.length;
      if (empty) empty.hidden = shown !== 0;
    }

    input.addEventListener("input", apply);
    retryable.addEventListener("change", apply);
    tools.hidden = false;
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-sortable]").forEach(function (table) {
      makeSortable(table);
      makeFilterable(table);
    });
  });
})();
