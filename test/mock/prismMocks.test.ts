import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { SpecSchemaValidator } from "../../src/contracts/schemaValidator.js";
import { startPrismMocks, type PrismMocks } from "../../src/mock/prismMocks.js";
import { firstResponseExample, responseExamples } from "../support/specExamples.js";

// Ports away from the defaults, so a developer's own `npm run mock` does not collide.
const BASE_PORT = 4610;

describe("the static Prism mock of the four contracts (npm run mock)", () => {
  let mocks: PrismMocks;
  beforeAll(async () => {
    mocks = await startPrismMocks({ basePort: BASE_PORT });
  });
  afterAll(async () => {
    await mocks?.close();
  });

  it("serves one API per port, with CORS for browser apps", async () => {
    expect(Object.keys(mocks.urls)).toEqual(["wexa", "merge", "vern", "evalstudio"]);
    const preflight = await fetch(`${mocks.urls.evalstudio}/projects`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeTruthy();
  });

  it("wexa: W4 answers the seed's documented example through the typed client", async () => {
    const wexa = createApiClient("wexa", { baseUrl: mocks.urls.wexa, apiKey: "any-key" });
    const { data, response } = await wexa.POST("/connectors/change_status", {
      body: {
        new_status: "pending",
        connectorID: "68063653fc2e1fb8597c775e",
        data_loader_config: { source: "mongodb", batch_size: 100, auth: { username: "admin", password: "secure123" } },
      },
    });
    expect(response.status).toBe(200);
    expect(data).toEqual({ status: "success", message: "Updated connector status to pending for connectorID 68063653fc2e1fb8597c775e" });
  });

  it("merge: M1 lists tool packs as documented, and Prefer picks the 404", async () => {
    const merge = createApiClient("merge", { baseUrl: mocks.urls.merge, apiKey: "test-key" });
    const { data, response } = await merge.GET("/tool-packs/", {});
    expect(response.status).toBe(200);
    expect(data).toEqual(firstResponseExample("merge", "/tool-packs/", "get", "200"));
    expect(data?.results.length).toBeGreaterThan(0);

    const missing = await merge.GET("/tool-packs/{id}/", {
      params: { path: { id: "3fa85f64-5717-4562-b3fc-2c963f66afa6" } },
      headers: { Prefer: "code=404" },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ code: "not_found" });
  });

  it("vern: V9 serves a named example chosen with Prefer: example=<name>", async () => {
    const vern = createApiClient("vern", { baseUrl: mocks.urls.vern, apiKey: "vern-key" });
    const examples = responseExamples("vern", "/migrations/{migration_id}/runs/{run_id}", "get", "200");
    const { data, response } = await vern.GET("/migrations/{migration_id}/runs/{run_id}", {
      params: { path: { migration_id: "0f8fad5b-d9cb-469f-a165-70867728950e", run_id: "7c9e6679-7425-40de-944b-e07fc1f90ae7" } },
      headers: { Prefer: "example=blockedOnCredentials" },
    });
    expect(response.status).toBe(200);
    expect(data).toEqual(examples.blockedOnCredentials);
    expect(data?.status).toBe("blocked");
  });

  it("evalstudio: E5 lists connectors with the documented example (header values masked)", async () => {
    const evalstudio = createApiClient("evalstudio", { baseUrl: mocks.urls.evalstudio });
    const { data, response } = await evalstudio.GET("/projects/{projectId}/connectors", {
      params: { path: { projectId: "a1b2c3d4-e5f6-7890-abcd-ef1234567890" } },
    });
    expect(response.status).toBe(200);
    expect(data).toEqual(firstResponseExample("evalstudio", "/projects/{projectId}/connectors", "get", "200"));
    expect(data?.[0]).toMatchObject({ id: "987fcdeb-51a2-3bc4-d567-890123456789", name: "LangGraph Dev", headers: { "X-API-Key": "********" } });
  });
});

describe("Prism's dynamic mode (npm run mock -- --dynamic)", () => {
  let mocks: PrismMocks;
  beforeAll(async () => {
    mocks = await startPrismMocks({ basePort: BASE_PORT + 10, dynamic: true, seed: "1", apis: ["evalstudio"] });
  });
  afterAll(async () => {
    await mocks?.close();
  });

  it("generates answers from the schema that still validate against it", async () => {
    const evalstudio = createApiClient("evalstudio", { baseUrl: mocks.urls.evalstudio });
    const { data, response } = await evalstudio.GET("/projects", {});
    expect(response.status).toBe(200);
    const validator = new SpecSchemaValidator(loadSpec("evalstudio"));
    expect(validator.validate("/paths/~1projects/get/responses/200/content/application~1json/schema", data)).toEqual([]);
    expect(data).not.toEqual(firstResponseExample("evalstudio", "/projects", "get", "200"));
  });
});
