// `npm start`'s prestart (and premock, preconformance, prebench): runs `tsc -b` (and parses the
// contracts into JSON) only when a source or a contract is newer than the last build. Loading TypeScript to find nothing to do costs 0.4 s on a quiet
// machine and seconds on a busy one; comparing modification times costs a few milliseconds.
// Directories count too, so a deleted or renamed file also triggers the build.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const built = mtime(join(root, "dist/.tsbuildinfo"));

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestUnder(dir) {
  let newest = mtime(dir) ?? 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : (mtime(path) ?? 0));
  }
  return newest;
}

const sources = Math.max(newestUnder(join(root, "src")), newestUnder(join(root, "openapi")), ...["tsconfig.json", "tsconfig.build.json", "package.json"].map((f) => mtime(join(root, f)) ?? 0));
if (built === undefined || sources > built) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  // As `npm run build` does after tsc: the contracts parsed into JSON (an edited contract is otherwise parsed from YAML at each start).
  execFileSync(process.execPath, [join(root, "scripts/parse-contracts.mjs")], { cwd: root, stdio: "inherit" });
  // tsc -b leaves its build info alone when an input was touched but not changed: mark the check as done.
  const now = new Date();
  utimesSync(join(root, "dist/.tsbuildinfo"), now, now);
}
