import type { operations } from "../../../generated/evalstudio.js";
import { packageManifest } from "../../../packageFiles.js";
import type { HandlersOf } from "../../http/apiModule.js";
import { created, noContent, ok } from "../../http/responses.js";
import { SECRET_MASK } from "../../secrets/mask.js";
import type { ApiDeps } from "../apiDeps.js";
import { callAgent, type ChatMessage } from "./langgraphClient.js";
import { presentConnector } from "./presenters.js";
import type { ConnectorInput, ConnectorRow, EvalstudioStore } from "./store.js";

const CONNECTOR_TYPES = { langgraph: "LangGraph Dev API connector for langgraph-backed agents" };
const PACKAGE_VERSION = packageManifest().version;

/** The twelve operations of EvalStudio (E1–E12), by operationId. */
export function evalstudioHandlers({ database, config }: ApiDeps, store: EvalstudioStore): HandlersOf<operations> {
  return {
    listProjects: async () => ok(await store.listProjects(database)),

    createProject: async ({ body }) => created(await store.createProject(database, body.name)),

    deleteProject: async ({ params }) => {
      await database.transaction((tx) => store.deleteProject(tx, params.projectId));
      return noContent();
    },

    getStatus: async () =>
      ok({ name: "evalstudio", version: PACKAGE_VERSION, status: "ok", timestamp: new Date().toISOString(), node: process.version }),

    listConnectors: async ({ params }) => {
      await store.requireProject(database, params.projectId);
      return ok((await store.listConnectors(database, params.projectId)).map(presentConnector));
    },

    listConnectorTypes: async ({ params }) => {
      await store.requireProject(database, params.projectId);
      return ok(CONNECTOR_TYPES);
    },

    createConnector: async ({ params, body }) =>
      database.transaction(async (tx) => {
        await store.requireProject(tx, params.projectId);
        return created(presentConnector(await store.createConnector(tx, params.projectId, body)));
      }),

    getConnector: async ({ params }) => {
      await store.requireProject(database, params.projectId);
      return ok(presentConnector(await store.getConnector(database, params.projectId, params.id)));
    },

    updateConnector: async ({ params, body }) =>
      database.transaction(async (tx) => {
        await store.requireProject(tx, params.projectId);
        const current = await store.getConnector(tx, params.projectId, params.id);
        const changes: Partial<ConnectorInput> = { ...body };
        if (changes.headers) changes.headers = await keepMaskedValues(tx, store, current, changes.headers);
        return ok(presentConnector(await store.updateConnector(tx, current, changes)));
      }),

    deleteConnector: async ({ params }) => {
      await database.transaction(async (tx) => {
        await store.requireProject(tx, params.projectId);
        await store.deleteConnector(tx, params.projectId, params.id);
      });
      return noContent();
    },

    testConnector: async ({ params }) => {
      const answer = await runAgent(params, [{ role: "user", content: "hello" }]);
      if (!answer.ok) return ok({ success: false, latencyMs: answer.latencyMs, error: answer.error });
      const last = answer.messages.filter((m) => m.role === "assistant").at(-1) ?? answer.messages.at(-1);
      return ok({ success: true, latencyMs: answer.latencyMs, response: last?.content ?? "" });
    },

    invokeConnector: async ({ params, body }) => {
      const answer = await runAgent(params, body.messages);
      if (!answer.ok) {
        return ok({ success: false, latencyMs: answer.latencyMs, error: answer.error, ...(answer.rawResponse !== undefined ? { rawResponse: answer.rawResponse } : {}) });
      }
      return ok({
        success: true,
        latencyMs: answer.latencyMs,
        messages: answer.messages,
        ...(answer.tokensUsage ? { tokensUsage: answer.tokensUsage } : {}),
        threadId: answer.threadId,
      });
    },
  };

  async function runAgent(params: { projectId: string; id: string }, messages: ChatMessage[]) {
    await store.requireProject(database, params.projectId);
    const connector = await store.getConnector(database, params.projectId, params.id);
    const connectorConfig = (connector.config ?? {}) as { assistantId?: string; configurable?: Record<string, unknown> };
    return callAgent({
      baseUrl: connector.base_url,
      headers: await store.headerValues(database, connector),
      assistantId: connectorConfig.assistantId ?? "agent",
      configurable: connectorConfig.configurable,
      messages,
      timeoutMs: config.connectorTimeoutMs,
    });
  }
}

/**
 * A header sent back with the mask as its value keeps its stored value, so a front-end can GET a
 * connector, change one field and PUT it back without knowing (or destroying) its secrets.
 */
async function keepMaskedValues(tx: Parameters<EvalstudioStore["headerValues"]>[0], store: EvalstudioStore, current: ConnectorRow, headers: Record<string, string>) {
  if (!Object.values(headers).includes(SECRET_MASK)) return headers;
  const stored = await store.headerValues(tx, current);
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value === SECRET_MASK && name in stored ? stored[name]! : value]));
}
