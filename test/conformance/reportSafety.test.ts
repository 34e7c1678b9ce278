import { describe, expect, it } from "vitest";
import { CheckContext } from "../../src/conformance/context.js";
import { DEFAULT_OPTIONS } from "../../src/conformance/options.js";
import { Redactor } from "../../src/conformance/redaction.js";
import { renderTerminal } from "../../src/conformance/reporters/terminal.js";
import { sampleReport } from "./sampleReport.js";

/** Issue 14/15: what the suite prints and reports stays safe when the server is hostile or a check cuts text short. */
const KEY = "vk_live_3f9cQ7zR1mN8pL2xW6tY0bV4";

const context = (headers: Record<string, string> = {}) =>
  new CheckContext({ ...DEFAULT_OPTIONS, seed: 0, api: "vern", baseUrl: "https://vern.example.test/api/v1", primaryKey: KEY, headers, fetch: () => Promise.reject(new Error("sends nothing")), onProgress: () => undefined });

describe("report text", () => {
  it("is redacted before it is cut: half a key cut by a check is still redacted", () => {
    const redactor = new Redactor();
    redactor.add(KEY, "<primary key>");
    const cut = `{"echo": "${KEY}"}`.slice(0, 30);
    expect(cut).toContain(KEY.slice(0, 12));
    expect(redactor.redact(cut)).not.toContain(KEY.slice(0, 12));
    expect(redactor.redact(cut)).toContain("<primary key (part)>");
  });

  it("escapes a hostile server's control characters in the terminal report", () => {
    const { report } = sampleReport();
    const hostile = "\u001b]0;owned\u0007\u001b[2J\u009b31m";
    const out = renderTerminal({ ...report, findings: report.findings.map((f) => ({ ...f, title: f.title + hostile, received: hostile })), notes: [hostile] }, { color: false });
    expect(out).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(out).toContain("\\x1b]0;owned\\x07");
  });

  it("gives reproduce lines that run as pasted: keys and --header values as environment variables", () => {
    const ctx = context({ "X-Proxy-Token": "proxy-secret-0123456789" });
    const finding = ctx.finding({
      check: "sample", what: "x", title: "t", expected: "e", received: "r", source: "s",
      exchange: {
        seq: 1, sentBy: "sample",
        request: { method: "GET", url: "https://vern.example.test/api/v1/sources", headers: { "x-api-key": KEY, "x-proxy-token": "proxy-secret-0123456789" } },
        response: { status: 200, headers: {}, body: "{}", durationMs: 1 },
      },
    });
    expect(finding.curl).toContain(`-H "x-api-key: $CC_VERN_KEY"`);
    expect(finding.curl).toContain(`-H "x-proxy-token: $CC_HEADER_X_PROXY_TOKEN"`);
    expect(finding.curl).not.toContain("<primary key>");
    expect(JSON.stringify(finding)).not.toContain("proxy-secret");
  });
});

describe("canaries", () => {
  it("are random all through, so every 12-character fragment is unique to the run, and URL-encoding changes them", () => {
    const ctx = context();
    const a = ctx.plantSecret("a");
    const b = context().plantSecret("a");
    expect(encodeURIComponent(a)).not.toBe(a);
    for (let i = 0; i + 12 <= a.length; i++) expect(b).not.toContain(a.slice(i, i + 12));
  });

  it("include the keys the run sends", () => {
    expect(context().canaries.planted.map((c) => c.value)).toContain(KEY);
  });

  it("ctx.name is unique per call and starts with the run's prefix", () => {
    const ctx = context();
    const [x, y] = [ctx.name("probe"), ctx.name("probe")];
    expect(x).not.toBe(y);
    for (const name of [x, y]) expect(name.startsWith(`cc-conformance-${ctx.runId}-probe-`)).toBe(true);
  });
});

describe("a finding's basis", () => {
  it("comes from the most specific marking: the failing property's, then its schema's, the response's, the operation's", () => {
    const ctx = context();
    const create = ctx.operation("createMigration");
    // Migration.status is marked inferred; the Migration schema and the 201 response are not.
    expect(ctx.basisOf(create, 201, "/migration/status")).toBe("inferred");
    expect(ctx.basisOf(create, 201, "/migration/name")).toBe("documented");
    expect(ctx.basisOf(create, 201)).toBe("documented");
  });
});

describe("findings grouped by cause", () => {
  it("one server 500 on many operations is one entry in every format, naming every operation", async () => {
    const { renderJson, renderJunit, renderHtml } = await import("../../src/conformance/index.js");
    const { report } = sampleReport();
    const template = report.findings[0]!;
    const ops = ["listToolPacks", "getToolPack", "createToolPack", "deleteToolPack"];
    const many = ops.map((operationId) => ({ ...template, check: "status_code_conformance", operationId, id: `status_code_conformance/${operationId}/undocumented-500`, title: `${operationId} answered 500` }));
    const grouped = { ...report, findings: many };
    const json = JSON.parse(renderJson(grouped));
    expect(json.causes).toHaveLength(1);
    expect(json.causes[0].operations.map((o: string) => o.split(" ")[0])).toEqual(ops);
    expect((renderJunit(grouped).match(/<failure /g) ?? []).length).toBe(1);
    const terminal = renderTerminal(grouped, { color: false });
    expect(terminal).toContain("×4");
    for (const op of ops) expect(terminal).toContain(op);
    expect((renderHtml(grouped).match(/<article class="finding/g) ?? []).length).toBe(1);
  });
});
