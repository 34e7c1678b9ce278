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
  status: Extract<ExecutionStatus, "ready" | "completed" | "failed">;
  created_at: string;
  updated_at: string;
  started_at?: string;
  finished_at?: string;
  execution_time_ms?: number;
  tokens_used?: number;
  conclusion?: string;
  error_messages?: string[];
  debug_info?: Record<string, unknown>;
};

/** fixtures/wexa: two accounts' projects, agentflows, connectors (credentials into the vault) and past executions. */
export async function seedWexa(sql: Sql, fixtures: Fixtures, store: WexaStore, executions: ExecutionStore): Promise<void> {
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
    });
  }
}

const date = (value: string | undefined) => (value ? new Date(value) : undefined);
