import { randomBytes } from "node:crypto";
import type { Answer, CheckContext } from "../context.js";
import type { Probe } from "../profile.js";
import { field, type FlowFindings } from "./flowAssertions.js";

export const CONTRACT = "openapi/wexa.yaml; apis.md §1";

/**
 * The deployment's own ids a run may be given (RunOptions.fixtures). Wexa has no create call for
 * projects, connectors or agentflows: they exist only as the deployment's data.
 */
const FIXTURE = {
  projectID: "wexa.projectID",
  /** The connector W4 may change. W4 replaces its credentials, which no call returns: name one that may lose them. */
  connectorID: "wexa.connectorID",
  agentflowID: "wexa.agentflowID",
  /** The connector W3 may delete (only with --destructive). */
  disposableConnectorID: "wexa.disposableConnectorID",
} as const;

/** The reference server's seed (fixtures/wexa), which the contract's examples also use: tried only when a GET finds it. */
const REFERENCE_SEED = { projectID: "67fdea40aac77be632954f13", connectorID: "68063653fc2e1fb8597c775e", agentflowID: "67fdea9b68df1c3e9580a549" };

export type ConnectorStatus = "pending" | "active" | "inactive";
export type LoaderConfig = { source: string; batch_size: number };

/** A connector as W1/W2 show it, reduced to what the flows use. */
export type ConnectorView = { id: string; projectID: string; name: string; category: string; status: ConnectorStatus; config: LoaderConfig | null };

/** What a run found in the deployment, and why a flow cannot run when something is missing. */
export type WexaWorld = {
  projectID?: string;
  /** The connector the reads aim at (W2). */
  readConnector?: ConnectorView;
  /** The connector W4 may change: named by a fixture, or the reference seed's. */
  statusConnector?: ConnectorView;
  statusConnectorMissing: string;
  /** The agentflow executions are made of, and its project (from W13). */
  agentflow?: { id: string; projectID: string };
  agentflowMissing: string;
  /** An execution the key already has (for read-only runs). */
  listedExecutionID?: string;
  disposableConnector?: ConnectorView;
  /** How long one execution ran (W12 `execution_time_ms` of the lifecycle flow): the flows wait this long to see a clock stopped. */
  runSpanMs?: number;
};

const worlds = new WeakMap<CheckContext, WexaWorld>();

export function worldOf(ctx: CheckContext): WexaWorld {
  return worlds.get(ctx) ?? { statusConnectorMissing: "the run was not prepared", agentflowMissing: "the run was not prepared" };
}

/**
 * Finds the project, connectors and agentflow with GETs only: the ids given as fixtures first, then
 * what the deployment lists (W1, W7), then the reference seed's ids when a GET of them succeeds.
 * Any one id is enough: a connector (W2) or an agentflow (W13) names its project.
 */
