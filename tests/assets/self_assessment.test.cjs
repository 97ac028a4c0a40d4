// Unit tests for the pure logic of docs/assets/javascripts/self-assessment.js.
// Run: node --test tests/assets/  (tests/assets/test_self_assessment_js.py runs
// this from pytest, so `make test` includes it). The page itself is checked in a
// real browser by the browser tests.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const core = require(
  path.join(__dirname, "..", "..", "docs", "assets", "javascripts", "self-assessment.js")
);

const AREAS = [
  {
    slug: "testing",
    name: "Testing",
    levels: [1, 2, 3, 4].map((level) => ({
      id: core.checkboxId("testing", level),
      level,
      name: `L${level}`,
      chapter: `testing-${level}`,
    })),
  },
  {
    slug: "ci-cd",
    name: "CI/CD",
    levels: [1, 2].map((level) => ({
      id: core.checkboxId("ci-cd", level),
      level,
      name: `L${level}`,
      chapter: `ci-cd-${level}`,
    })),
  },
];

test("the storage key is the one the browser tests rely on", () => {
  assert.equal(core.STORAGE_KEY, "ds-to-mle.self-assessment.v1");
});

test("checkbox ids are stable and start with sa-", () => {
  assert.equal(core.checkboxId("system-design", 3), "sa-system-design-3");
});

test("parseState keeps only checked sa- ids", () => {
  const text = JSON.stringify({
    "sa-testing-1": true,
    "sa-testing-2": false,
    "sa-testing-3": "yes",
    "other-key": true,
  });
  assert.deepEqual(core.parseState(text), { "sa-testing-1": true });
});

test("parseState reads malformed storage as nothing checked", () => {
  for (const text of [null, undefined, "", "not json", "[1, 2]", "null", "42", '"x"']) {
    assert.deepEqual(core.parseState(text), {}, String(text));
  }
});

test("serialiseState writes checked ids only, sorted, and round-trips", () => {
  const state = { "sa-b-1": true, "sa-a-2": true, "sa-c-1": false };
  const text = core.serialiseState(state);
  assert.equal(text, '{"sa-a-2":true,"sa-b-1":true}');
  assert.deepEqual(core.parseState(text), { "sa-a-2": true, "sa-b-1": true });
  assert.equal(core.serialiseState({}), "{}");
});

test("withChecked sets and clears one id without changing the original", () => {
  const before = { "sa-testing-1": true };
  const after = core.withChecked(before, "sa-testing-2", true);
  assert.deepEqual(after, { "sa-testing-1": true, "sa-testing-2": true });
  assert.deepEqual(before, { "sa-testing-1": true });
  assert.deepEqual(core.withChecked(after, "sa-testing-1", false), {
    "sa-testing-2": true,
  });
});

test("formatTotal starts with the number checked", () => {
  assert.equal(core.formatTotal(2, 4), "2 / 4");
});

test("summarise totals each area and finds its lowest unchecked level", () => {
  const state = { "sa-testing-1": true, "sa-testing-3": true, "sa-ci-cd-1": true };
  const summary = core.summarise(AREAS, state);
  assert.equal(summary.checked, 3);
  assert.equal(summary.total, 6);
  const [testing, cicd] = summary.areas;
  assert.equal(testing.checked, 2);
  assert.equal(testing.total, 4);
  // Level 3 is ticked but level 2 is not: the gap is level 2, the lowest one.
  assert.equal(testing.gap.level, 2);
  assert.equal(testing.gap.chapter, "testing-2");
  assert.equal(cicd.gap.level, 2);
});

test("an area with every level checked has no gap", () => {
  const state = { "sa-ci-cd-1": true, "sa-ci-cd-2": true };
  const cicd = core.summarise(AREAS, state).areas[1];
  assert.equal(cicd.checked, 2);
  assert.equal(cicd.gap, null);
});

test("nothing checked: every area's gap is its first level", () => {
  const summary = core.summarise(AREAS, {});
  assert.equal(summary.checked, 0);
  assert.deepEqual(
    summary.areas.map((area) => area.gap.id),
    ["sa-testing-1", "sa-ci-cd-1"]
  );
});
