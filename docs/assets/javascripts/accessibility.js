// Accessibility fixes for markup the theme and extensions emit, run on first load and
// after each instant navigation (Material emits document$ for both).
document$.subscribe(function () {
  // A "- [ ]" checklist item renders a checkbox inside an empty <label>; name each
  // checkbox by its item's text, so a screen reader says what is (or is not) done.
  document.querySelectorAll(".task-list-item").forEach(function (item) {
    var box = item.querySelector(":scope > .task-list-control > input[type=checkbox]");
    if (box && !box.hasAttribute("aria-label")) {
      var text = item.cloneNode(true);
      text.querySelectorAll("ul, ol").forEach(function (nested) {
        nested.remove();
      });
      box.setAttribute("aria-label", text.textContent.replace(/\s+/g, " ").trim());
    }
  });
  // Notebook code cells scroll sideways on narrow screens; a scrolling region must be
  // reachable from the keyboard, like Material's own code blocks.
  document.querySelectorAll(".jupyter-wrapper .highlight-ipynb").forEach(function (code) {
    code.setAttribute("tabindex", "0");
  });
  // Material makes a code block that scrolls sideways reachable from the keyboard
  // when it mounts the block, which `content.lazy` defers until the block is on
  // screen (mkdocs.yml). Until then every block is reachable; Material takes the
  // stop away again from a block that turns out not to scroll.
  document.querySelectorAll(".md-typeset pre > code:not([tabindex])").forEach(function (code) {
    code.setAttribute("tabindex", "0");
  });
});