export async function discoverWorld(ctx: CheckContext): Promise<WexaWorld> {
  const given = ctx.options.fixtures ?? {};
  const named = async (key: string, read: (id: string) => Promise<Answer>) => {
    const id = given[key];
    if (id === undefined) return undefined;
    const answer = await read(id);
    if (answer.status === 200) return answer;
    ctx.notes.push(`fixture ${key}=${id} could not be read (${answer.status}): the flows that need it are skipped.`);
    return undefined;
  };
  const namedConnector = await named(FIXTURE.connectorID, (id) => readConnector(ctx, "prepare", id));
  const namedAgentflow = await named(FIXTURE.agentflowID, (id) => readMonitor(ctx, "prepare", id));
  const namedDisposable = ctx.options.destructive ? await named(FIXTURE.disposableConnectorID, (id) => readConnector(ctx, "prepare", id)) : undefined;

  // The seed is a fallback for a run given no ids at all: ids given and not found are not replaced by others.
  const seed = [FIXTURE.projectID, FIXTURE.connectorID, FIXTURE.agentflowID].some((key) => given[key] !== undefined) ? undefined : REFERENCE_SEED;
  const candidates = [given[FIXTURE.projectID], projectOf(namedConnector), projectOf(namedAgentflow), seed?.projectID];
  let projectID: string | undefined;
  let connectors: ConnectorView[] = [];
  for (const candidate of new Set(candidates.filter((c): c is string => typeof c === "string"))) {
    const listed = await ctx.send({ sentBy: "prepare", operationId: "listProjectConnectors", pathParams: { projectID: candidate } });
    if (listed.status !== 200 || !Array.isArray(listed.json)) {
      if (candidate === given[FIXTURE.projectID]) ctx.notes.push(`fixture ${FIXTURE.projectID}=${candidate} could not be read (W1 answered ${listed.status}): the flows that need it are skipped.`);
      continue;
    }
    projectID = candidate;
    connectors = listed.json.map(connectorView).filter((c): c is ConnectorView => c !== undefined);
    break;
  }

  // Connectors are the deployment's own data (the API cannot create one): no write may touch them without --destructive.
  for (const connector of [...connectors, namedConnector && connectorView(namedConnector.json)]) {
    if (connector) ctx.protect(connector.id, `the connector ${connector.id} ("${connector.name}")`);
  }
  const world: WexaWorld = { projectID, statusConnectorMissing: "", agentflowMissing: "" };
  const seedConnector = connectors.find((c) => c.id === seed?.connectorID);
  world.statusConnector = namedConnector ? connectorView(namedConnector.json) : seedConnector;
  world.readConnector = world.statusConnector ?? connectors[0];
  if (!world.statusConnector) {
    world.statusConnectorMissing = `no connector W4 may change: name one with the fixture ${FIXTURE.connectorID} (W4 replaces its credentials, and no call gives the old ones back)`;
  }
  if (ctx.options.destructive) {
    const spared = new Set([world.statusConnector?.id, world.readConnector?.id]);
    world.disposableConnector = namedDisposable ? connectorView(namedDisposable.json) : connectors.filter((c) => !spared.has(c.id)).at(-1);
  }

  const listedExecutions = projectID ? await ctx.send({ sentBy: "prepare", operationId: "listExecutions", pathParams: { projectID }, query: { projectID, limit: "1" } }) : undefined;
  world.listedExecutionID = listedExecutions && field<string>(listedExecutions, "executions", 0, "execution_id");
  if (typeof world.listedExecutionID === "string") ctx.protect(world.listedExecutionID, `the execution ${world.listedExecutionID}, which an earlier user of the key started`);
  const listedAgentflow = listedExecutions && field<string>(listedExecutions, "executions", 0, "agentflow_id");
  const fallbackAgentflow = typeof listedAgentflow === "string" && given[FIXTURE.agentflowID] === undefined ? listedAgentflow : seed?.agentflowID;
  const monitor = namedAgentflow ?? (fallbackAgentflow ? await readMonitor(ctx, "prepare", fallbackAgentflow) : undefined);
  const agentflowID = monitor && field<string>(monitor, "agentflow_id");
  const agentflowProject = projectOf(monitor);
  if (monitor?.status === 200 && typeof agentflowID === "string" && agentflowProject) {
    world.agentflow = { id: agentflowID, projectID: agentflowProject };
  } else {
    world.agentflowMissing = `no agentflow to execute: name one with the fixture ${FIXTURE.agentflowID} (none was given or found: the project's executions, W7, name none)`;
  }
  worlds.set(ctx, world);
  return world;
}

/** The `projectID` a connector (W2) or a monitor snapshot (W13) names. */
function projectOf(answer: Answer | undefined): string | undefined {
  const id = answer && field<unknown>(answer, "projectID");
  return typeof id === "string" ? id : undefined;
}

export function connectorView(value: unknown): ConnectorView | undefined {
  const c = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  if (typeof c._id !== "string" || typeof c.projectID !== "string") return undefined;
  const config = c.data_loader_config as Partial<LoaderConfig> | null | undefined;
  return {
    id: c._id,
    projectID: c.projectID,
    name: String(c.name),
    category: String(c.category),
    status: c.status as ConnectorStatus,
    config: config && typeof config.source === "string" && typeof config.batch_size === "number" ? { source: config.source, batch_size: config.batch_size } : null,
  };
}

export function readConnector(ctx: CheckContext, sentBy: string, connectorId: string): Promise<Answer> {
  return ctx.send({ sentBy, operationId: "getConnector", pathParams: { connector_id: connectorId } });
}

export function readMonitor(ctx: CheckContext, sentBy: string, agentflowId: string): Promise<Answer> {
  return ctx.send({ sentBy, operationId: "getAgentflowMonitor", pathParams: { agentflow_id: agentflowId } });
}

