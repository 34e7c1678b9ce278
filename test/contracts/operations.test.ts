import { describe, expect, it } from "vitest";
import { API_NAMES, type ApiName } from "../../src/contracts/apiNames.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { operationTable } from "../../src/contracts/operationTable.js";

/** The 48 operations of ../shared/reference/apis.md: ref, method, path (relative to the base URL), operationId. */
const EXPECTED: Record<ApiName, Array<[string, string, string, string]>> = {
  wexa: [
    ["W1", "get", "/connectors/{projectID}", "listProjectConnectors"],
    ["W2", "get", "/connector/{connector_id}", "getConnector"],
    ["W3", "delete", "/connector/{connector_id}", "deleteConnector"],
    ["W4", "post", "/connectors/change_status", "changeConnectorStatus"],
    ["W5", "get", "/connectors/{projectID}/trigger_actions", "listTriggerActions"],
    ["W6", "post", "/execute_flow", "createExecution"],
    ["W7", "get", "/{projectID}/execution_flows", "listExecutions"],
    ["W8", "post", "/execute_flow/{execution_id}/execute", "executeAgentflow"],
    ["W9", "post", "/execute_flow/{execution_id}/pause", "pauseExecution"],
    ["W10", "post", "/execute_flow/{execution_id}/resume", "resumeExecution"],
    ["W11", "post", "/execute_flow/{execution_id}/cancel", "cancelExecution"],
    ["W12", "get", "/execute_flow/{execution_id}", "getExecution"],
    ["W13", "get", "/execute_flow/{agentflow_id}/monitor", "getAgentflowMonitor"],
  ],
  merge: [
    ["M1", "get", "/tool-packs/", "listToolPacks"],
    ["M2", "post", "/tool-packs/", "createToolPack"],
    ["M3", "get", "/tool-packs/{id}/", "getToolPack"],
    ["M4", "patch", "/tool-packs/{id}/", "updateToolPack"],
    ["M5", "delete", "/tool-packs/{id}/", "deleteToolPack"],
    ["M6", "get", "/tool-packs/{tool_pack_id}/connectors/", "listToolPackConnectors"],
    ["M7", "put", "/tool-packs/{tool_pack_id}/connectors/", "replaceToolPackConnectors"],
    ["M8", "patch", "/tool-packs/{tool_pack_id}/connectors/", "updateToolPackConnectors"],
    ["M9", "delete", "/tool-packs/{tool_pack_id}/connectors/{slug}/", "removeToolPackConnector"],
    ["M10", "get", "/connectors/", "listConnectors"],
    ["M11", "get", "/connectors/{slug}/", "getConnector"],
  ],
  vern: [
    ["V1", "post", "/migrations", "createMigration"],
    ["V2", "get", "/sources", "listSources"],
    ["V3", "get", "/templates", "listTemplates"],
    ["V4", "get", "/templates/{template_slug}", "getTemplate"],
    ["V5", "get", "/migrations/{migration_id}/source-connection", "getSourceConnection"],
    ["V6", "post", "/migrations/{migration_id}/source-connection", "upsertSourceConnection"],
    ["V7", "delete", "/migrations/{migration_id}/source-connection", "deleteSourceConnection"],
    ["V8", "post", "/migrations/{migration_id}/runs", "createRun"],
    ["V9", "get", "/migrations/{migration_id}/runs/{run_id}", "getRun"],
    ["V10", "patch", "/migrations/{migration_id}/runs/{run_id}", "cancelRun"],
    ["V11", "post", "/migrations/{migration_id}/runs/{run_id}/credentials", "submitRunCredentials"],
    ["V12", "post", "/migrations/{migration_id}/runs/{run_id}/messages", "answerRun"],
  ],
  evalstudio: [
    ["E1", "get", "/projects", "listProjects"],
    ["E2", "post", "/projects", "createProject"],
    ["E3", "delete", "/projects/{projectId}", "deleteProject"],
    ["E4", "get", "/status", "getStatus"],
    ["E5", "get", "/projects/{projectId}/connectors", "listConnectors"],
    ["E6", "get", "/projects/{projectId}/connectors/types", "listConnectorTypes"],
    ["E7", "post", "/projects/{projectId}/connectors", "createConnector"],
    ["E8", "get", "/projects/{projectId}/connectors/{id}", "getConnector"],
    ["E9", "put", "/projects/{projectId}/connectors/{id}", "updateConnector"],
    ["E10", "delete", "/projects/{projectId}/connectors/{id}", "deleteConnector"],
    ["E11", "post", "/projects/{projectId}/connectors/{id}/test", "testConnector"],
    ["E12", "post", "/projects/{projectId}/connectors/{id}/invoke", "invokeConnector"],
  ],
};

const SECURITY: Record<ApiName, Record<string, unknown>> = {
  wexa: { type: "apiKey", in: "header", name: "x-api-key" },
  merge: { type: "http", scheme: "bearer" },
  vern: { type: "apiKey", in: "header", name: "x-api-key" },
  evalstudio: {},
};

describe("the contracts hold exactly the 48 operations of apis.md", () => {
  it("counts 48 operations across the four APIs", () => {
    const total = API_NAMES.reduce((n, api) => n + operationTable(loadSpec(api)).length, 0);
    expect(total).toBe(48);
  });

  for (const api of API_NAMES) {
    describe(api, () => {
      const table = operationTable(loadSpec(api));
      it.each(EXPECTED[api])("%s is %s %s with operationId %s", (ref, method, path, operationId) => {
        const operation = table.find((o) => o.ref === ref);
        expect(operation, `${ref} missing`).toBeDefined();
        expect({ method: operation!.method, path: operation!.path, operationId: operation!.operationId }).toEqual({ method, path, operationId });
      });

      it("declares its security as the vendor documents it, on every operation", () => {
        const spec = loadSpec(api);
        const schemes = Object.values((spec.components?.securitySchemes ?? {}) as Record<string, Record<string, unknown>>);
        if (api === "evalstudio") {
          for (const op of table) expect(op.operation.security, op.operationId).toEqual([]);
          return;
        }
        expect(schemes).toHaveLength(1);
        expect(schemes[0]).toMatchObject(SECURITY[api]);
        for (const op of table) expect(op.secured, op.operationId).toBe(true);
      });

      it("answers every error with the API's named Error schema", () => {
        for (const op of table) {
          for (const [status, response] of Object.entries(op.responses)) {
            if (Number(status) < 400) continue;
            expect(response.schemaPointer, `${op.operationId} ${status}`).toBeDefined();
            expect(usesErrorSchema(api, resolveSchemaNode(api, response.schemaPointer!)), `${op.operationId} ${status}`).toBe(true);
          }
        }
      });
    });
  }
});

/** The node refers to Error, or to a schema that extends it with allOf (Vern's exact 429 body). */
function usesErrorSchema(api: ApiName, node: unknown): boolean {
  const ref = (node as { $ref?: string }).$ref;
  if (ref === "#/components/schemas/Error") return true;
  if (!ref) return false;
  const target = resolveSchemaNode(api, ref.slice(1)) as { allOf?: Array<{ $ref?: string }> };
  return (target.allOf ?? []).some((part) => part.$ref === "#/components/schemas/Error");
}

/** The schema node at a pointer, unresolved (so its $ref to Error is visible). */
function resolveSchemaNode(api: ApiName, pointer: string): unknown {
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<any>((node, key) => node?.[key], loadSpec(api)) ?? { $ref: pointer };
}
