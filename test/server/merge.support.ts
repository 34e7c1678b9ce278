import { createApiClient, type ApiClient } from "../../src/clients/index.js";
import type { components } from "../../src/generated/merge.js";
import { readDevKeys } from "../../src/server/fixtures.js";

export type MergeClient = ApiClient<"merge">;
export type ConnectorInput = components["schemas"]["ToolPackConnectorInput"];
type Connector = components["schemas"]["Connector"];

/** The seeded packs of the production key (fixtures/merge/tool_packs.json, the contract's examples). */
export const SUPPORT_PACK = "134e0111-0f67-44f6-98f0-597000290bb3";
export const ENGINEERING_PACK = "5b0e8a51-2f7c-4d8e-9a61-0c3f4b7d2e19";
export const LINEAR_ID = "3c90c3c0-6d46-4b50-8888-8dd25736052f";
export const SLACK_ID = "2d7e9b13-5c4a-4f8e-b1d2-6a3c9e0f7b84";
export const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

/** The dev key of each seeded account (fixtures/merge/keys.json). */
export function keyOf(accountId: "northwind-production" | "northwind-test" | "globex-production"): string {
  return readDevKeys("merge").find((k) => k.accountId === accountId)!.key;
}

/** Typed clients for the three accounts: a production key, the test key of the same org, another org. */
export function mergeClients(baseUrl: string) {
  const client = (apiKey: string) => createApiClient("merge", { baseUrl, apiKey });
  return {
    production: client(keyOf("northwind-production")),
    test: client(keyOf("northwind-test")),
    globex: client(keyOf("globex-production")),
  };
}

/** Creates a tool pack and returns its id. */
export async function createPack(client: MergeClient, connectors: ConnectorInput[] = [], name = "Pack under test"): Promise<string> {
  const { data, response } = await client.POST("/tool-packs/", { body: { name, description: "made by a test", connectors } });
  if (response.status !== 201) throw new Error(`create failed: ${response.status}`);
  return data!.id;
}

/** `[slug, auth_scope, [tool names]]` per connector: what a test compares. */
export function summary(connectors: readonly Connector[] | undefined) {
  return (connectors ?? []).map((c) => [c.slug, c.auth_scope, c.tools.map((t) => t.name)] as const);
}

export async function packConnectors(client: MergeClient, toolPackId: string) {
  return summary((await client.GET("/tool-packs/{tool_pack_id}/connectors/", { params: { path: { tool_pack_id: toolPackId } } })).data);
}
