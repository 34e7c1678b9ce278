import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exitCodes.js";
import { runCli } from "../../src/cli/program.js";
import { openDatabase } from "../../src/server/db/openDatabase.js";

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Runs `connector-contracts serve <args>` in this process; a start that fails returns at once. */
async function serve(args: string[], env: Record<string, string> = {}) {
  let stderr = "";
  const code = await runCli(["serve", ...args], {
    env: { ...env, LOG_LEVEL: "silent" },
    stdout: () => undefined,
    stderr: (text) => void (stderr += text),
    color: false,
    onInterrupt: () => () => undefined,
  });
  return { code, stderr };
}

// `serve` starts opening PGlite before it loads the rest of the server (serve.ts); a start that then
// fails must still close that database and give the data folder back.
describe("serve on PGlite, which opens the database before the server has loaded", () => {
  it("closes the database and releases the data folder when the start fails after it (a seed folder that does not exist)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cc-early-open-"));
    folders.push(dir);
    const pgliteDir = join(dir, "pglite");
    const failed = await serve(["--pglite-dir", pgliteDir, "--port", "0", "--seed-dir", join(dir, "missing")], { PGLITE_TEMPLATE_DIR: join(dir, "templates") });
    expect(failed.stderr).toMatch(/missing does not exist or is not a folder/);
    expect(failed.code).toBe(EXIT.couldNotStart);
    // A second open of the folder would be refused while the first held its lock.
    const again = await openDatabase({ pgliteDir });
    try {
      expect(await again.query("select 1 as one")).toEqual([{ one: 1 }]);
    } finally {
      await again.close();
    }
  });

  it("reports a data folder another server holds as a failed start, not as an unhandled rejection", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cc-early-open-"));
    folders.push(dir);
    const pgliteDir = join(dir, "pglite");
    const holder = await openDatabase({ pgliteDir });
    try {
      const refused = await serve(["--pglite-dir", pgliteDir, "--port", "0"]);
      expect(refused.code).toBe(EXIT.couldNotStart);
      expect(refused.stderr).toMatch(/Could not start the server: .*pglite/);
    } finally {
      await holder.close();
    }
  });
});
