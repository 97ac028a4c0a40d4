// Make every plain Markdown table sortable by clicking a header, on first load and
// after each instant navigation (Material emits document$ for both).
document$.subscribe(function () {
  document.querySelectorAll("article table:not([class])").forEach(function (table) {
    new Tablesort(table);
  });
});
