import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/process/freePort.js";
import { packAndInstall, runNode, startCommand, type InstalledPackage, type RunningCommand } from "./installedPackage.js";
import { readmeSnippet } from "./readmeSnippet.js";

const PACKAGE = JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"))) as { name: string; version: string };

/**
 * The package as a user gets it: packed, installed into an empty folder outside the repository,
 * and run with plain node — no tsx, no sources, no repository files around it.
 */
describe("the packed package, installed in an empty folder", () => {
  let installed: InstalledPackage;
  let serve: RunningCommand;
  let evalstudioUrl: string;

  beforeAll(async () => {
    installed = await packAndInstall();
    console.log(`[package] ${installed.tarballFiles.length} files in the tarball; npm pack ${(installed.packMs / 1000).toFixed(1)} s, npm install --prefer-offline ${(installed.installMs / 1000).toFixed(1)} s`);
    serve = await startCommand(installed.appDir, installed.bin, ["serve", "--port", "0", "--pglite-dir", "memory"], /^\s+evalstudio\s+(http:\S+)$/m);
    evalstudioUrl = serve.match[1]!;
  }, 600_000);

  afterAll(async () => {
    // serve stops on SIGTERM after finishing in-flight requests, exit 0 (npm start under a process manager).
    if (serve) expect(await serve.stop()).toBe(0);
    installed?.remove();
  });

  it("ships compiled JavaScript with type declarations, the contracts and the migrations, and no tests, benchmarks or TypeScript sources", () => {
    const files = installed.tarballFiles;
    expect(files).toEqual(expect.arrayContaining([
      "package.json", "bin/connector-contracts.mjs", "dist/cli/main.js", "dist/index.js", "dist/index.d.ts", "dist/testing/vitest.js",
      "dist/testing/vitest.d.ts", "dist/server/db/pgliteWorker.js", "openapi/vern.yaml", "fixtures/vern/keys.json", "src/server/db/migrations/040_vern.sql",
    ]));
    expect(files.filter((f) => /^(test|bench|scripts|spectral)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /\.(ts|mts|cts)$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => f.includes("tsbuildinfo") || f.startsWith("fixtures/langgraph/"))).toEqual([]);
    // Every file has a reason to ship: a count would only say the package grew, not that something stray is in it.
    const shipped = /^(package\.json|README\.md|LICENSE|bin\/[^/]+\.mjs|dist\/.+\.(js|d\.ts|json)|openapi\/.+\.(ya?ml|md|json|txt)|fixtures\/[^/]+\/[^/]+\.json|src\/server\/db\/migrations\/[^/]+\.sql|src\/server\/admin\/console\/[^/]+\.(html|js|css))$/;
    expect(files.filter((f) => !shipped.test(f))).toEqual([]);
  });

  it("--version prints the package's version", async () => {
    const run = await runNode(installed.appDir, installed.bin, ["--version"]);
    expect(run).toMatchObject({ code: 0, stdout: `${PACKAGE.version}\n` });
  });

  it("serve answers the APIs on PGlite from the installed files (contracts, fixtures, migrations)", async () => {
    const answer = await fetch(`${evalstudioUrl}/projects`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as unknown[]).length).toBeGreaterThan(0);
    const status = (await (await fetch(`${evalstudioUrl}/status`)).json()) as { version: string };
    expect(status.version).toBe(PACKAGE.version);
  });

  it("check finds nothing against that serve", async () => {
    // Paced above the default 50 a second: the generated invalid inputs alone are well over a thousand requests.
    const run = await runNode(installed.appDir, installed.bin, ["check", "--api", "evalstudio", "--base-url", evalstudioUrl, "--rps", "1000", "--json", "report.json", "--quiet"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("no findings against evalstudio");
  });

  it("mock serves the contract's examples through Prism", async () => {
    // Prism needs fixed ports; --api evalstudio uses only the last of the four from --port.
    const port = await freePort();
    const mock = await startCommand(installed.appDir, installed.bin, ["mock", "--api", "evalstudio", "--port", String(port - 3)], /^\s+evalstudio\s+(http:\S+)$/m);
    try {
      expect(mock.match[1]).toBe(`http://127.0.0.1:${port}`);
      // Prism serves the contract's paths without the vendor's base path (/api).
      const listed = await fetch(`${mock.match[1]}/projects`);
      expect(listed.status).toBe(200);
      expect(Array.isArray(await listed.json())).toBe(true);
      expect((await fetch(`${mock.match[1]}/not-in-the-contract`)).status).toBe(404);
    } finally {
      expect(await mock.stop()).toBe(0);
    }
  });

  it("the README's library example runs with plain node against that serve and finds nothing", async () => {
    const file = join(installed.appDir, "library.mjs");
    writeFileSync(file, readmeSnippet("library.mjs"));
    const run = await runNode(installed.appDir, file, [], { EVALSTUDIO_URL: evalstudioUrl });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^0 findings from \d+ checks$/m);
    expect(run.stdout).toContain("a 201 of createProject without its id breaks the contract: body: (root) must have required property 'id'");
  });
});
