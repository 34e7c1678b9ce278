import { schemaEnum } from "../../../contracts/schemaEnum.js";
import { isUniqueViolation, type Sql } from "../../db/database.js";
import { ApiError, badRequest, conflict, notFound } from "../../http/apiError.js";
import type { ForcedState, ScenarioControl } from "../../http/apiModule.js";
import { credentialRequestFor, executeReport, questionsFor } from "./agentScript.js";
import type { VernContext } from "./context.js";
import { presentRun } from "./presenters.js";
import { STAGES, type Question, type RunStatus } from "./runMachine.js";
import { ONE_ACTIVE_RUN, type RunChanges, type RunRow } from "./runStore.js";
import { cancel } from "./runTransitions.js";

/** Asked when a run is forced to block on a question but its templates give the agent nothing to ask. */
const FORCED_QUESTION: Question = {
  id: "q1",
  question: "Some values don't fit the template. How should I handle them?",
  context: "Asked on purpose: the run was put into this state through /__admin.",
  options: [
    { id: "a", label: "Keep them as they are" },
    { id: "b", label: "Drop those rows" },
  ],
  allowCustom: true,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FORCED_FAILURE = "The run failed on purpose (/__admin scenario).";

/**
 * `/__admin/scenarios/vern/runs/:runId`: puts a run into any status of the contract's RunStatus,
 * with the fields the `Run` table asks for in that status, so the API answers it as it would a run
 * that got there by itself; what the run does next is the simulation's (a forced `running` moves
 * on, a forced block waits for V11 or V12 as any block does).
 */
export function runScenarios(context: VernContext): ScenarioControl {
  const states = schemaEnum("vern", "RunStatus");
  return {
    resource: "runs",
    states,
    async force(runId, forced) {
      if (!states.includes(forced.state)) throw badRequest(`state must be one of ${states.join(", ")} (openapi/vern.yaml RunStatus).`);
      if (!UUID.test(runId)) throw notFound(`No Vern run ${runId}.`);
      const row = await context.database
        .transaction(async (tx) => {
          const [run] = await tx.query<RunRow>("select * from vern_runs where id = $1 for update", [runId.toLowerCase()]);
          if (!run) throw notFound(`No Vern run ${runId}.`);
          const changes = await changesForState(context, tx, run, forced);
          const updated = await context.runs.update(tx, run.id, changes);
          // The preview a generate/update leaves is what update and execute resume; an executed one is used up.
          if (forced.state === "awaiting_approval") await context.migrations.setPreview(tx, run.migration_id, run.id);
          if (forced.state === "completed" && run.kind === "execute") await context.migrations.setPreview(tx, run.migration_id, null);
          return updated;
        })
        .catch((error: unknown) => {
          if (isUniqueViolation(error, ONE_ACTIVE_RUN)) throw conflict("Another run of this migration is active; only one may be queued, running or blocked.");
          throw error;
        });
      return presentRun(row);
    },
  };
}

async function changesForState(context: VernContext, tx: Sql, run: RunRow, forced: ForcedState): Promise<RunChanges> {
  const now = context.clock.now();
  const dueAt = new Date(now.getTime() + context.stepMs);
  const clean = { blocked_reason: null, questions: null, credential_request: null, report: null, error: null, updated_at: now } as const;
  const stopped = { ...clean, message: null, next_transition_at: null } as const;
  const status = forced.state as RunStatus;
  switch (status) {
    case "queued":
      return { ...clean, status, stage: 0, message: null, next_transition_at: dueAt };
    case "running":
      return { ...clean, status, message: STAGES[run.kind][run.stage]?.message ?? STAGES[run.kind][0]!.message, next_transition_at: dueAt };
    case "blocked":
      return forced.blocked_reason === "credentials"
        ? { ...stopped, status, blocked_reason: "credentials", credential_request: await credentialRequest(context, tx, run) }
        : forced.blocked_reason === "question"
          ? { ...stopped, status, blocked_reason: "question", questions: await questions(context, tx, run) }
          : (() => {
              throw badRequest('A blocked run needs "blocked_reason": "credentials" or "question".');
            })();
    case "awaiting_approval":
      return { ...stopped, status };
    case "completed":
      return { ...stopped, status, report: run.kind === "execute" ? executeReport(await sheetsOf(context, tx, run), context.catalog) : null };
    case "failed":
      return { ...stopped, status, error: typeof forced.error === "string" && forced.error !== "" ? forced.error : FORCED_FAILURE };
    case "canceled":
      return cancel(now);
  }
}

async function credentialRequest(context: VernContext, tx: Sql, run: RunRow) {
  const connection = run.connection_id ? await context.connections.byId(tx, run.connection_id) : undefined;
  if (!connection) throw new ApiError(409, "This run has no source connection to ask credentials for (it was removed).");
  return credentialRequestFor(connection, context.catalog.sourceKey(connection.source_key));
}

async function questions(context: VernContext, tx: Sql, run: RunRow): Promise<Question[]> {
  const asked = questionsFor(await sheetsOf(context, tx, run), context.catalog);
  return asked.length > 0 ? asked : [FORCED_QUESTION];
}

async function sheetsOf(context: VernContext, tx: Sql, run: RunRow) {
  return (await context.migrations.byId(tx, run.migration_id))?.sheets ?? [];
}
