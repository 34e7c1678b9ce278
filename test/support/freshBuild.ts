import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Vitest global setup: brings dist/ up to date with src/ before any test runs, so the tests that
 * start the CLI as a user does (bin/connector-contracts.mjs, the packed tarball) never run a stale
 * build. `tsc -b` is incremental: a no-op when nothing changed.
 */
export default function freshBuild(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", "tsconfig.build.json"], { cwd: fileURLToPath(new URL("../../", import.meta.url)), stdio: "inherit" });
}
