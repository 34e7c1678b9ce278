import type { Sql } from "../../db/database.js";
import type { Fixtures } from "../../fixtures.js";
import type { ExecutionStatus } from "./executionLifecycle.js";
import type { ExecutionStore } from "./executionStore.js";
import type { ConnectorStatus, WexaStore } from "./store.js";

// The fixtures read like the contract's own objects (plus the owning accountId), so the docs'
// examples (project 67fdea40…, connector 68063653…, execution 19966a1f…) work against the server.
type ProjectFixture = { id: string; accountId: string; name: string };
type AgentflowFixture = { id: string; accountId: string; projectID: string; name: string };
type ConnectorFixture = {
  _id: string;
  accountId: string;
  projectID: string;
  name: string;
  description: string | null;
  category: string;
  status: ConnectorStatus;
  data_loader_config: { source: string; batch_size: number; auth?: Record<string, unknown> } | null;
  created_at: string;
  updated_at: string;
};
type ExecutionFixture = {
  execution_id: string;
  accountId: string;
  agentflow_id: string;
  projectID: string;
  executed_by: string;
  goal: string;
  input_variables: Record<string, unknown>;
  status: Extract<ExecutionStatus, "ready" | "running" | "paused" | "completed" | "failed">;
  created_at: string;
  updated_at: string;
  started_at?: string;
  finished_at?: string;
  execution_time_ms?: number;
  tokens_used?: number;
  conclusion?: string;
  error_messages?: string[];
  debug_info?: Record<string, unknown>;
  /** Running or paused: how long each agent step lasts, how many are done. */
  step_ms?: number;
  steps_done?: number;
  /** Paused: what is left of the step it was paused in (W10 resumes from there). */
  remaining_ms?: number;
};

/**
 * fixtures/wexa: two accounts' projects, agentflows, connectors (credentials into the vault) and
 * executions: past ones, a ready one, and one running and one paused for W9 and W10's examples.
 * A seeded running execution's current step starts when the seed is loaded (`now`) and lasts the
 * fixture's `step_ms`: long (an hour), so pause still finds it running long after a reset.
 */
export async function seedWexa(sql: Sql, fixtures: Fixtures, store: WexaStore, executions: ExecutionStore, now: Date): Promise<void> {
  for (const project of fixtures.read<ProjectFixture[]>("wexa", "projects")) await store.createProject(sql, project);
  for (const flow of fixtures.read<AgentflowFixture[]>("wexa", "agentflows")) {
    await store.createAgentflow(sql, { id: flow.id, accountId: flow.accountId, projectId: flow.projectID, name: flow.name });
  }
  for (const c of fixtures.read<ConnectorFixture[]>("wexa", "connectors")) {
    const { auth, ...config } = c.data_loader_config ?? { auth: undefined };
    await store.createConnector(sql, {
      id: c._id,
      accountId: c.accountId,
      projectId: c.projectID,
      name: c.name,
      description: c.description,
      category: c.category,
      status: c.status,
      config: "source" in config ? config : null,
      ...(auth ? { auth } : {}),
      createdAt: c.created_at,
      updatedAt: c.updated_at,
    });
  }
  for (const e of fixtures.read<ExecutionFixture[]>("wexa", "executions")) {
    await executions.insert(sql, {
      id: e.execution_id,
      accountId: e.accountId,
      projectId: e.projectID,
      agentflowId: e.agentflow_id,
      executedBy: e.executed_by,
      goal: e.goal,
      inputVariables: e.input_variables,
      createdAt: e.created_at,
      status: e.status,
      tokens_used: e.tokens_used,
      execution_time_ms: e.execution_time_ms,
      started_at: date(e.started_at),
      finished_at: date(e.finished_at),
      conclusion: e.conclusion,
      error_messages: e.error_messages,
      debug_info: e.debug_info,
      updated_at: new Date(e.updated_at),
      steps_done: e.steps_done,
      ...clockOf(e, now),
    });
  }
}

/** The simulation clock columns the constraints ask for in each status (see executionLifecycle.ts). */
function clockOf(e: ExecutionFixture, now: Date) {
  if (e.status === "running") {
    if (!e.step_ms) throw new Error(`Execution ${e.execution_id}: a running execution needs step_ms.`);
    return { step_ms: e.step_ms, running_since: now, next_transition_at: new Date(now.getTime() + e.step_ms) };
  }
  if (e.status === "paused") {
    if (!e.step_ms || e.remaining_ms === undefined) throw new Error(`Execution ${e.execution_id}: a paused execution needs step_ms and remaining_ms.`);
    return { step_ms: e.step_ms, remaining_ms: e.remaining_ms };
  }
  return {};
}

const date = (value: string | undefined) => (value ? new Date(value) : undefined);
