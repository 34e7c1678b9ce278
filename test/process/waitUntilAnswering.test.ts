import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../src/process/freePort.js";
import { stopChild } from "../../src/process/stopChild.js";
import { exitStateOf, waitUntilAnswering } from "../../src/process/waitUntilAnswering.js";
import { stepWallClock } from "../support/wallClock.js";

/** A child `node -e` process running `script` (which sees the port as PORT), its output kept. */
function child(script: string, port: number) {
  const process_ = spawn(process.execPath, ["-e", script], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  process_.stdout.on("data", (c: Buffer) => (output += c.toString()));
  process_.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return { process: process_, output: () => output };
}

/** Listens on PORT after `afterMs`, answering `status` to everything. */
const serverAfter = (afterMs: number, status = 200) =>
  `setTimeout(() => require("node:http").createServer((q, s) => { s.statusCode = ${status}; s.end("ok"); }).listen(Number(process.env.PORT), "127.0.0.1"), ${afterMs});`;

describe("waitUntilAnswering (a child server's start-up)", () => {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => stopChild(c)));
  });
  const start = async (script: string) => {
    const port = await freePort();
    const started = child(script, port);
    children.push(started.process);
    return { ...started, url: `http://127.0.0.1:${port}/ok`, port };
  };

  it("resolves once the child answers 2xx, not before", async () => {
    const server = await start(serverAfter(600));
    const t0 = performance.now();
    await waitUntilAnswering(server.process, { url: server.url, what: "the test server", timeoutMs: 10_000, intervalMs: 20, output: server.output });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(550);
    expect(exitStateOf(server.process)).toBeUndefined();
  });

  it("keeps waiting while the child answers non-2xx, and gives up after the timeout, having stopped the child", async () => {
    const server = await start(`${serverAfter(0, 503)} console.log("still warming up");`);
    const t0 = performance.now();
    const failure = waitUntilAnswering(server.process, { url: server.url, what: "the test server", timeoutMs: 800, intervalMs: 20, output: server.output });
    await expect(failure).rejects.toThrow(/^the test server did not answer http:\/\/127\.0\.0\.1:\d+\/ok within 800 ms:\nstill warming up/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(800);
    expect(exitStateOf(server.process)).toMatch(/^(signal SIGTERM|code \d+)$/);
  });

  it("rejects as soon as the child is killed by a signal, naming it", async () => {
    const server = await start(`console.error("about to hang"); setInterval(() => {}, 1000);`);
    setTimeout(() => server.process.kill("SIGKILL"), 300);
    const t0 = performance.now();
    await expect(
      waitUntilAnswering(server.process, { url: server.url, what: "the test server", timeoutMs: 30_000, intervalMs: 20, output: server.output }),
    ).rejects.toThrow(/^the test server exited \(signal SIGKILL\) before answering http:\/\/127\.0\.0\.1:\d+\/ok:\nabout to hang/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it("rejects when the child exits with a code", async () => {
    const server = await start(`process.exit(3)`);
    await expect(
      waitUntilAnswering(server.process, { url: server.url, what: "the test server", timeoutMs: 30_000, intervalMs: 20, output: server.output }),
    ).rejects.toThrow(/exited \(code 3\) before answering/);
  });

  it("counts the timeout on the monotonic clock: a wall-clock step forward does not cut the wait short", async () => {
    const clock = stepWallClock(100, 60_000);
    try {
      const server = await start(serverAfter(1_000));
      await waitUntilAnswering(server.process, { url: server.url, what: "the test server", timeoutMs: 5_000, intervalMs: 20, output: server.output });
      expect(clock.stepped()).toBe(true);
    } finally {
      clock.restore();
    }
  });
});
