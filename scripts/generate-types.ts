// Generates src/generated/<api>.ts from openapi/<api>.yaml with openapi-typescript.
//   tsx scripts/generate-types.ts          write the files
//   tsx scripts/generate-types.ts --check  exit 1 if any checked-in file is stale (CI)
import { API_NAMES } from "../src/contracts/apiNames.js";
import { checkGeneratedTypes, writeGeneratedTypes } from "../src/contracts/generateTypes.js";

const check = process.argv.includes("--check");
let stale = 0;
for (const api of API_NAMES) {
  if (check) {
    const fresh = await checkGeneratedTypes(api);
    if (!fresh) stale++;
    console.log(`src/generated/${api}.ts: ${fresh ? "up to date" : "STALE (run npm run generate)"}`);
  } else {
    await writeGeneratedTypes(api);
    console.log(`src/generated/${api}.ts written`);
  }
}
process.exit(stale > 0 ? 1 : 0);
