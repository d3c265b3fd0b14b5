// eslint (pinned in the Makefile, installed into .cache/eslint by `make js-deps`) over our
// browser scripts and the node tests: `make lint`. No build step: every browser file is a
// plain script; the globals they share are listed here.
"use strict";
const path = require("node:path");
const js = require(path.join(__dirname, ".cache/eslint/node_modules/@eslint/js"));

const browser = {
  window: "readonly", document: "readonly", globalThis: "readonly", console: "readonly", performance: "readonly",
  fetch: "readonly", Blob: "readonly", URL: "readonly", FileReader: "readonly", Intl: "readonly",
  MouseEvent: "readonly", requestAnimationFrame: "readonly", setTimeout: "readonly", clearTimeout: "readonly",
  module: "readonly",  // scenario_model.js and scenario_map.js also load under node
  TangerangXBlocks: "readonly", ComplaintSimScenario: "writable",

};
const rules = {
  ...js.configs.recommended.rules,
  // The XBlock runtime calls each block's init function by its global name.
  "no-unused-vars": ["error", {args: "none", caughtErrors: "none",
                               varsIgnorePattern: "^(ComplaintSim(Block|Editor)|RubricReflection(Block|Editor|StaffPanel))$"}],
  "eqeqeq": ["error", "always"],
  "strict": ["error", "function"],
  "curly": ["error", "all"],
  "no-eval": "error",
  "no-implied-eval": "error",
};

module.exports = [
  {
    // rubric_staff.js (loaded after it for course staff) defines the staff panel.
    files: ["rubric_xblock/public/rubric_reflection.js"],
    languageOptions: {globals: {RubricReflectionStaffPanel: "readonly"}},
  },
  {
    files: ["complaint_sim_xblock/public/*.js", "rubric_xblock/public/*.js", "xblock_json_contract/public/*.js"],
    languageOptions: {ecmaVersion: 2018, sourceType: "script", globals: browser},
    rules,
  },
  {
    files: ["tests/js/*.js", "eslint.config.cjs"],
    languageOptions: {ecmaVersion: 2022, sourceType: "commonjs",
                      globals: {require: "readonly", module: "writable", __dirname: "readonly", console: "readonly"}},
    rules: {...js.configs.recommended.rules, "eqeqeq": ["error", "always"]},
  },
];
