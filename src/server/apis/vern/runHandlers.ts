import type { components, operations } from "../../../generated/vern.js";
import { isUniqueViolation, type Sql } from "../../db/database.js";
import type { HandlersOf, OperationRequest } from "../../http/apiModule.js";
import { created, ok } from "../../http/responses.js";
import type { VernContext } from "./context.js";
import {
  answersRequired,
  blockedForCredentials,
  connectionMismatch,
  noCurrentPreview,
  noDataSource,
  notBlockedForCredentials,
  notBlockedOnQuestion,
  runAlreadyFinished,
  runInProgress,
} from "./errors.js";
import type { MigrationRow } from "./migrationStore.js";
import { presentRun } from "./presenters.js";
import { ACTIVE_STATUSES } from "./runMachine.js";
import { ONE_ACTIVE_RUN, type RunRow } from "./runStore.js";
import { cancel, resumeAfterAnswer, resumeAfterCredentials, startPhase } from "./runTransitions.js";

type RunOperations = Pick<HandlersOf<operations>, "createRun" | "getRun" | "cancelRun" | "submitRunCredentials" | "answerRun">;
type CreateRunRequest = components["schemas"]["CreateRunRequest"];

/** How often a start is retried when it lost a race to a run that ended before its 409 could name it. */
const START_ATTEMPTS = 3;

/** V8–V12: start, poll, cancel and unblock runs of the managed agent. */
export function runHandlers(context: VernContext): RunOperations {
  const { database, migrations, connections, runs } = context;
  const clock = () => {
    const now = context.clock.now();
    return { now, dueAt: new Date(now.getTime() + context.stepMs) };
  };

  return {
    createRun: async (request) => {
      const migration = await migrations.require(database, request.account.accountId, request.params.migration_id);
      const run = await startRun(migration, request.body);
      return created({ run_id: run.id, status: run.status === "queued" ? "queued" : "running", poll_url: pollUrl(request, migration.id, run.id) });
    },

    getRun: async ({ account, params }) => {
      const migration = await migrations.require(database, account.accountId, params.migration_id);
      return ok(presentRun(await runs.require(database, migration.id, params.run_id)));
    },

    cancelRun: async ({ account, params }) => {
      const migration = await migrations.require(database, account.accountId, params.migration_id);
      const canceled = await database.transaction(async (tx) => {
        const run = await runs.require(tx, migration.id, params.run_id, { lock: true });
        if (!ACTIVE_STATUSES.includes(run.status)) throw runAlreadyFinished(run.status);
        return runs.update(tx, run.id, cancel(context.clock.now()));
      });
      return ok(presentRun(canceled));
    },

    submitRunCredentials: async ({ account, params, body }) => {
      const migration = await migrations.require(database, account.accountId, params.migration_id);
      await database.transaction(async (tx) => {
        const run = await runs.require(tx, migration.id, params.run_id, { lock: true });
        if (run.status !== "blocked" || run.blocked_reason !== "credentials" || !run.credential_request) throw notBlockedForCredentials();
        const requested = run.credential_request.connection_id;
        if (body.connection_id !== undefined && body.connection_id.toLowerCase() !== requested) throw connectionMismatch();
        // Locked after the run, as removing a connection does: the two never wait on each other crosswise.
        const connection = await connections.byId(tx, requested, { lock: true });
        if (!connection) throw notBlockedForCredentials();
        await connections.storeCredentials(tx, connection, body.credentials);
        const { now, dueAt } = clock();
        await runs.update(tx, run.id, resumeAfterCredentials(now, dueAt));
      });
      return ok({ run_id: params.run_id.toLowerCase(), status: "running" });
    },

    answerRun: async ({ account, params, body }) => {
      if (isEmpty(body.answers)) throw answersRequired();
      const migration = await migrations.require(database, account.accountId, params.migration_id);
      await database.transaction(async (tx) => {
        const run = await runs.require(tx, migration.id, params.run_id, { lock: true });
        // Secrets must never land in the agent thread: a run waiting for credentials takes them only at V11.
        if (run.status === "blocked" && run.blocked_reason === "credentials") throw blockedForCredentials();
        if (run.status !== "blocked" || run.blocked_reason !== "question") throw notBlockedOnQuestion();
        const { now, dueAt } = clock();
        await runs.update(tx, run.id, resumeAfterAnswer(body.answers, now, dueAt));
      });
      return ok({ run_id: params.run_id.toLowerCase(), status: "running" });
    },
  };

  /**
   * One run at a time per migration: checked first for a clean 409, and held by the partial unique
   * index when two starts race (the loser's insert or resume fails, and its 409 names the winner).
   */
  async function startRun(migration: MigrationRow, body: CreateRunRequest): Promise<RunRow> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await database.transaction((tx) => startRunIn(tx, migration, body));
      } catch (error) {
        if (!isUniqueViolation(error, ONE_ACTIVE_RUN) || attempt >= START_ATTEMPTS) throw error;
        const active = await runs.findActive(database, migration.id);
        if (active) throw runInProgress(active.id);
      }
    }
  }

  async function startRunIn(tx: Sql, migration: MigrationRow, body: CreateRunRequest): Promise<RunRow> {
    const active = await runs.findActive(tx, migration.id);
    if (active) throw runInProgress(active.id);
    const { now, dueAt } = clock();
    if (body.kind === "generate") {
      // There is no upload in this API: the source connection is the only data source.
      const connection = body.extract_via_api === false ? undefined : await connections.latest(tx, migration.id);
      if (!connection) throw noDataSource();
      return runs.insertGenerate(tx, { accountId: migration.account_id, migrationId: migration.id, connectionId: connection.id, now, dueAt });
    }
    const { preview_run_id: previewRunId } = await migrations.require(tx, migration.account_id, migration.id);
    if (!previewRunId) throw noCurrentPreview();
    // update, clarify and execute resume the run whose preview is current (apis.md V8).
    const resumed = await runs.updateIfIdle(tx, previewRunId, startPhase(body.kind, now, dueAt));
    if (!resumed) throw runInProgress(previewRunId);
    return resumed;
  }
}

function isEmpty(answers: components["schemas"]["Answers"]): boolean {
  return typeof answers === "string" ? answers.trim() === "" : answers.length === 0;
}

/**
 * The absolute URL of the run, as the vendor sends it, on the host and mount path the request came
 * in on; a relative reference (which the contract tolerates) when the Host header is not a plain host.
 */
function pollUrl(request: Pick<OperationRequest, "headers" | "mountPath">, migrationId: string, runId: string): string {
  const path = `${request.mountPath}/migrations/${migrationId}/runs/${runId}`;
  const host = request.headers.host;
  if (!host || !/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return path;
  const forwarded = String(request.headers["x-forwarded-proto"] ?? "").split(",")[0]?.trim();
  return `${forwarded === "https" ? "https" : "http"}://${host}${path}`;
}
