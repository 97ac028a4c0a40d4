// The self-assessment page (docs/transition/self-assessment.md) as a checklist.
//
// Without JavaScript the page is a set of Markdown tables, one per area, that a
// reader can print and tick by hand. This script enhances it in place: a checkbox
// and label on each level row, a total per area with the chapter that closes the
// next gap, a summary and a reset button. Ticks are kept in localStorage, so the
// page works offline and nothing leaves the browser.
//
// The page marks what to enhance:
//   <div data-self-assessment>          the container; nothing happens without it
//     <h3 data-sa-area="slug">Name</h3> one heading per area, followed by its table
//     <div data-sa-results>             where the summary goes (else: at the end)
//
// The pure functions in `core` are tested with node (tests/assets/).
(function () {
  "use strict";

  var STORAGE_KEY = "ds-to-mle.self-assessment.v1";
  var ID_PREFIX = "sa-";

  // ---- Pure logic: no DOM, no storage. -------------------------------------

  /** The id of the checkbox for one level of one area, e.g. "sa-testing-2". */
  function checkboxId(area, level) {
    return ID_PREFIX + area + "-" + level;
  }

  /** Read stored state; anything malformed reads as "nothing checked". */
  function parseState(text) {
    var state = {};
    if (typeof text !== "string" || text === "") return state;
    var data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return state;
    }
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      return state;
    }
    Object.keys(data).forEach(function (id) {
      if (id.indexOf(ID_PREFIX) === 0 && data[id] === true) state[id] = true;
    });
    return state;
  }

  /** Write state as JSON: checked ids only, in a stable order. */
  function serialiseState(state) {
    var out = {};
    Object.keys(state)
      .filter(function (id) {
        return state[id] === true;
      })
      .sort()
      .forEach(function (id) {
        out[id] = true;
      });
    return JSON.stringify(out);
  }

  /** A copy of state with one checkbox set or cleared. */
  function withChecked(state, id, checked) {
    var next = {};
    Object.keys(state).forEach(function (key) {
      if (key !== id && state[key] === true) next[key] = true;
    });
    if (checked) next[id] = true;
    return next;
  }

  /** "2 / 4": checked levels over all levels; totals start with this text. */
  function formatTotal(checked, total) {
    return checked + " / " + total;
  }

  /**
   * Score each area. `areas` is a list of {slug, name, levels}, each level a
   * {id, level, name, chapter} in the page's order (lowest first). The gap is
   * the lowest level not yet checked: the one to work on next.
   */
  function summarise(areas, state) {
    var results = areas.map(function (area) {
      var checked = area.levels.filter(function (item) {
        return state[item.id] === true;
      });
      var gap =
        area.levels.filter(function (item) {
          return state[item.id] !== true;
        })[0] || null;
      return {
        slug: area.slug,
        name: area.name,
        checked: checked.length,
        total: area.levels.length,
        gap: gap,
      };
    });
    var checked = results.reduce(function (sum, r) {
      return sum + r.checked;
    }, 0);
    var total = results.reduce(function (sum, r) {
      return sum + r.total;
    }, 0);
    return { areas: results, checked: checked, total: total };
  }

  var core = {
    STORAGE_KEY: STORAGE_KEY,
    checkboxId: checkboxId,
    parseState: parseState,
    serialiseState: serialiseState,
    withChecked: withChecked,
    formatTotal: formatTotal,
    summarise: summarise,
  };

  if (typeof module === "object" && module && module.exports) {
    module.exports = core; // node --test imports the logic; there is no page
    return;
  }

  // ---- The page. -----------------------------------------------------------

  // Private browsing or a full disk can make localStorage throw: the checklist
  // still works for this visit, it just is not remembered.
  function load() {
    try {
      return parseState(window.localStorage.getItem(STORAGE_KEY));
    } catch (error) {
      return {};
    }
  }

  function save(state) {
    try {
      window.localStorage.setItem(STORAGE_KEY, serialiseState(state));
    } catch (error) {
      /* not remembered; see load() */
    }
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }

  // Text for screen readers only: the clip pattern keeps it in the accessibility
  // tree (display: none would not). Inline, so the page needs no extra stylesheet.
  function hiddenText(text) {
    var span = element("span", {}, [text]);
    span.style.cssText =
      "position:absolute;width:1px;height:1px;padding:0;margin:-1px;" +
      "overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0";
    return span;
  }

  // The first table after an area's heading, before the next heading.
  function tableAfter(heading) {
    for (var node = heading.nextElementSibling; node; node = node.nextElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return null;
      if (node.tagName === "TABLE") return node;
      var inner = node.querySelector("table");
      if (inner) return inner;
    }
    return null;
  }

  function blockOf(table, heading) {
    var block = table;
    while (block.parentElement && block.parentElement !== heading.parentElement) {
      block = block.parentElement;
    }
    return block;
  }

  // Turn one area's table into checkboxes; return the area for `summarise`.
  function enhanceArea(heading) {
    var slug = heading.getAttribute("data-sa-area");
    var copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach(function (link) {
      link.remove(); // the permalink's pilcrow is not part of the name
    });
    var name = copy.textContent.trim();
    var table = tableAfter(heading);
    if (!slug || !table) return null;
    var levels = [];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row, index) {
      var cells = row.cells;
      var level = index + 1;
      var id = checkboxId(slug, level);
      var described = "self-assessment-desc-" + slug + "-" + level;
      // The third column names the chapter, the fourth the exercise that checks it.
      var link = cells.length > 2 ? cells[2].querySelector("a") : null;
      var exercise = cells.length > 3 ? cells[3].querySelector("a") : null;
      var input = element("input", {
        type: "checkbox",
        id: id,
        "data-area": slug,
        "aria-describedby": described,
      });
      var label = element("label", { for: id }, [
        hiddenText(name + ", level " + level + ": "),
      ]);
      var levelName = cells[0].textContent.trim();
      while (cells[0].firstChild) label.append(cells[0].firstChild);
      cells[0].append(input, " ", label);
      cells[0].style.whiteSpace = "nowrap"; // keep each box beside its level name
      if (cells.length > 1) cells[1].id = described;
      levels.push({
        id: id,
        level: level,
        name: levelName,
        chapter: link,
        exercise: exercise,
      });
    });
    var total = element("p", {
      "data-area-total": slug,
      "aria-live": "polite",
    });
    blockOf(table, heading).after(total);
    return { slug: slug, name: name, levels: levels, totalNode: total };
  }

  function chapterLink(chapter) {
    if (!chapter) return "the chapters above";
    return element("a", { href: chapter.getAttribute("href") }, [chapter.textContent]);
  }

  function exerciseLink(gap) {
    if (!gap.exercise) return [];
    var link = element("a", { href: gap.exercise.getAttribute("href") }, [
      element("code", {}, [gap.exercise.textContent]),
    ]);
    return [", then check yourself with its exercise ", link];
  }

  function renderTotal(area, result) {
    var node = area.totalNode;
    var count = formatTotal(result.checked, result.total);
    node.replaceChildren(element("strong", {}, [count]), " levels ticked. ");
    if (result.gap) {
      node.append(
        "Next: level " + result.gap.level + " (" + result.gap.name + "). Read ",
        chapterLink(result.gap.chapter)
      );
      node.append.apply(node, exerciseLink(result.gap).concat(["."]));
    } else {
      node.append("Every level ticked: help someone else get here.");
    }
  }

  function renderSummary(panel, summary) {
    var gaps = summary.areas.filter(function (r) {
      return r.gap;
    });
    var list = element(
      "ul",
      {},
      gaps.map(function (r) {
        return element(
          "li",
          {},
          [
            r.name + " (" + formatTotal(r.checked, r.total) + "): read ",
            chapterLink(r.gap.chapter),
          ].concat(exerciseLink(r.gap))
        );
      })
    );
    var parts = [
      element("p", { "aria-live": "polite" }, [
        element("strong", {}, [formatTotal(summary.checked, summary.total)]),
        " levels ticked across " + summary.areas.length + " areas.",
      ]),
    ];
    if (gaps.length) {
      parts.push(element("p", {}, ["Your next chapter in each area with a gap:"]), list);
    }
    var target = panel.querySelector("[data-sa-summary]");
    target.replaceChildren.apply(target, parts);
  }

  function enhance(container) {
    if (container.hasAttribute("data-sa-ready")) return; // never twice
    container.setAttribute("data-sa-ready", "");
    var areas = Array.prototype.map
      .call(container.querySelectorAll("[data-sa-area]"), enhanceArea)
      .filter(Boolean);
    if (!areas.length) return;

    var panel = container.querySelector("[data-sa-results]");
    if (!panel) {
      panel = element("div", { "data-sa-results": "" });
      container.append(panel);
    }
    var reset = element("button", {
      type: "button",
      class: "md-button",
      "data-self-assessment-reset": "",
    }, ["Clear all ticks"]);
    panel.replaceChildren(element("div", { "data-sa-summary": "" }), reset);

    var state = load();
    var boxes = container.querySelectorAll('input[type="checkbox"][data-area]');

    function render() {
      var summary = summarise(areas, state);
      areas.forEach(function (area, index) {
        renderTotal(area, summary.areas[index]);
      });
      renderSummary(panel, summary);
    }

    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = state[box.id] === true;
      box.addEventListener("change", function () {
        state = withChecked(state, box.id, box.checked);
        save(state);
        render();
      });
    });
    reset.addEventListener("click", function () {
      state = {};
      save(state);
      Array.prototype.forEach.call(boxes, function (box) {
        box.checked = false;
      });
      render();
    });
    render();
  }

  function init() {
    var container = document.querySelector("[data-self-assessment]");
    if (container) enhance(container); // every other page: nothing to do
  }

  if (window.__dsToMleSelfAssessment) return; // the script ran already
  window.__dsToMleSelfAssessment = true;
  if (typeof document$ !== "undefined") {
    // Material's instant navigation swaps pages without reloading scripts;
    // document$ emits on the first load and after every navigation.
    document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
