import type { operations } from "../../../generated/evalstudio.js";
import { packageManifest } from "../../../packageFiles.js";
import type { HandlersOf } from "../../http/apiModule.js";
import { created, noContent, ok } from "../../http/responses.js";
import { SECRET_MASK } from "../../secrets/mask.js";
import type { ApiDeps } from "../apiDeps.js";
import { badRequest } from "../../http/apiError.js";
import { AgentCallLimiter } from "./agentCallLimiter.js";
import { baseUrlProblem, sameOrigin } from "./agentDestination.js";
import { callAgent, type AgentAnswer, type ChatMessage } from "./langgraphClient.js";
import { secretScrubber } from "./secretScrubber.js";
import { presentConnector } from "./presenters.js";
import type { ConnectorInput, ConnectorRow, EvalstudioStore } from "./store.js";

const CONNECTOR_TYPES = { langgraph: "LangGraph Dev API connector for langgraph-backed agents" };
const PACKAGE_VERSION = packageManifest().version;

/** The twelve operations of EvalStudio (E1–E12), by operationId. */
export function evalstudioHandlers({ database, config, listeningPort }: ApiDeps, store: EvalstudioStore): HandlersOf<operations> {
  const agentCalls = new AgentCallLimiter(config.agentMaxConcurrent, config.agentMaxQueued);
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

    createConnector: async ({ params, body }) => {
      refuseUnstorableBaseUrl(body.baseUrl);
      return database.transaction(async (tx) => {
        await store.requireProject(tx, params.projectId);
        return created(presentConnector(await store.createConnector(tx, params.projectId, body)));
      });
    },

    getConnector: async ({ params }) => {
      await store.requireProject(database, params.projectId);
      return ok(presentConnector(await store.getConnector(database, params.projectId, params.id)));
    },

    updateConnector: async ({ params, body }) => {
      if (body.baseUrl !== undefined) refuseUnstorableBaseUrl(body.baseUrl);
      return database.transaction(async (tx) => {
        await store.requireProject(tx, params.projectId);
        const current = await store.getConnector(tx, params.projectId, params.id);
        const changes: Partial<ConnectorInput> = { ...body };
        if (changes.baseUrl !== undefined && !sameOrigin(current.base_url, changes.baseUrl)) {
          changes.headers = headersForNewOrigin(current, changes.headers);
        }
        if (changes.headers) changes.headers = await keepMaskedValues(tx, store, current, changes.headers);
        return ok(presentConnector(await store.updateConnector(tx, current, changes)));
      });
    },

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

  /** One agent call, bounded in number, its answer scrubbed of the connector's secrets before anything reads it. */
  async function runAgent(params: { projectId: string; id: string }, messages: ChatMessage[]): Promise<AgentAnswer> {
    await store.requireProject(database, params.projectId);
    const connector = await store.getConnector(database, params.projectId, params.id);
    const connectorConfig = (connector.config ?? {}) as { assistantId?: string; configurable?: Record<string, unknown> };
    const headers = await store.headerValues(database, connector);
    const call = () =>
      callAgent({
        baseUrl: connector.base_url,
        headers,
        assistantId: connectorConfig.assistantId ?? "agent",
        configurable: connectorConfig.configurable,
        messages,
        timeoutMs: config.connectorTimeoutMs,
        maxResponseBytes: config.agentMaxResponseBytes,
        destinationPolicy: { allowedHosts: config.agentAllowedHosts, ownPort: listeningPort?.() },
      });
    const answer = await agentCalls.run(call, () => ({ ok: false as const, latencyMs: 0, error: AGENT_CALLS_BUSY }));
    return scrubAnswer(answer, secretScrubber(Object.values(headers)));
  }
}

const AGENT_CALLS_BUSY = "The server is busy: too many agent calls are in progress (AGENT_MAX_CONCURRENT, AGENT_MAX_QUEUED); try again shortly.";

/** How much of an agent server's body is kept for `rawResponse` (enough to debug, bounded). */
const RAW_RESPONSE_LIMIT = 8_192;

/**
 * Masks the connector's secrets in every text of an answer that came from the upstream. The raw
 * body is scrubbed whole and only then cut, so no cut can leave the first half of a secret.
 */
function scrubAnswer(answer: AgentAnswer, scrub: (text: string) => string): AgentAnswer {
  const rawResponse = answer.rawResponse === undefined ? undefined : scrub(answer.rawResponse).slice(0, RAW_RESPONSE_LIMIT);
  if (!answer.ok) return { ...answer, error: scrub(answer.error), ...(rawResponse !== undefined ? { rawResponse } : {}) };
  return { ...answer, rawResponse: rawResponse ?? "", messages: answer.messages.map((m) => ({ role: m.role, content: scrub(m.content) })) };
}

function refuseUnstorableBaseUrl(baseUrl: string): void {
  const problem = baseUrlProblem(baseUrl);
  if (problem) throw badRequest(problem);
}

/**
 * Stored header values are bound to the origin they were stored for: a PUT that moves `baseUrl`
 * to another scheme, host or port must not carry them there. Headers left out are dropped (the
 * answer shows none, and a PUT of the new address alone still works); headers sent back masked are
 * refused, because the caller evidently meant to keep values that may not follow the move.
 */
function headersForNewOrigin(current: ConnectorRow, headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (headers === undefined) return current.header_names.length > 0 ? {} : undefined;
  if (Object.values(headers).includes(SECRET_MASK)) {
    throw badRequest("Send the header values again: stored values are bound to the old origin (scheme, host and port) and are not sent to a new baseUrl");
  }
  return headers;
}

/**
 * A header sent back with the mask as its value keeps its stored value, so a front-end can GET a
 * connector, change one field and PUT it back without knowing (or destroying) its secrets.
 */
async function keepMaskedValues(tx: Parameters<EvalstudioStore["headerValues"]>[0], store: EvalstudioStore, current: ConnectorRow, headers: Record<string, string>) {
  if (!Object.values(headers).includes(SECRET_MASK)) return headers;
  const stored = await store.headerValues(tx, current);
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value === SECRET_MASK && Object.hasOwn(stored, name) ? stored[name]! : value]));
}
