// Tables: sortable by a click on a header on every page; on the roles pages, a filter
// box above each comparison table; everywhere, the row a link points at is marked.
// Runs on first load and after each instant navigation (Material emits document$).
(function () {
  "use strict";
  // The roles part is where readers compare: its tables get a filter box.
  var FILTERED = /\/roles\//;
  var MIN_ROWS = 4;

  function rowsOf(table) {
    return Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : []);
  }

  function addFilter(table, number) {
    var rows = rowsOf(table);
    if (rows.length < MIN_ROWS || table.dataset.filter) {
      return;
    }
    table.dataset.filter = "on";
    var id = "table-filter-" + number;
    var box = document.createElement("div");
    box.className = "table-filter";
    box.innerHTML =
      '<label for="' + id + '">Filter rows</label> ' +
      '<input type="search" id="' + id + '" autocomplete="off" spellcheck="false">' +
      ' <span class="table-filter__count" aria-live="polite"></span>';
    var scroller = table.closest(".md-typeset__scrollwrap") || table;
    scroller.parentNode.insertBefore(box, scroller);
    var input = box.querySelector("input");
    var count = box.querySelector(".table-filter__count");
    input.setAttribute("aria-controls", table.id || (table.id = "table-" + number));
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
        row.hidden = !match;
        shown += match ? 1 : 0;
      });
      count.textContent = words.length ? shown + " of " + rows.length + " rows" : "";
    });
  }

  // Instant navigation changes the URL without a page load, so :target alone would
  // miss the row a search result links to: mark it by hand as well.
  function markTarget() {
    document.querySelectorAll("tr.is-target").forEach(function (row) {
      row.classList.remove("is-target");
    });
    var hash = decodeURIComponent(location.hash.slice(1));
    var row = hash && document.getElementById(hash);
    if (row && row.tagName === "TR") {
      row.hidden = false;
      row.classList.add("is-target");
    }
  }

  document$.subscribe(function () {
    var filtered = FILTERED.test(location.pathname);
    document.querySelectorAll("article table:not([class])").forEach(function (table, n) {
      new Tablesort(table);
      if (filtered) {
        addFilter(table, n + 1);
      }
    });
    markTarget();
  });
  window.addEventListener("hashchange", markTarget);
})();
