// The shared browser helpers' number writer under node (full ICU): the same text as
// Intl.NumberFormat for every number, without building one for small whole numbers.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

globalThis.window = globalThis;
require(path.join(__dirname, "../../xblock_json_contract/public/client.js"));
const X = globalThis.TangerangXBlocks;

test("numbers are written as Intl.NumberFormat writes them in Indonesian and English", () => {
  for (const lang of ["id", "en", "id-ID", "en-US"]) {
    const ours = X.numberFormat(lang);
    const intl = new Intl.NumberFormat(lang);
    for (let n = -1500; n <= 1500; n++) { assert.equal(ours(n), intl.format(n), `${lang} ${n}`); }
    for (const n of [0.5, -2.25, 999.5, 1000, 12345.678, 20000, -1000000, 1e21]) {
      assert.equal(ours(n), intl.format(n), `${lang} ${n}`);
    }
  }
  assert.equal(X.numberFormat("id")(20000), "20.000");
  assert.equal(X.numberFormat("en")(20000), "20,000");
  assert.equal(X.numberFormat("id")(0.5), "0,5");
});

test("Intl is built only for a number that needs it, once", () => {
  const real = Intl.NumberFormat;
  let built = 0;
  Intl.NumberFormat = function (...args) { built += 1; return new real(...args); };
  try {
    const id = X.numberFormat("id");
    assert.equal(id(450) + id(-3) + id(0), "450-30");
    assert.equal(built, 0);
    assert.equal(id(1500), "1.500");
    assert.equal(id(2.5), "2,5");
    assert.equal(built, 1);
    // Other options (a percent) and other scripts of digits always go through Intl.
    assert.equal(X.numberFormat("id", {style: "percent"})(0.25), new real("id", {style: "percent"}).format(0.25));
    assert.equal(X.numberFormat("ar-EG")(5), new real("ar-EG").format(5));
    assert.equal(built, 3);
  } finally {
    Intl.NumberFormat = real;
  }
});

test("anything not a number is written as it is", () => {
  const id = X.numberFormat();
  assert.equal(id("Pak Darto"), "Pak Darto");
  assert.equal(id(null), "null");
  assert.equal(id(NaN), new Intl.NumberFormat("id").format(NaN));
});
