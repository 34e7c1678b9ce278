// Validates every example in the given spec files against its schema; exits 1 on any problem.
// Usage: tsx scripts/check-examples.ts openapi/wexa.yaml [more.yaml ...]
import { loadSpecFile } from "../src/contracts/loadSpec.js";
import { validateExamples } from "../src/contracts/examples.js";

let failed = 0;
for (const file of process.argv.slice(2)) {
  const problems = validateExamples(loadSpecFile(file));
  for (const p of problems) console.error(`${file}: ${p.where}: ${p.message}`);
  console.log(`${file}: ${problems.length === 0 ? "all examples valid" : `${problems.length} invalid example(s)`}`);
  failed += problems.length;
}
process.exit(failed > 0 ? 1 : 0);