export function listTriggers(ctx: CheckContext, sentBy: string, projectID: string): Promise<Answer> {
  return ctx.send({ sentBy, operationId: "listTriggerActions", pathParams: { projectID }, query: { projectID } });
}

/** A well-formed ObjectId that names nothing. */
export function unknownObjectId(): string {
  return randomBytes(12).toString("hex");
}

/** W4's `data_loader_config.auth`, both values canaries (the seed 000 example's shape: username and password). */
function plantedAuth(ctx: CheckContext, where: string): { username: string; password: string } {
  return { username: ctx.plantSecret(`W4 data_loader_config.auth.username (${where})`), password: ctx.plantSecret(`W4 data_loader_config.auth.password (${where})`) };
}

export function changeStatusBody(ctx: CheckContext, connectorID: string, status: ConnectorStatus, config: LoaderConfig, where: string) {
  return { new_status: status, connectorID, data_loader_config: { ...config, auth: plantedAuth(ctx, where) } };
}

/** What W4 sends when the connector had no configuration yet: the contract's example source. */
export const DEFAULT_CONFIG: LoaderConfig = { source: "api", batch_size: 1 };

// ── Executions ──────────────────────────────────────────────────────────────

export type ExecutionRef = { id: string; projectID: string; goal: string };
export type ControlOperation = "executeAgentflow" | "pauseExecution" | "resumeExecution" | "cancelExecution";

const FINISHED = new Set(["completed", "failed", "cancelled"]);
export const isFinished = (status: unknown) => typeof status === "string" && FINISHED.has(status);

export function createExecutionBody(ctx: CheckContext, agentflow: { id: string; projectID: string }, label: string) {
  return {
    agentflow_id: agentflow.id,
    executed_by: ctx.name("suite"),
    goal: ctx.name(label),
    input_variables: { purpose: "connector-contracts conformance run" },
    projectID: agentflow.projectID,
  };
}

/**
 * W6 with the primary key. Executions have no delete: each is left (named by its goal), cancelled
 * at the end of the run if it is still active, and registered for the cross-key check.
 */
export async function createExecution(
  ctx: CheckContext, sentBy: string, agentflow: { id: string; projectID: string }, label: string,
): Promise<{ answer: Answer; body: ReturnType<typeof createExecutionBody>; execution?: ExecutionRef }> {
  const body = createExecutionBody(ctx, agentflow, label);
  const answer = await ctx.send({ sentBy, operationId: "createExecution", query: { projectID: agentflow.projectID }, body });
  const id = field<string>(answer, "execution_id");
  if (answer.status !== 200 || typeof id !== "string") return { answer, body };
  const execution = { id, projectID: agentflow.projectID, goal: body.goal };
  ctx.cleanup.leave(`execution ${id} (goal "${body.goal}"): the API has no delete for executions`, id);
  ctx.cleanup.push(`cancel execution ${id}`, async () => void (await control(ctx, "cleanup", "cancelExecution", execution)));
  ctx.owned.push({
    label: `a Wexa execution (${label})`, read: { operationId: "getExecution", pathParams: { execution_id: id } },
    writes: (["executeAgentflow", "pauseExecution", "resumeExecution", "cancelExecution"] as const).map((operationId) => controlProbe(operationId, execution)),
  });
  return { answer, body, execution };
}

/** W8–W11: the body repeats the project and the execution; W8 and W9 also take the project in the query. */
export function controlProbe(operationId: ControlOperation, execution: { id: string; projectID: string }): Probe {
  const withQuery = operationId === "executeAgentflow" || operationId === "pauseExecution";
  return {
    operationId,
    pathParams: { execution_id: execution.id },
    ...(withQuery ? { query: { projectID: execution.projectID } } : {}),
    body: { projectID: execution.projectID, execution_id: execution.id },
  };
}

export function control(ctx: CheckContext, sentBy: string, operationId: ControlOperation, execution: { id: string; projectID: string }): Promise<Answer> {
  return ctx.send({ sentBy, ...controlProbe(operationId, execution) });
}

export function readExecution(ctx: CheckContext, sentBy: string, executionId: string): Promise<Answer> {
  return ctx.send({ sentBy, operationId: "getExecution", pathParams: { execution_id: executionId } });
}

/** Runs assertions whose findings rest on what the contract marks `x-contract-source: inferred` ([ours]). */

export const show = (value: unknown) => JSON.stringify(value) ?? "undefined";
