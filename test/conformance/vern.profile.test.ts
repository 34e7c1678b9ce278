import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConformance } from "../../src/conformance/runner.js";
import type { Report } from "../../src/conformance/types.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { expectCleanReadOnlyRun } from "./support/readOnlyRun.js";

/** fixtures/vern/keys.json: Acme's development key, and Globex's, another account. */
const [primary, secondary] = readDevKeys("vern");
/** Acme's seeded demo migration (fixtures/vern/migrations.json), which has a Salesforce connection. */
const ACME_DEMO_MIGRATION = "0b6f3a52-7c1e-4d8a-9e2f-5a4b3c2d1e0f";

const FLOWS = ["vern_migration_idempotency", "vern_source_connection", "vern_run_lifecycle_credentials", "vern_one_active_run", "vern_no_preview_conflicts"];
const PROBES = ["read_operations", "auth_required", "not_found", "negative_data_rejection", "cross_key_isolation", "use_after_free"];
const PASSIVE = ["status_code_conformance", "response_schema_conformance", "content_type_conformance", "required_response_headers", "secret_non_disclosure"];

/** A server fault, put between the suite and the reference server: it may change the request, the answer, or both. */
type Fault = (request: Request, pass: (request: Request) => Promise<Response>) => Promise<Response>;

const pathOf = (request: Request) => new URL(request.url).pathname;
const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
const withBody = async (request: Request, change: (body: Record<string, unknown>) => Record<string, unknown>) =>
  new Request(request.url, { method: request.method, headers: request.headers, body: JSON.stringify(change(JSON.parse(await request.text()))) });
const withFault = (fault: Fault): typeof fetch => (input, init) => fault(new Request(input, init), (request) => fetch(request));

const MIGRATIONS = /\/migrations$/;
const CONNECTION = /\/source-connection$/;
const RUNS = /\/runs$/;
const RUN = /\/runs\/[^/]+$/;

