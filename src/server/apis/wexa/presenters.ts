import { runningTimeAt } from "./executionLifecycle.js";
import type { AgentflowTotals, ExecutionRow } from "./executionStore.js";
import type { ConnectorRow } from "./store.js";
import type { TriggerDefinition } from "./triggerCatalogue.js";

/** A connector as W1 and W2 show it: whether credentials are on file, never the credentials. */
export function presentConnector(row: ConnectorRow) {
  return {
    _id: row.id,
    projectID: row.project_id,
    name: row.name,
    description: row.description,
    category: row.category,
    status: row.status,
    data_loader_config: row.data_loader_config ? { source: row.data_loader_config.source, batch_size: row.data_loader_config.batch_size } : null,
    auth_configured: row.auth_secret_id !== null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function presentTriggerAction(connector: ConnectorRow, trigger: TriggerDefinition) {
  return { connector_id: connector.id, connector_name: connector.name, category: connector.category, ...trigger };
}

/** The execution document (W6, W7, W13). */
export function presentExecution(row: ExecutionRow) {
  return {
    execution_id: row.id,
    agentflow_id: row.agentflow_id,
    projectID: row.project_id,
    executed_by: row.executed_by,
    goal: row.goal,
    input_variables: row.input_variables,
    status: row.status,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** W12: the document with its details; a running execution's time counts up to `now`. */
export function presentExecutionDetails(row: ExecutionRow, now: Date) {
  return {
    ...presentExecution(row),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    execution_time_ms: runningTimeAt(row, now),
    tokens_used: row.tokens_used,
    conclusion: row.conclusion,
    error_messages: row.error_messages,
    debug_info: row.debug_info,
  };
}

export function presentMonitor(agentflow: { id: string; projectId: string }, totals: AgentflowTotals, active: ExecutionRow[], now: Date) {
  return {
    agentflow_id: agentflow.id,
    projectID: agentflow.projectId,
    generated_at: now.toISOString(),
    total_executions: totals.total,
    status_counts: totals.counts,
    tokens_used: totals.tokens_used,
    average_execution_time_ms: totals.average_execution_time_ms,
    last_execution_at: iso(totals.last_execution_at),
    active_executions: active.map(presentExecution),
  };
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);
