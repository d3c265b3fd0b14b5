// The map view's pure parts under node: the layout, keyboard neighbours and the weight bands.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

require(path.join(__dirname, "../../complaint_sim_xblock/public/scenario_model.js"));
const ns = require(path.join(__dirname, "../../complaint_sim_xblock/public/scenario_map.js"));
const map = ns.map;

test("a choice's share of its node's learners falls in one of five bands", () => {
  assert.equal(map.band(0, 10), 0);
  assert.equal(map.band(5, 0), 0);
  assert.equal(map.band(1, 100), 1);   // 1 %
  assert.equal(map.band(9, 100), 1);   // 9 %
  assert.equal(map.band(10, 100), 2);  // exactly 10 %: the band above
  assert.equal(map.band(29, 100), 2);
  assert.equal(map.band(30, 100), 3);
  assert.equal(map.band(59, 100), 3);
  assert.equal(map.band(60, 100), 4);
  assert.equal(map.band(7, 7), 4);
  // Wider bands draw wider edges.
  for (let b = 1; b < map.BAND_WIDTH.length; b++) { assert.ok(map.BAND_WIDTH[b] > map.BAND_WIDTH[b - 1]); }
});

test("weights turn per-node choice counts into shares and bands", () => {
  const w = map.weights({offer: {refuse: 3, take: 1}, end: {}});
  assert.deepEqual(w.offer.refuse, {count: 3, share: 0.75, band: 4});
  assert.deepEqual(w.offer.take, {count: 1, share: 0.25, band: 2});
  assert.deepEqual(w.end, {});
  assert.deepEqual(map.weights({n: {a: 0, b: 0}}).n.a, {count: 0, share: 0, band: 0});
});

function chain() {
  return {start: "a", nodes: [
    {id: "a", type: "dialogue", choices: [{id: "x", target: "b"}, {id: "y", target: "c"}]},
    {id: "b", type: "narration", next: "d"},
    {id: "c", type: "dialogue", choices: [{id: "z", target: "d"}, {id: "back", target: "a"}]},
    {id: "d", type: "ending"},
    {id: "lost", type: "ending"},
  ]};
}

test("columns follow the distance from the start; unreachable nodes come last", () => {
  const layout = map.computeLayout(chain());
  assert.deepEqual(layout.columns, [["a"], ["b", "c"], ["d"], ["lost"]]);
  assert.equal(layout.pos.a.col, 0);
  assert.ok(layout.pos.c.y > layout.pos.b.y);
  assert.deepEqual(map.edgesOf(chain().nodes[0]), [{choice: "x", target: "b"}, {choice: "y", target: "c"}]);
  assert.deepEqual(map.edgesOf(chain().nodes[1]), [{choice: null, target: "d"}]);
});

test("arrow keys lead to the neighbouring node, or nowhere at the edge", () => {
  const layout = map.computeLayout(chain());
  assert.equal(map.neighbour(layout, "a", "right"), "b");
  assert.equal(map.neighbour(layout, "b", "down"), "c");
  assert.equal(map.neighbour(layout, "c", "up"), "b");
  assert.equal(map.neighbour(layout, "c", "right"), "d");  // the last row of a shorter column
  assert.equal(map.neighbour(layout, "a", "left"), null);
  assert.equal(map.neighbour(layout, "a", "up"), null);
  assert.equal(map.neighbour(layout, "lost", "right"), null);
  assert.equal(map.neighbour(layout, "missing", "right"), null);
});
