// Search with Pagefind, in Material's search dialog (overrides/partials/search.html).
//
// Nothing is fetched until the reader opens the dialog; then Pagefind loads its small
// entry files and, per query, only the index fragments the words need. Each result
// links to the part of the page that holds most of the words: a table row when one
// does (tools/table_rows.py gives every row an id), otherwise a section heading.
(function () {
  "use strict";
  var SITE = new URL("../../", document.currentScript.src);
  var PAGEFIND = new URL("pagefind/pagefind.js", SITE).href;
  var SHOWN = 10;
  var PARTS = 3; // links into one page
  var WORDS = 28; // words of context under a result
  var SECTION = /^(h[1-6]|tr)$/;
  var pagefind = null;
  var OFFLINE =
    "Search needs the guide served, not opened from disk: in the guide's folder, " +
    "run `python3 -m http.server` and open http://localhost:8000/.";
  var latest = 0;

  function $(selector) {
    return document.querySelector(selector);
  }

  function load() {
    if (pagefind === null) {
      pagefind = import(PAGEFIND).then(function (module) {
        return module.options({ excerptLength: WORDS }).then(function () {
          return module;
        });
      });
    }
    return pagefind;
  }

  function escape(text) {
    return text.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  // Words too common to say where on a page a question is answered.
  var COMMON = new Set(("a an and are as at be by do does for from how in is it of on " +
    "or the this that to what when where which who whom why with after before").split(" "));

  function normal(word) {
    return (word || "").toLowerCase().replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  }

  // The parts of a page that a result can link to: each heading and each table row,
  // from its anchor to the next. A table's last row has no anchor after it, so it
  // ends where its longest sibling would (a page reads on after the table).
  function parts(data) {
    var anchors = data.anchors
      .filter(function (a) {
        return SECTION.test(a.element) && a.id;
      })
      .sort(function (a, b) {
        return a.location - b.location;
      });
    var found = [];
    var longestRow = 0;
    anchors.forEach(function (anchor, i) {
      var next = anchors[i + 1];
      var end = next ? next.location : data.content.split(/\s+/).length;
      var row = anchor.element === "tr";
      if (row && next && next.element === "tr") {
        longestRow = Math.max(longestRow, end - anchor.location);
      } else if (row) {
        end = Math.min(end, anchor.location + (longestRow || 40));
      }
      if (!row || !next || next.element !== "tr") {
        longestRow = row ? longestRow : 0;
      }
      found.push({ anchor: anchor, start: anchor.location, end: end });
    });
    return found;
  }

  // Each part that holds any of the query's telling words, best first: most distinct
  // words, then the more precise place to land (a row), then most hits. A row that
  // misses one word fewer than a long section still comes first: readers ask about
  // rows, and a section around a table repeats its words.
  function rankedParts(data, terms) {
    var words = data.content.split(/\s+/);
    var scored = [];
    parts(data).forEach(function (part) {
      var distinct = new Set();
      var hits = 0;
      data.locations.forEach(function (at) {
        var term = at >= part.start && at < part.end && termOf(normal(words[at]), terms);
        if (term) {
          distinct.add(term);
          hits += 1;
        }
      });
      if (distinct.size) {
        var row = part.anchor.element === "tr";
        var lead = distinct.size + (row && distinct.size > 1 ? 1 : 0);
        scored.push({
          part: part.anchor, end: part.end, score: [lead, row ? 1 : 0, hits],
        });
      }
    });
    return scored.sort(function (a, b) {
      return ahead(a.score, b.score) ? -1 : ahead(b.score, a.score) ? 1 : 0;
    });
  }

  // The query's telling words. Pagefind also matches a word's stem and, for the last
  // word, its prefix: a one-letter "c" would match every word that starts with c.
  function termsOf(query) {
    return query.split(/\s+/).map(normal).filter(function (term) {
      return term && !COMMON.has(term);
    });
  }

  // Which query term a matched page word stands for, or null.
  function termOf(word, terms) {
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i];
      var stem = term.length <= 3 ? term : term.slice(0, Math.max(3, term.length - 3));
      if (term.length <= 2 ? word === term : word.indexOf(stem) === 0) {
        return term;
      }
    }
    return null;
  }

  function ahead(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) return a[i] > b[i];
    }
    return false;
  }

  // A few words from the part, the matched ones marked.
  function excerpt(data, best) {
    var words = data.content.split(/\s+/);
    var start = best.part.location;
    var first = data.locations.find(function (at) {
      return at >= start && at < best.end;
    });
    if (first - start > WORDS / 2) {
      start = first - 4;
    }
    var stop = Math.min(best.end, start + WORDS, words.length);
    var marked = {};
    data.locations.forEach(function (at) {
      marked[at] = true;
    });
    var out = [];
    for (var i = start; i < stop; i++) {
      var word = escape(words[i] || "");
      out.push(marked[i] ? "<mark>" + word + "</mark>" : word);
    }
    return out.join(" ");
  }

  function title(text) {
    return escape((text || "").replace(/¶/g, "").trim());
  }

  function link(data, found, heading) {
    var url = data.url;
    var where = "";
    var context = data.excerpt;
    if (found) {
      url = data.url.split("#")[0] + "#" + found.part.id;
      context = excerpt(data, found);
      if (found.part.element === "tr") {
        where = "Table row: " + escape(data.content.split(/\s+/)
          .slice(found.part.location, found.part.location + 6).join(" "));
      } else if (found.part.element !== "h1") {
        where = title(found.part.text);
      }
    }
    return (
      '<a href="' + escape(url) + '" class="md-search-result__link" tabindex="-1">' +
      '<article class="md-search-result__article md-typeset">' +
      (heading ? "<h1>" + title(data.meta.title) + "</h1>" : "") +
      (where ? "<h2>" + where + "</h2>" : "") +
      "<p>" + context + "</p></article></a>"
    );
  }

  // A page, linked at its best part, then at up to two more parts that hold words.
  function item(data, terms) {
    var ranked = rankedParts(data, terms).slice(0, PARTS);
    var html = link(data, ranked[0] || null, true);
    ranked.slice(1).forEach(function (found) {
      html += link(data, found, false);
    });
    return '<li class="md-search-result__item">' + html + "</li>";
  }

  // The list says which query it answers, so a reader (or a test) can tell the
  // answer to the last key typed from one to a key before.
  function reference(data) {
    return data.url.indexOf("/reference/") === -1 ? 0 : 1;
  }

  function show(meta, html, query) {
    $("[data-guide-search-meta]").textContent = meta;
    var list = $("[data-guide-search-list]");
    list.innerHTML = html;
    list.setAttribute("data-query", query || "");
  }

  function count(n) {
    if (n === 0) return "No matching documents";
    return n === 1 ? "1 matching document" : n + " matching documents";
  }

  function search(query) {
    var ticket = ++latest;
    if (!query.trim()) {
      show("Type to start searching", "");
      return;
    }
    load()
      .then(function (module) {
        return module.search(query);
      })
      .then(function (found) {
        var top = found.results.slice(0, SHOWN).map(function (result) {
          return result.data();
        });
        return Promise.all(top).then(function (pages) {
          // For the same words, the chapter that explains them before the API page
          // that lists them (the sort keeps Pagefind's order otherwise).
          pages.sort(function (a, b) {
            return reference(a) - reference(b);
          });
          if (ticket === latest) {
            var terms = termsOf(query);
            var html = pages.map(function (data) {
              return item(data, terms);
            });
            show(count(found.results.length), html.join(""), query);
          }
        });
      })
      .catch(function (error) {
        if (location.protocol === "file:") {
          // The offline bundle opened from disk: browsers do not load scripts as
          // modules from file:// pages, so Pagefind cannot run there.
          show(OFFLINE, "");
          return;
        }
        // `mkdocs serve` has no index: Pagefind runs on the built site (make preview).
        show("Search works on the built site (make preview): " + error.message, "");
      });
  }

  function open(on) {
    var toggle = $("#__search");
    if (toggle && toggle.checked !== on) {
      toggle.checked = on;
      toggle.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function links() {
    return Array.prototype.slice.call(
      document.querySelectorAll("[data-guide-search-list] .md-search-result__link")
    );
  }

  function typing(target) {
    return target.matches("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("change", function (event) {
    if (event.target.id === "__search" && event.target.checked) {
      load().catch(function () {}); // start fetching while the reader types
      $("[data-guide-search-query]").focus();
    }
  });

  // On a wide screen the box sits in the header: focusing it opens the dialog.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-guide-search-query]")) {
      open(true);
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-guide-search-query]")) {
      search(event.target.value);
    }
  });

  document.addEventListener("reset", function (event) {
    if (event.target.closest("[data-guide-search]")) {
      show("Type to start searching", "");
      $("[data-guide-search-query]").focus();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-guide-search-list] a")) {
      open(false); // the page changes under the dialog: close it
    }
  });

  document.addEventListener("keydown", function (event) {
    var inSearch = $("#__search") && $("#__search").checked;
    if (!inSearch) {
      if (!typing(event.target) && !event.ctrlKey && !event.metaKey &&
          ["/", "s", "f"].indexOf(event.key) !== -1) {
        event.preventDefault();
        open(true);
      }
      return;
    }
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      open(false);
      $("[data-guide-search-query]").blur();
    } else if (event.key === "Enter" && event.target.matches("[data-guide-search-query]")) {
      event.preventDefault();
      if (all.length) all[0].click();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = at + (event.key === "ArrowDown" ? 1 : -1);
      if (next < 0) {
        $("[data-guide-search-query]").focus();
      } else if (next < all.length) {
        all[next].focus();
      }
    }
  });
})();
