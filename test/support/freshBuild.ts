import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Vitest global setup: brings dist/ up to date with src/ before any test runs, so the tests that
 * start the CLI as a user does (bin/connector-contracts.mjs, the packed tarball) never run a stale
 * build. The same check `npm start` makes: `tsc -b` only when a source is newer than the build.
 */
export default function freshBuild(): void {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  execFileSync(process.execPath, ["scripts/build-if-stale.mjs"], { cwd: root, stdio: "inherit" });
}
