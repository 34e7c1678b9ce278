import { createApiClient, type ApiClient } from "../../src/clients/index.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { recordingFetch, type RecordedResponse } from "../support/recordingFetch.js";
import { startTestServer, type TestServer, type TestServerOptions } from "../support/testServer.js";

const [acmeKey, globexKey] = readDevKeys("wexa");
export const ACME_KEY = acmeKey!.key;
export const GLOBEX_KEY = globexKey!.key;

/** The seed's ids (fixtures/wexa); acme is the first account, the one the docs' examples use. */
export const SEED = {
  salesProject: "67fdea40aac77be632954f13",
  socialProject: "68dcb579121a635f13002bf7",
  globexProject: "6810a2c4e5b7d9f1a3c5e7f9",
  salesMailbox: "68063653fc2e1fb8597c775e",
  supportInbox: "68063653fc2e1fb8597c7760",
  linkedinOutreach: "68063653fc2e1fb8597c7762",
  globexWhatsapp: "6810a31fe5b7d9f1a3c5e801",
  salesAgentflow: "67fdea9b68df1c3e9580a549",
  socialAgentflow: "6901c5852a1fb6a6073b49e5",
  globexAgentflow: "6810a3a8e5b7d9f1a3c5e901",
  readyExecution: "19966a1f-7a22-4da3-8473-7f638c6ba518",
  completedExecution: "8ffc2a03-5d38-4321-aae8-c9f32d7707fc",
  globexExecution: "5b0d3c8e-41f2-4a6b-9d17-2e8f6a4c0b93",
  /** Well-formed but nobody's. */
  unknownObjectId: "0123456789abcdef01234567",
  unknownUuid: "00000000-0000-4000-8000-000000000000",
} as const;

/** The credential values the seed stored in the vault: no answer, log line or resource row may show them. */
export const SEEDED_SECRETS = ["dev-fixture-not-a-secret-1", "dev-fixture-not-a-secret-2", "dev-fixture-not-a-secret-3"];

export type WexaHarness = {
  server: TestServer;
  acme: ApiClient<"wexa">;
  globex: ApiClient<"wexa">;
  client: (apiKey?: string, headers?: Record<string, string>) => ApiClient<"wexa">;
  responses: RecordedResponse[];
  reset: () => Promise<void>;
};

/** Wexa served alone (its vendor paths at the root), with clients for both seed accounts. */
export async function startWexa(database: "pglite" | "postgres", options: TestServerOptions = {}): Promise<WexaHarness> {
  const server = await startTestServer({ ...options, database, env: { CC_API: "wexa", ...options.env } });
  const recorder = recordingFetch();
  const client = (apiKey?: string, headers?: Record<string, string>) =>
    createApiClient("wexa", { baseUrl: server.apiUrls.wexa!, ...(apiKey !== undefined ? { apiKey } : {}), fetch: recorder.fetch, headers });
  return {
    server,
    acme: client(ACME_KEY),
    globex: client(GLOBEX_KEY),
    client,
    responses: recorder.responses,
    reset: async () => {
      const answer = await fetch(`${server.url}/__admin/reset`, { method: "POST", headers: { "content-type": "application/json" } });
      if (!answer.ok) throw new Error(`reset failed: ${answer.status}`);
    },
  };
}

/** The controls' body, as the docs send it. */
export const control = (execution_id: string, projectID: string = SEED.salesProject) => ({ projectID, execution_id });

/** What the simulated agents spend per step (src/server/apis/wexa/executionScript.ts), recomputed independently. */
export const tokensPerStep = (goal: string, inputVariables: Record<string, unknown>) => 120 + 4 * goal.length + JSON.stringify(inputVariables).length;
