import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConformance } from "../../src/conformance/runner.js";
import type { Report } from "../../src/conformance/types.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { expectCleanReadOnlyRun } from "./support/readOnlyRun.js";

/** fixtures/wexa/keys.json: Acme (the docs' example ids) and Globex, another account. */
const [primary, secondary] = readDevKeys("wexa");

const SEED = {
  salesProject: "67fdea40aac77be632954f13",
  salesMailbox: "68063653fc2e1fb8597c775e",
  linkedinOutreach: "68063653fc2e1fb8597c7762",
  salesAgentflow: "67fdea9b68df1c3e9580a549",
  socialAgentflow: "6901c5852a1fb6a6073b49e5",
};

const FLOWS = ["wexa_connector_status_change", "wexa_execution_lifecycle", "wexa_pause_resume_cancel"];
const PROBES = ["read_operations", "auth_required", "not_found", "negative_data_rejection", "cross_key_isolation"];
const PASSIVE = ["status_code_conformance", "response_schema_conformance", "content_type_conformance", "required_response_headers", "secret_non_disclosure"];

type Fault = (request: Request, pass: (request: Request) => Promise<Response>) => Promise<Response>;

const pathOf = (request: Request) => new URL(request.url).pathname;
const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

describe("the Wexa conformance profile against the reference server", () => {
  let server: TestServer;
  let baseUrl: string;

  beforeAll(async () => {
    // Steps of 100 ms: an execution runs 300 ms, long enough to pause it between two requests on a busy CI machine.
    server = await startTestServer({ env: { SIM_STEP_MS: "100" } });
    baseUrl = server.apiUrls.wexa!;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const run = (options: { readOnly?: boolean; destructive?: boolean; only?: string[]; fetch?: typeof fetch; fixtures?: Record<string, string>; secondaryKey?: string } = {}): Promise<Report> =>
    runConformance({ api: "wexa", baseUrl, primaryKey: primary!.key, secondaryKey: secondary!.key, requestsPerSecond: 1000, ...options });
  const withFault = (fault: Fault): typeof fetch => (input, init) => fault(new Request(input, init), (request) => fetch(request));
  const readMailbox = async () => {
    const answer = await fetch(`${baseUrl}/connector/${SEED.salesMailbox}`, { headers: { "x-api-key": primary!.key } });
    return (await answer.json()) as { status: string; data_loader_config: unknown };
  };

  it("reports nothing, runs every applicable check, covers every operation, and changes no connector without --destructive", async () => {
    const before = await readMailbox();
    const started = performance.now();
    const report = await run();
    console.log(`wexa full run: ${Math.round(performance.now() - started)} ms, ${report.requests} requests (${report.checks.map((c) => `${c.check} ${c.durationMs} ms`).join(", ")})`);

    expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
    const status = Object.fromEntries(report.checks.map((c) => [c.check, c.status]));
    for (const check of [...FLOWS.filter((f) => f !== "wexa_connector_status_change"), ...PROBES, ...PASSIVE]) expect(status[check], check).toBe("passed");
    expect(status.rate_limit).toBe("skipped");
    // Wexa cannot create a connector, so changing or deleting one is destructive: not without --destructive.
    expect(report.checks.find((c) => c.check === "wexa_connector_status_change")).toMatchObject({ status: "skipped", reason: expect.stringMatching(/--destructive/) });
    expect(status.use_after_free).toBe("skipped");
    expect(report.sent.filter((r) => r.operationId === "changeConnectorStatus" && r.status < 300)).toEqual([]);

    expect(report.coverage).toHaveLength(13);
    for (const row of report.coverage) {
      expect(row.undocumented, row.operationId).toEqual([]);
      // W3 and W4 write to connectors, which only --destructive allows: this run sees W3's 401 and 404, never a 200.
      if (row.operationId === "changeConnectorStatus") continue;
      expect(row.observed.length, row.operationId).toBeGreaterThan(0);
      if (row.operationId !== "deleteConnector") expect(row.observed.some((s) => s.startsWith("2")), `${row.operationId} answered a success`).toBe(true);
    }
    expect(report.coverage.find((r) => r.operationId === "pauseExecution")?.observed).toEqual(expect.arrayContaining(["200", "409"]));
    // The generated invalid inputs grow with the contract (report.invalidInputs); everything else the run sends stays small.
    expect(report.requests - report.invalidInputs!.sent).toBeLessThan(600);
    // Without --destructive no W4 is sent, so its x-secret field gets no canary, and the run says so.
    expect(report.notes).toEqual([expect.stringMatching(/^No canary was planted in changeConnectorStatus data_loader_config\.auth/)]);
    // The probes', the lifecycle's, a cancelled ready one and a paused one (more only if an execution finished before W9 reached it).
    expect(report.leftBehind.filter((l) => /^[0-9a-f-]+ \(made by createExecution/.test(l)).length).toBeGreaterThanOrEqual(4);
    for (const label of report.leftBehind) expect(label).toMatch(/wexa has no delete for it$/);
    expect(report.modified).toEqual([]);
    expect(await readMailbox()).toEqual(before);
  });

  it("sends only GETs in a read-only run, and still passes (cross-key on what it found)", async () => {
    const methods: string[] = [];
    const report = await run({ readOnly: true, fetch: withFault((request, pass) => (methods.push(request.method), pass(request))) });

    expectCleanReadOnlyRun(report, methods, FLOWS, PASSIVE);
    const read = report.coverage.filter((r) => r.method === "GET");
    for (const row of read) expect(row.observed, row.operationId).toContain("200");
  });

  it("with --destructive, deletes one connector the run did not create and finds it gone (then the seed is restored)", async () => {
    try {
      const before = await readMailbox();
      const report = await run({ destructive: true });
      expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
      expect(report.checks.find((c) => c.check === "use_after_free")?.status).toBe("passed");
      // W4 runs only with --destructive, and puts the status and configuration back (the credentials cannot be).
      expect(report.checks.find((c) => c.check === "wexa_connector_status_change")?.status).toBe("passed");
      expect(report.modified).toContainEqual(expect.stringMatching(new RegExp(`^connector ${SEED.salesMailbox} \\(.*not created by the run.*\\): data_loader_config.auth now holds`)));
      expect(report.modified).toContainEqual(expect.stringMatching(new RegExp(`^connector ${SEED.linkedinOutreach} .*deleted`)));
      expect(report.leftBehind.filter((l) => l.includes(SEED.salesMailbox))).toEqual([]);
      expect(await readMailbox()).toEqual(expect.objectContaining({ status: before.status, data_loader_config: before.data_loader_config }));
      // W3's probes aim at the doomed connector too: unauthenticated deletes (401) and deletes with an invalid projectID (400) were refused before it went.
      expect(report.coverage.find((r) => r.operationId === "deleteConnector")?.observed).toEqual(["200", "400", "401", "404"]);
      const gone = await fetch(`${baseUrl}/connector/${SEED.linkedinOutreach}`, { headers: { "x-api-key": primary!.key } });
      expect(gone.status).toBe(404);
    } finally {
      const reset = await fetch(`${server.url}/__admin/reset`, { method: "POST", headers: { "content-type": "application/json" } });
      expect(reset.status).toBe(200);
    }
  });

  it("finds what it needs from a fixture id alone, and skips with a reason when there is nothing to work on", async () => {
    const fromAgentflow = await run({ only: ["wexa_execution_lifecycle"], fixtures: { "wexa.agentflowID": SEED.socialAgentflow } });
    expect(fromAgentflow.findings, JSON.stringify(fromAgentflow.findings, null, 2)).toEqual([]);
    expect(fromAgentflow.checks.map((c) => [c.check, c.status])).toEqual([["wexa_execution_lifecycle", "passed"]]);

    const unknown = await run({ only: FLOWS, destructive: true, fixtures: { "wexa.projectID": "0123456789abcdef01234567" }, secondaryKey: undefined, fetch: withFault((request, pass) => {
      // A deployment without the reference seed: every seed id is somebody else's.
      const path = pathOf(request);
      return [SEED.salesProject, SEED.salesMailbox, SEED.salesAgentflow].some((id) => path.includes(id)) ? Promise.resolve(json(404, { status: "error", message: "not found" })) : pass(request);
    }) });
    expect(unknown.checks.find((c) => c.check === "wexa_connector_status_change")).toMatchObject({ status: "skipped", reason: expect.stringMatching(/fixture wexa.connectorID/) });
    expect(unknown.checks.find((c) => c.check === "wexa_execution_lifecycle")).toMatchObject({ status: "skipped", reason: expect.stringMatching(/fixture wexa.agentflowID/) });
    expect(unknown.notes).toContainEqual(expect.stringMatching(/^fixture wexa.projectID=0123456789abcdef01234567 could not be read/));
  });

  describe("catches a server that breaks the contract", () => {
    // The pause flow waits as long as the lifecycle flow's execution ran: run that first, as a full run does.
    const findingsOf = async (check: string, fault: Fault) => {
      const only = check === "wexa_pause_resume_cancel" ? ["wexa_execution_lifecycle", check] : [check];
      const report = await run({ only, fetch: withFault(fault), destructive: check === "wexa_connector_status_change" });
      return report.findings.filter((f) => f.check === check);
    };

    it("wexa_connector_status_change: W5 that offers an inactive connector's triggers", async () => {
      const findings = await findingsOf("wexa_connector_status_change", async (request, pass) => {
        const answer = await pass(request);
        if (!pathOf(request).endsWith("/trigger_actions") || answer.status !== 200) return answer;
        const triggers = (await answer.json()) as Array<Record<string, unknown>>;
        const stale = { connector_id: SEED.salesMailbox, connector_name: "Sales mailbox", category: "mail", trigger: "new_email", name: "New email received", description: null };
        return json(200, triggers.some((t) => t.connector_id === SEED.salesMailbox) ? triggers : [...triggers, stale]);
      });
      expect(findings.map((f) => f.id)).toEqual([
        "wexa_connector_status_change/listTriggerActions/w5-offers-none-of-the-connector-s-triggers-while-it-is-inactive-after-w4-",
        "wexa_connector_status_change/listTriggerActions/w5-offers-none-of-the-connector-s-triggers-while-it-is-pending-after-w4-",
      ]);
      expect(findings.every((f) => f.basis === "inferred")).toBe(true);
    });

    it("wexa_connector_status_change: W4 that answers success and stores nothing, and accepts unknown connectors", async () => {
      const findings = await findingsOf("wexa_connector_status_change", async (request, pass) => {
        if (!pathOf(request).endsWith("/connectors/change_status")) return pass(request);
        const body = (await request.json()) as { new_status: string; connectorID: string };
        return json(200, { status: "success", message: `Updated connector status to ${body.new_status} for connectorID ${body.connectorID}` });
      });
      const ids = findings.map((f) => f.id);
      expect(ids).toContain("wexa_connector_status_change/getConnector/w2-shows-the-status-w4-set-inactive-");
      expect(ids).toContain("wexa_connector_status_change/getConnector/w2-shows-the-configuration-w4-set-without-auth-inactive-");
      expect(ids).toContain("wexa_connector_status_change/listProjectConnectors/w1-shows-the-status-w4-set-inactive-");
      expect(findings.find((f) => f.id.endsWith("/w4-on-an-unknown-connectorid"))).toMatchObject({ basis: "inferred", expected: "status 404" });
    });

    it("wexa_connector_status_change and secret_non_disclosure: W2 that reads the credentials back", async () => {
      let auth: unknown;
      const report = await run({ only: ["wexa_connector_status_change", "secret_non_disclosure"], destructive: true, fetch: withFault(async (request, pass) => {
        if (pathOf(request).endsWith("/connectors/change_status")) auth = ((await request.clone().json()) as { data_loader_config: { auth: unknown } }).data_loader_config.auth;
        const answer = await pass(request);
        if (request.method !== "GET" || !pathOf(request).includes("/connector/") || answer.status !== 200 || !auth) return answer;
        const connector = (await answer.json()) as { data_loader_config: Record<string, unknown> };
        return json(200, { ...connector, data_loader_config: { ...connector.data_loader_config, auth } });
      }) });
      const ids = report.findings.map((f) => f.id);
      expect(ids).toContain("wexa_connector_status_change/getConnector/w2-shows-the-configuration-w4-set-without-auth-inactive-");
      expect(ids.filter((id) => id.startsWith("secret_non_disclosure/getConnector/"))).not.toEqual([]);
      const auth_ = auth as { username: string; password: string };
      for (const secret of [auth_.username, auth_.password]) expect(JSON.stringify(report)).not.toContain(secret.slice(0, 12));
    });

    it("wexa_execution_lifecycle: a finished execution that can be cancelled again", async () => {
      const findings = await findingsOf("wexa_execution_lifecycle", async (request, pass) => {
        const answer = await pass(request);
        if (!pathOf(request).endsWith("/cancel") || answer.status !== 409) return answer;
        return json(200, { execution_id: pathOf(request).split("/").at(-2), status: "cancelled" });
      });
      expect(findings.map((f) => f.id)).toEqual(["wexa_execution_lifecycle/cancelExecution/w11-on-a-completed-execution"]);
      expect(findings[0]).toMatchObject({ basis: "inferred", expected: "status 409" });
    });

    it("wexa_execution_lifecycle: W7 that does not list the new execution, and W13 that does not count it", async () => {
      const findings = await findingsOf("wexa_execution_lifecycle", async (request, pass) => {
        const answer = await pass(request);
        if (request.method !== "GET" || answer.status !== 200) return answer;
        if (pathOf(request).endsWith("/execution_flows")) return json(200, { executions: [], total: 0, page: 1, limit: 100 });
        if (!pathOf(request).endsWith("/monitor")) return answer;
        return json(200, { ...((await answer.json()) as object), total_executions: 0, status_counts: { ready: 0, running: 0, paused: 0, completed: 0, failed: 0, cancelled: 0 }, active_executions: [] });
      });
      const ids = findings.map((f) => f.id);
      expect(ids).toContain("wexa_execution_lifecycle/listExecutions/w7-lists-the-new-execution");
      expect(ids).toContain("wexa_execution_lifecycle/getAgentflowMonitor/w13-counts-the-new-execution");
      expect(ids).toContain("wexa_execution_lifecycle/getAgentflowMonitor/w13-lists-the-new-execution-among-the-active-ones");
    });

    it("wexa_pause_resume_cancel: a pause that answers paused and lets the execution run on", async () => {
      const findings = await findingsOf("wexa_pause_resume_cancel", async (request, pass) =>
        pathOf(request).endsWith("/pause") ? json(200, { execution_id: pathOf(request).split("/").at(-2), status: "paused" }) : pass(request));
      const ids = findings.map((f) => f.id);
      expect(ids).toContain("wexa_pause_resume_cancel/getExecution/w12-after-w9-shows-paused");
    });

    it("wexa_pause_resume_cancel: a cancel whose execution runs on and completes when its steps would have", async () => {
      // Three steps of 100 ms: what is left of a run after a cancel; the flow holds the cancelled execution longer (1.5 runs).
      const cancelledAt = new Map<string, number>();
      const findings = await findingsOf("wexa_pause_resume_cancel", async (request, pass) => {
        const answer = await pass(request);
        const id = pathOf(request).split("/").at(pathOf(request).endsWith("/cancel") ? -2 : -1)!;
        if (pathOf(request).endsWith("/cancel") && answer.status === 200) cancelledAt.set(id, performance.now());
        const since = cancelledAt.get(id);
        if (request.method !== "GET" || since === undefined || performance.now() - since < 300 || answer.status !== 200) return answer;
        return json(200, { ...((await answer.json()) as object), status: "completed" });
      });
      expect(findings.map((f) => f.id)).toContain("wexa_pause_resume_cancel/getExecution/w12-a-whole-execution-s-running-time-after-w11-shows-cancelled");
    });

    it("wexa_pause_resume_cancel: an execution that is not paused (ready, or cancelled) can be resumed", async () => {
      const findings = await findingsOf("wexa_pause_resume_cancel", async (request, pass) => {
        const answer = await pass(request);
        if (!pathOf(request).endsWith("/resume") || answer.status !== 409) return answer;
        return json(200, { execution_id: pathOf(request).split("/").at(-2), status: "running" });
      });
      expect(findings.map((f) => f.id)).toEqual([
        "wexa_pause_resume_cancel/resumeExecution/w10-on-a-ready-execution",
        "wexa_pause_resume_cancel/resumeExecution/w10-on-a-cancelled-execution",
      ]);
      expect(findings.find((f) => f.id.endsWith("cancelled-execution"))!.basis).toBe("inferred");
    });
  });
});
