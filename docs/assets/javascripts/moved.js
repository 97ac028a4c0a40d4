// A section that moved to another page leaves a hidden link on its old page
// (overrides/main.html, from `extra.moved` in mkdocs.yml). A reader who follows an
// old link to it lands where it went, not at the top of the page it left.
(function () {
  "use strict";

  function follow() {
    var anchor = decodeURIComponent(location.hash.slice(1));
    if (!anchor || document.getElementById(anchor)) {
      return; // no anchor, or one that is still on this page
    }
    var moved = document.querySelector(
      'a[data-moved-from="' + anchor.replace(/["\\]/g, "\\$&") + '"]'
    );
    if (moved) {
      location.replace(moved.href);
    }
  }

  document$.subscribe(follow);
  window.addEventListener("hashchange", follow);
})();
