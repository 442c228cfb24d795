// Runs pwa/js/scoring.js and pwa/js/validation.js on every shared scoring vector and prints
// one JSON object: {vector file name: {score result, visible, problems}}. The comparison with
// the expected values is done by tests/unit/test_scoring_js.py, the same way as for Python.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { score } from "../../pwa/js/scoring.js";
import { answerProblems } from "../../pwa/js/validation.js";
import { allItems } from "../../pwa/js/conditions.js";

// With a file argument holding [{checklist, answers}, …] it prints the list of results instead.

/** @param {{checklist: any, answers: any}} vector */
function run(vector) {
  const result = score(vector.checklist, vector.answers);
  return {
    ...result,
    visible: allItems(vector.checklist).filter((i) => result.visible.has(i.id)).map((i) => i.id),
    problems: answerProblems(vector.checklist, vector.answers),
  };
}

const here = dirname(fileURLToPath(import.meta.url));
let out;
if (process.argv[2]) {
  out = JSON.parse(readFileSync(process.argv[2], "utf8")).map(run);
} else {
  const dir = join(here, "..", "vectors", "scoring");
  out = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
    out[name] = run(JSON.parse(readFileSync(join(dir, name), "utf8")));
  }
}
process.stdout.write(JSON.stringify(out));
