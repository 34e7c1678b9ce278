import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startChildServer, type ChildServer } from "../hardening/support/childServer.js";
import { runServerExpectingExit } from "../security/support/serverProcess.js";

/** Every path under `dir` whose mode lets anyone but its owner in. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if ((stat.mode & 0o077) !== 0) found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return found;
}

describe("one PGlite data folder, one server (real processes)", () => {
  const root = mkdtempSync(join(tmpdir(), "cc-folder-lock-"));
  const dir = join(root, "pglite");
  const running: ChildServer[] = [];
  afterAll(async () => {
    for (const server of running) await server.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  });

  it("refuses a second server naming the folder and the holder's pid; a SIGKILLed holder's lock is taken over; files stay private", async () => {
    const first = await startChildServer({ PGLITE_DIR: dir });
    running.push(first);
    expect(JSON.parse(readFileSync(`${dir}.lock`, "utf8"))).toMatchObject({ pid: first.pid });

    const second = await runServerExpectingExit({ PGLITE_DIR: dir, HOST: "127.0.0.1" });
    expect(second.code).toBe(1);
    expect(second.stdout).not.toMatch(/listening on/);
    expect(second.stderr).toContain(`the PGlite data folder ${dir} is in use by another server (pid ${first.pid})`);
    // The first one is untouched and still answers.
    expect((await fetch(`${first.url}/__admin/health`)).status).toBe(200);

    // A crash leaves the lock file behind; its pid no longer runs, so the next start takes it.
    await first.kill("SIGKILL");
    expect(existsSync(`${dir}.lock`)).toBe(true);
    const third = await startChildServer({ PGLITE_DIR: dir });
    running.push(third);
    expect(JSON.parse(readFileSync(`${dir}.lock`, "utf8"))).toMatchObject({ pid: third.pid });
    const created = await fetch(`${third.apiUrl("evalstudio")}/projects`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "after the crash" }) });
    expect(created.status).toBe(201);

    // A clean stop releases the lock; every file npm start wrote (umask 077, and tightened at start) is private.
    await third.kill("SIGTERM");
    expect(existsSync(`${dir}.lock`)).toBe(false);
    expect(openToOthers(dir)).toEqual([]);
  }, 240_000);
});