describe("the Vern conformance profile against the reference server", () => {
  let server: TestServer;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startTestServer();
    baseUrl = server.apiUrls.vern!;
  });
  afterAll(async () => {
    await server?.stop();
  });

  type Options = { readOnly?: boolean; only?: string[]; fetch?: typeof fetch; fixtures?: Record<string, string>; rateLimit?: boolean; rateLimitBurst?: number; baseUrl?: string };
  const run = (options: Options = {}): Promise<Report> =>
    runConformance({ api: "vern", baseUrl, primaryKey: primary!.key, secondaryKey: secondary!.key, requestsPerSecond: 1000, flowTimeoutMs: 10_000, ...options });
  const readConnection = (migrationId: string) => fetch(`${baseUrl}/migrations/${migrationId}/source-connection`, { headers: { "x-api-key": primary!.key } });

  it("reports nothing, runs every applicable check, covers every operation, and removes every connection it made", async () => {
    const started = performance.now();
    const report = await run();
    console.log(`vern full run: ${Math.round(performance.now() - started)} ms, ${report.requests} requests`);

    expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
    const byName = Object.fromEntries(report.checks.map((c) => [c.check, c]));
    for (const check of [...FLOWS, ...PROBES, ...PASSIVE]) expect(byName[check]?.status, check).toBe("passed");
    expect(byName.rate_limit).toMatchObject({ status: "skipped", reason: expect.stringMatching(/not asked for/) });

    expect(report.coverage).toHaveLength(12);
    for (const row of report.coverage) {
      expect(row.observed.some((s) => s.startsWith("2")), `${row.operationId} answered a success`).toBe(true);
      expect(row.undocumented, row.operationId).toEqual([]);
    }
    const observed = Object.fromEntries(report.coverage.map((r) => [r.operationId, r.observed]));
    expect(observed.createMigration).toEqual(expect.arrayContaining(["200", "201", "400", "401", "404", "409"]));
    expect(observed.createRun).toEqual(expect.arrayContaining(["201", "400", "404", "409"]));
    expect(observed.submitRunCredentials).toEqual(expect.arrayContaining(["200", "400", "404", "409"]));
    expect(observed.answerRun).toEqual(expect.arrayContaining(["200", "400", "404", "409"]));
    expect(observed.cancelRun).toEqual(expect.arrayContaining(["200", "400", "404", "409"]));
    // The generated invalid inputs grow with the contract (report.invalidInputs); everything else the run sends stays small.
    expect(report.requests - report.invalidInputs!.sent).toBeLessThan(600);
    expect(report.notes).toEqual([]);

    // Migrations and runs cannot be deleted: each is listed by id (migrations named for the run); their connections are gone.
    expect(report.leftBehind.length).toBeGreaterThan(0);
    for (const label of report.leftBehind) expect(label).toMatch(/^[0-9a-f-]{36} \(made by (createMigration, named "cc-conformance-|createRun)/);
    for (const label of report.leftBehind) expect(label).toMatch(/: vern has no delete for it$/);
    const migrations = report.leftBehind.filter((l) => l.includes("made by createMigration"));
    for (const label of migrations) expect(label).toContain(`"cc-conformance-${report.runId}-`);
    const ownMigrations = migrations.filter((l) => !l.includes("secondary")).map((l) => l.split(" ")[0]!);
    for (const id of ownMigrations) expect((await readConnection(id)).status, `connections of ${id}`).toBe(404);
  });

  it("sends only GETs in a read-only run, and still passes (cross-key on a migration named as a fixture)", async () => {
    const methods: string[] = [];
    const report = await run({ readOnly: true, fixtures: { "vern.migrationId": ACME_DEMO_MIGRATION }, fetch: withFault((request, pass) => (methods.push(request.method), pass(request))) });
    console.log(`vern read-only run: ${report.requests} requests`);

    expectCleanReadOnlyRun(report, methods, FLOWS, PASSIVE);
    expect(report.coverage.find((r) => r.operationId === "getSourceConnection")?.observed).toEqual(expect.arrayContaining(["200", "401", "404"]));
    expect(report.leftBehind).toEqual([]);
  });

  describe("the opt-in rate-limit probe", () => {
    let limited: TestServer;
    beforeAll(async () => {
      limited = await startTestServer({ env: { VERN_RATE_LIMIT: "20" } });
    });
    afterAll(async () => {
      await limited?.stop();
    });

    it("passes on a server that answers the documented 429 body", async () => {
      const report = await run({ baseUrl: limited.apiUrls.vern!, rateLimit: true, only: ["rate_limit"] });
      expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
      expect(report.checks.find((c) => c.check === "rate_limit")?.status).toBe("passed");
      const last = report.coverage.find((r) => r.observed.includes("429"));
      expect(last, "some operation answered 429").toBeDefined();
    });

    it("warns when a burst smaller than the server's limit never gets a 429", async () => {
      const report = await run({ rateLimit: true, rateLimitBurst: 5, only: ["rate_limit"] });
      expect(report.findings).toHaveLength(1);
      expect(report.findings[0]).toMatchObject({ check: "rate_limit", severity: "warning", id: expect.stringMatching(/^rate_limit\/list(Sources|Templates)\/no-429$/) });
    });
  });

  describe("catches a server that breaks the contract", () => {
    const findingsOf = async (checks: string[], fault: Fault) => {
      const report = await run({ only: checks, fetch: withFault(fault) });
      return report.findings.filter((f) => checks.includes(f.check)).map((f) => f.id);
    };

    it("vern_migration_idempotency: a V1 that ignores external_id creates again instead of replaying", async () => {
      const ids = await findingsOf(["vern_migration_idempotency"], async (request, pass) =>
        pass(request.method === "POST" && MIGRATIONS.test(pathOf(request)) ? await withBody(request, ({ external_id: _dropped, ...rest }) => rest) : request));
      expect(ids).toContain("vern_migration_idempotency/createMigration/v1-replay-with-the-same-external-id-and-source");
      expect(ids).toContain("vern_migration_idempotency/createMigration/v1-the-same-external-id-with-another-source");
    });

    it("vern_migration_idempotency: an idempotency lookup that is not scoped to the account", async () => {
      let first: string | undefined;
      const ids = await findingsOf(["vern_migration_idempotency"], async (request, pass) => {
        const answer = await pass(request);
        if (request.method !== "POST" || !MIGRATIONS.test(pathOf(request)) || answer.status !== 201) return answer;
        const body = (await answer.json()) as { migration: { id: string } };
        // The first migration of the run is made with the primary key; the secondary's gets it back as a replay.
        if (request.headers.get("x-api-key") === secondary!.key && first) return json(200, { migration: { ...body.migration, id: first } });
        first ??= body.migration.id;
        return json(201, body);
      });
      expect(ids).toContain("vern_migration_idempotency/createMigration/v1-the-same-external-id-in-another-account-idempotency-is-per-account-");
    });

    it("vern_source_connection and secret_non_disclosure: a V6 that echoes the credentials", async () => {
      const ids = await findingsOf(["vern_source_connection", "secret_non_disclosure"], async (request, pass) => {
        if (request.method !== "POST" || !CONNECTION.test(pathOf(request))) return pass(request);
        const sent = JSON.parse(await request.clone().text()) as { credentials?: unknown };
        const answer = await pass(request);
        const body = (await answer.json()) as { source_connection?: Record<string, unknown> };
        return json(answer.status, body.source_connection ? { source_connection: { ...body.source_connection, credentials: sent.credentials ?? null } } : body);
      });
      expect(ids).toContain("vern_source_connection/upsertSourceConnection/v6-has-no-credentials-property");
      expect(ids.some((id) => id.startsWith("secret_non_disclosure/upsertSourceConnection/V6 credentials"))).toBe(true);
    });

    it("vern_source_connection and use_after_free: a V7 that answers deleted and deletes nothing", async () => {
      const ids = await findingsOf(["vern_source_connection", "use_after_free"], async (request, pass) =>
        request.method === "DELETE" && CONNECTION.test(pathOf(request)) ? json(200, { deleted: true }) : pass(request));
      expect(ids).toContain("vern_source_connection/getSourceConnection/v5-after-v7");
      expect(ids).toContain("use_after_free/getSourceConnection/read-a Vern source connection");
    });

    it("vern_run_lifecycle_credentials: a run that takes a message while it waits for credentials", async () => {
      const ids = await findingsOf(["vern_run_lifecycle_credentials"], async (request, pass) => {
        if (request.method !== "POST" || !pathOf(request).endsWith("/messages")) return pass(request);
        const runId = pathOf(request).split("/").at(-2);
        return json(200, { run_id: runId, status: "running" });
      });
      expect(ids).toContain("vern_run_lifecycle_credentials/answerRun/v12-on-a-run-blocked-for-credentials");
    });

    it("vern_run_lifecycle_credentials: an execute that starts a new run instead of resuming the preview's", async () => {
      const ids = await findingsOf(["vern_run_lifecycle_credentials"], async (request, pass) => {
        if (request.method !== "POST" || !RUNS.test(pathOf(request))) return pass(request);
        const { kind } = JSON.parse(await request.clone().text()) as { kind?: string };
        const answer = await pass(request);
        if (kind !== "execute" || answer.status !== 201) return answer;
        return json(201, { ...((await answer.json()) as object), run_id: crypto.randomUUID() });
      });
      expect(ids).toContain("vern_run_lifecycle_credentials/createRun/v8-execute-resumes-the-preview-s-run");
    });

    it("vern_run_lifecycle_credentials: a credential request that prefills the values submitted before", async () => {
      let submitted: unknown;
      const ids = await findingsOf(["vern_run_lifecycle_credentials"], async (request, pass) => {
        if (request.method === "POST" && pathOf(request).endsWith("/credentials")) submitted = (JSON.parse(await request.clone().text()) as { credentials: unknown }).credentials;
        const answer = await pass(request);
        if (request.method !== "GET" || !RUN.test(pathOf(request)) || !submitted) return answer;
        const run = (await answer.json()) as { credential_request?: object };
        return json(answer.status, run.credential_request ? { ...run, credential_request: { ...run.credential_request, prefill: submitted } } : run);
      });
      expect(ids).toContain("vern_run_lifecycle_credentials/getRun/v9-credentials-the-connector-refuses-block-the-run-for-them-again-the-request-carries-no-secret-value");
    });

    it("vern_run_lifecycle_credentials: a connector that refuses the canaries ends the flow with a note, not a finding", async () => {
      const report = await run({
        only: ["vern_run_lifecycle_credentials"],
        fetch: withFault(async (request, pass) =>
          pass(request.method === "POST" && pathOf(request).endsWith("/credentials")
            ? await withBody(request, (body) => ({ ...body, credentials: Object.fromEntries(Object.entries(body.credentials as object).slice(0, 1)) }))
            : request)),
      });
      expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
      expect(report.notes).toEqual([expect.stringMatching(/^vern_run_lifecycle_credentials: the connector refused the suite's canary credentials/)]);
    });

    it("vern_one_active_run: a 409 that does not name the active run, and a cancel that takes any body", async () => {
      const ids = await findingsOf(["vern_one_active_run"], async (request, pass) => {
        if (request.method === "PATCH" && RUN.test(pathOf(request))) return pass(await withBody(request, () => ({ status: "cancel_requested" })));
        const answer = await pass(request);
        if (request.method !== "POST" || !RUNS.test(pathOf(request)) || answer.status !== 409) return answer;
        return json(409, { error: ((await answer.json()) as { error: string }).error });
      });
      expect(ids).toContain("vern_one_active_run/createRun/v8-s-409-names-the-active-run");
      expect(ids).toContain("vern_one_active_run/cancelRun/v10-with-the-body-status-canceled-");
      expect(ids).toContain("vern_one_active_run/getRun/v9-a-refused-cancel-leaves-the-run-active");
    });

    it("vern_no_preview_conflicts: a server that starts update, clarify and execute without a preview", async () => {
      const ids = await findingsOf(["vern_no_preview_conflicts"], async (request, pass) => {
        const answer = await pass(request);
        if (request.method !== "POST" || !RUNS.test(pathOf(request)) || answer.status !== 409) return answer;
        return json(201, { run_id: crypto.randomUUID(), status: "running", poll_url: request.url });
      });
      expect(ids).toEqual(expect.arrayContaining(["update", "clarify", "execute"].map((kind) => `vern_no_preview_conflicts/createRun/v8-${kind}-with-no-current-preview`)));
    });
  });

  it("a 429 that outlasts the backing off is not judged: a deployment rate-limiting requests without a key gets a note, not auth findings", async () => {
    // As the reference server does for an address after many failed keys: here every request without the right key, at once.
    const throttled: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.headers.get("x-api-key") === primary!.key || request.headers.get("x-api-key") === secondary!.key) return fetch(request);
      return new Response(JSON.stringify({ error: "Too many requests" }), { status: 429, headers: { "content-type": "application/json", "retry-after": "0" } });
    };
    const report = await run({ only: ["auth_required"], fetch: throttled });
    expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
    expect(report.checks.find((c) => c.check === "auth_required")?.status).toBe("passed");
    expect(report.notes).toEqual([expect.stringMatching(/^auth_required: \d+ expectation\(s\) met a 429 instead of an answer .* and were not judged \(.*\blistSources\b.*\); run again once its window has passed, or lower --rps\.$/)]);
    // The transport backed off and retried each one before giving up on it.
    expect(report.sent.filter((s) => s.status === 429).length).toBeGreaterThan(report.sent.filter((s) => s.status !== 429 && s.sentBy === "auth_required").length);
  });
});

