// Material for MkDocs draws ```mermaid fences with a global `mermaid` object and,
// when there is none, fetches one from a CDN. This stand-in keeps the site offline
// and light: it loads the vendored copy from this site, and only the first time a
// page actually has a diagram to draw.
(function () {
  "use strict";
  var src = new URL("../vendor/mermaid/mermaid.min.js", document.currentScript.src).href;
  var options = {};
  var loading = null;

  function load() {
    if (loading === null) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () {
          // The vendored script replaces this stand-in with the real object.
          window.mermaid.initialize(options);
          resolve(window.mermaid);
        };
        script.onerror = function () {
          reject(new Error("could not load " + src));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  window.mermaid = {
    initialize: function (config) {
      options = config;
    },
    render: function (id, text) {
      return load().then(function (mermaid) {
        return mermaid.render(id, text);
      });
    },
  };
})();
