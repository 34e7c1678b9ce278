import { randomUUID } from "node:crypto";
import type { components } from "../../../generated/vern.js";
import type { Sql } from "../../db/database.js";
import { runNotFound } from "./errors.js";
import { ACTIVE_STATUSES, type Question, type RunKind, type RunStatus } from "./runMachine.js";

type Schemas = components["schemas"];

export type RunRow = {
  id: string;
  account_id: string;
  migration_id: string;
  kind: RunKind;
  status: RunStatus;
  stage: number;
  message: string | null;
  connection_id: string | null;
  blocked_reason: "question" | "credentials" | null;
  questions: Question[] | null;
  credential_request: Schemas["CredentialRequest"] | null;
  answers: Schemas["Answers"] | null;
  report: Schemas["ExecuteReport"] | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
};

/** The columns a transition may set; everything a phase leaves behind is cleared when the next phase starts. */
export type RunChanges = Partial<
  Pick<RunRow, "kind" | "status" | "stage" | "message" | "blocked_reason" | "questions" | "credential_request" | "answers" | "report" | "error">
> & { next_transition_at?: Date | null; updated_at: Date };

/** The name of the partial unique index that allows one active run per migration. */
export const ONE_ACTIVE_RUN = "vern_runs_one_active";

const COLUMNS = `id, account_id, migration_id, kind, status, stage, message, connection_id, blocked_reason, questions,
  credential_request, answers, report, error, created_at, updated_at`;
const JSON_COLUMNS = new Set(["questions", "credential_request", "answers", "report"]);
const ACTIVE = ACTIVE_STATUSES.map((s) => `'${s}'`).join(", ");

/** SQL for runs. A run row never holds a secret value: the credential request is schema and guidance only. */
export class RunStore {
  async findActive(sql: Sql, migrationId: string): Promise<{ id: string } | undefined> {
    const [row] = await sql.query<{ id: string }>(`select id from vern_runs where migration_id = $1 and status in (${ACTIVE})`, [migrationId]);
    return row;
  }

  /** A new generate run, queued. Throws the unique violation of ONE_ACTIVE_RUN when another run is active. */
  async insertGenerate(sql: Sql, input: { accountId: string; migrationId: string; connectionId: string; now: Date; dueAt: Date }): Promise<RunRow> {
    const [row] = await sql.query<RunRow>(
      `insert into vern_runs (id, account_id, migration_id, kind, status, stage, connection_id, next_transition_at, created_at, updated_at)
       values ($1, $2, $3, 'generate', 'queued', 0, $4, $5, $6, $6) returning ${COLUMNS}`,
      [randomUUID(), input.accountId, input.migrationId, input.connectionId, input.dueAt, input.now],
    );
    return row!;
  }

  /**
   * A seeded run, stopped where the seed puts it (blocked or awaiting approval): nothing is due,
   * so the simulation leaves it there until a caller acts on it.
   */
  async insertStopped(
    sql: Sql,
    run: Pick<RunRow, "id" | "account_id" | "migration_id" | "kind" | "status" | "stage" | "connection_id" | "blocked_reason" | "questions" | "credential_request">,
  ): Promise<RunRow> {
    const [row] = await sql.query<RunRow>(
      `insert into vern_runs (id, account_id, migration_id, kind, status, stage, connection_id, blocked_reason, questions, credential_request)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${COLUMNS}`,
      [run.id, run.account_id, run.migration_id, run.kind, run.status, run.stage, run.connection_id, run.blocked_reason, json(run.questions), json(run.credential_request)],
    );
    return row!;
  }

  /** The run, scoped to its migration (whose account the caller already checked). */
  async require(sql: Sql, migrationId: string, runId: string, options: { lock?: boolean } = {}): Promise<RunRow> {
    const [row] = await sql.query<RunRow>(
      `select ${COLUMNS} from vern_runs where id = $1 and migration_id = $2${options.lock ? " for update" : ""}`,
      [runId, migrationId],
    );
    if (!row) throw runNotFound();
    return row;
  }

  /** Due queued or running runs, locked; a run another process is moving is skipped, not waited for. */
  lockDue(sql: Sql, now: Date, limit: number): Promise<RunRow[]> {
    return sql.query<RunRow>(
      `select ${COLUMNS} from vern_runs where status in ('queued', 'running') and next_transition_at <= $1
       order by next_transition_at, seq limit $2 for update skip locked`,
      [now, limit],
    );
  }

  /** Applies a transition. A change to an active status may throw the unique violation of ONE_ACTIVE_RUN. */
  async update(sql: Sql, id: string, changes: RunChanges): Promise<RunRow> {
    const { assignments, values } = assignmentsOf(changes);
    const [row] = await sql.query<RunRow>(`update vern_runs set ${assignments} where id = $1 returning ${COLUMNS}`, [id, ...values]);
    return row!;
  }

  /**
   * Moves an idle run (not queued, running or blocked) into a new phase; undefined when it is
   * active. The status guard matters under concurrency: a second resume that waited on the row
   * lock sees the first one's `running` and changes nothing.
   */
  async updateIfIdle(sql: Sql, id: string, changes: RunChanges): Promise<RunRow | undefined> {
    const { assignments, values } = assignmentsOf(changes);
    const [row] = await sql.query<RunRow>(
      `update vern_runs set ${assignments} where id = $1 and status not in (${ACTIVE}) returning ${COLUMNS}`,
      [id, ...values],
    );
    return row;
  }

  /**
   * Before a connection is removed: locks the runs that refer to it (in the order the simulation
   * locks a run, then its connection, so the two never deadlock) and fails those blocked for its
   * credentials, which can never come now.
   */
  async releaseConnection(sql: Sql, connectionId: string, error: string, now: Date): Promise<void> {
    await sql.query("select id from vern_runs where connection_id = $1 order by id for update", [connectionId]);
    await sql.query(
      `update vern_runs set status = 'failed', error = $2, blocked_reason = null, credential_request = null, next_transition_at = null,
         message = null, updated_at = $3
       where connection_id = $1 and status = 'blocked' and blocked_reason = 'credentials'`,
      [connectionId, error, now],
    );
  }
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

/** `column = $n` for each change (parameters from $2; $1 is the run id); JSON columns as JSON text. */
function assignmentsOf(changes: RunChanges): { assignments: string; values: unknown[] } {
  const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
  return {
    assignments: entries.map(([column], i) => `${column} = $${i + 2}`).join(", "),
    values: entries.map(([column, value]) => (JSON_COLUMNS.has(column) && value !== null ? JSON.stringify(value) : value)),
  };
}
