import { randomUUID } from "node:crypto";
import type { Sql } from "../../db/database.js";
import { notFound } from "../../http/apiError.js";
import type { ExecutionProgress, ExecutionStatus, ExecutionSubject } from "./executionLifecycle.js";

export type ExecutionRow = ExecutionSubject & {
  project_id: string;
  agentflow_id: string;
  executed_by: string;
  created_at: Date;
};

export type NewExecution = {
  accountId: string;
  projectId: string;
  agentflowId: string;
  executedBy: string;
  goal: string;
  inputVariables: Record<string, unknown>;
};

/** A seeded execution: a new one plus whatever progress the fixture gives it. */
export type SeededExecution = NewExecution & { id: string; createdAt: string } & Partial<ExecutionProgress>;

export type AgentflowTotals = {
  total: number;
  counts: Record<ExecutionStatus, number>;
  tokens_used: number;
  average_execution_time_ms: number | null;
  last_execution_at: Date | null;
};

const COLUMNS = `id, project_id, agentflow_id, executed_by, goal, input_variables, status, step_ms, steps_done, tokens_used,
  execution_time_ms, running_since, next_transition_at, remaining_ms, started_at, finished_at, conclusion, error_messages,
  debug_info, created_at, updated_at`;
const NEWEST_FIRST = "order by created_at desc, seq desc";
const FINISHED = "status in ('completed', 'failed', 'cancelled')";

export const executionNotFound = (id: string) => notFound(`Execution ${id} not found`);

/** SQL for executions; the lifecycle (executionLifecycle.ts) decides, this only reads and writes rows. */
export class ExecutionStore {
  async create(sql: Sql, now: Date, execution: NewExecution): Promise<ExecutionRow> {
    return this.insert(sql, { ...execution, id: randomUUID(), createdAt: now.toISOString() });
  }

  async insert(sql: Sql, e: SeededExecution): Promise<ExecutionRow> {
    const [row] = await sql.query<ExecutionRow>(
      `insert into wexa_executions (id, account_id, project_id, agentflow_id, executed_by, goal, input_variables, status,
         steps_done, tokens_used, execution_time_ms, started_at, finished_at, conclusion, error_messages, debug_info, created_at, updated_at,
         step_ms, running_since, next_transition_at, remaining_ms)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::timestamptz, coalesce($18::timestamptz, $17::timestamptz),
         $19, $20, $21, $22)
       returning ${COLUMNS}`,
      [
        e.id, e.accountId, e.projectId, e.agentflowId, e.executedBy, e.goal, e.inputVariables, e.status ?? "ready",
        e.steps_done ?? 0, e.tokens_used ?? 0, e.execution_time_ms ?? null, e.started_at ?? null, e.finished_at ?? null,
        e.conclusion ?? null, JSON.stringify(e.error_messages ?? []), e.debug_info ?? null, e.createdAt, e.updated_at ?? null,
        e.step_ms ?? null, e.running_since ?? null, e.next_transition_at ?? null, e.remaining_ms ?? null,
      ],
    );
    return row!;
  }

  /** The account's execution, optionally only within one project and locked for a transition. */
  async get(sql: Sql, accountId: string, id: string, options: { projectId?: string; lock?: boolean } = {}): Promise<ExecutionRow> {
    const [row] = await sql.query<ExecutionRow>(
      `select ${COLUMNS} from wexa_executions where id = $1 and account_id = $2 and ($3::text is null or project_id = $3)
       ${options.lock ? "for update" : ""}`,
      [id, accountId, options.projectId ?? null],
    );
    if (!row) throw executionNotFound(id);
    return row;
  }

  async save(sql: Sql, id: string, p: ExecutionProgress): Promise<void> {
    await sql.query(
      `update wexa_executions set status = $2, step_ms = $3, steps_done = $4, tokens_used = $5, execution_time_ms = $6,
         running_since = $7, next_transition_at = $8, remaining_ms = $9, started_at = $10, finished_at = $11, conclusion = $12,
         error_messages = $13, debug_info = $14, updated_at = $15
       where id = $1`,
      [
        id, p.status, p.step_ms, p.steps_done, p.tokens_used, p.execution_time_ms, p.running_since, p.next_transition_at,
        p.remaining_ms, p.started_at, p.finished_at, p.conclusion, JSON.stringify(p.error_messages), p.debug_info, p.updated_at,
      ],
    );
  }

  /**
   * Running executions whose step is due, locked; rows another process is advancing are skipped
   * (`skip locked`), so two servers on one PostgreSQL never run the same step twice.
   */
  lockDue(sql: Sql, now: Date, limit: number, accountId?: string): Promise<ExecutionRow[]> {
    return sql.query<ExecutionRow>(
      `select ${COLUMNS} from wexa_executions
       where status = 'running' and next_transition_at <= $1 and ($3::text is null or account_id = $3)
       order by next_transition_at limit $2 for update skip locked`,
      [now, limit, accountId ?? null],
    );
  }

  async countInProject(sql: Sql, accountId: string, projectId: string): Promise<number> {
    const [row] = await sql.query<{ total: number }>(
      "select count(*)::int as total from wexa_executions where account_id = $1 and project_id = $2",
      [accountId, projectId],
    );
    return row!.total;
  }

  listInProject(sql: Sql, accountId: string, projectId: string, offset: number, limit: number): Promise<ExecutionRow[]> {
    return sql.query<ExecutionRow>(
      `select ${COLUMNS} from wexa_executions where account_id = $1 and project_id = $2 ${NEWEST_FIRST} offset $3 limit $4`,
      [accountId, projectId, offset, limit],
    );
  }

  listActiveOfAgentflow(sql: Sql, accountId: string, agentflowId: string): Promise<ExecutionRow[]> {
    return sql.query<ExecutionRow>(
      `select ${COLUMNS} from wexa_executions where account_id = $1 and agentflow_id = $2 and not ${FINISHED} ${NEWEST_FIRST}`,
      [accountId, agentflowId],
    );
  }

  async totalsOfAgentflow(sql: Sql, accountId: string, agentflowId: string): Promise<AgentflowTotals> {
    const [row] = await sql.query<Record<string, number | Date | null>>(
      `select count(*)::int as total,
         count(*) filter (where status = 'ready')::int as ready,
         count(*) filter (where status = 'running')::int as running,
         count(*) filter (where status = 'paused')::int as paused,
         count(*) filter (where status = 'completed')::int as completed,
         count(*) filter (where status = 'failed')::int as failed,
         count(*) filter (where status = 'cancelled')::int as cancelled,
         coalesce(sum(tokens_used), 0)::float8 as tokens_used,
         (avg(execution_time_ms) filter (where ${FINISHED}))::float8 as average_execution_time_ms,
         max(created_at) as last_execution_at
       from wexa_executions where account_id = $1 and agentflow_id = $2`,
      [accountId, agentflowId],
    );
    const r = row!;
    const count = (status: ExecutionStatus) => r[status] as number;
    return {
      total: r.total as number,
      counts: { ready: count("ready"), running: count("running"), paused: count("paused"), completed: count("completed"), failed: count("failed"), cancelled: count("cancelled") },
      tokens_used: r.tokens_used as number,
      average_execution_time_ms: r.average_execution_time_ms as number | null,
      last_execution_at: r.last_execution_at as Date | null,
    };
  }
}
