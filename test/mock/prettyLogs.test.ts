import { describe, expect, it } from "vitest";

/** A child server starts in seconds, but in over a minute on a loaded two-core machine (measured at load 36). */
const CHILD_TEST_TIMEOUT_MS = 240_000;
import { startChildServer } from "../hardening/support/childServer.js";
import { eventually } from "../support/testServer.js";

/** The log as a person reads it (LOG_FORMAT=pretty) and as a machine reads it (the default off a terminal). */
describe("log formats", () => {
  it("pretty: one readable line per request, not JSON", async () => {
    const child = await startChildServer({ LOG_FORMAT: "pretty", LOG_LEVEL: "info", PGLITE_DIR: "memory" }, 180_000);
    try {
      for (const path of ["/evalstudio/projects?n=1", "/evalstudio/projects?n=2", "/nowhere"]) await (await fetch(`${child.url}${path}`)).arrayBuffer();
      const requestLines = await eventually(
        async () => child.output().split("\n").filter((line) => /→/.test(line)),
        (lines) => lines.length >= 3,
      );
      expect(requestLines).toHaveLength(3);
      expect(requestLines[0]).toMatch(/INFO.*GET \/evalstudio\/projects\?n=1 → 200 in \d+ ms \(id [\w-]+\)$/);
      expect(requestLines[2]).toMatch(/GET \/nowhere → 404/);
      for (const line of requestLines) expect(() => JSON.parse(line)).toThrow();
    } finally {
      await child.kill("SIGTERM");
    }
  }, CHILD_TEST_TIMEOUT_MS);

  it("json: the default when stdout is not a terminal, one JSON object per request", async () => {
    const child = await startChildServer({ LOG_LEVEL: "info", PGLITE_DIR: "memory" }, 180_000);
    try {
      await (await fetch(`${child.url}/evalstudio/projects?n=json`)).arrayBuffer();
      const line = await eventually(
        async () => child.output().split("\n").find((l) => l.includes("/evalstudio/projects?n=json")),
        (found) => found !== undefined,
      );
      expect(JSON.parse(line!)).toMatchObject({ msg: "request completed", req: { method: "GET", url: "/evalstudio/projects?n=json" }, res: { statusCode: 200 } });
    } finally {
      await child.kill("SIGTERM");
    }
  }, CHILD_TEST_TIMEOUT_MS);
});
