import { schemaEnum } from "../../../contracts/schemaEnum.js";
import type { Database } from "../../db/database.js";
import { badRequest } from "../../http/apiError.js";
import type { ScenarioControl } from "../../http/apiModule.js";
import type { Clock } from "../../simulationClock.js";
import { catchUp, runningTimeAt, type ExecutionProgress, type ExecutionStatus, type ExecutionSubject } from "./executionLifecycle.js";
import { AGENT_STEPS, executionScript } from "./executionScript.js";
import { executionNotFound, type ExecutionRow, type ExecutionStore } from "./executionStore.js";
import { presentExecutionDetails } from "./presenters.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FORCED_FAILURE = "The execution failed on purpose (/__admin scenario).";

/**
 * `/__admin/scenarios/wexa/executions/:executionId`: puts an execution into any status of the
 * contract's ExecutionStatus, with the details W12 shows in that status (a failed one has error
 * messages, a completed one a conclusion and its tokens). A forced `running` runs its remaining
 * agent steps on the simulation clock as any running execution does.
 */
export function executionScenarios(database: Database, executions: ExecutionStore, clock: Clock, stepMs: number): ScenarioControl {
  const states = schemaEnum("wexa", "ExecutionStatus");
  return {
    resource: "executions",
    states,
    async force(executionId, forced) {
      if (!states.includes(forced.state)) {
        throw badRequest(`state must be one of ${states.join(", ")} (openapi/wexa.yaml ExecutionStatus; Wexa has no awaiting_approval, Vern has).`);
      }
      if (!UUID.test(executionId)) throw executionNotFound(executionId);
      const error = typeof forced.error === "string" && forced.error !== "" ? forced.error : FORCED_FAILURE;
      const row = await database.transaction(async (tx) => {
        const [found] = await tx.query<ExecutionRow>("select * from wexa_executions where id = $1 for update", [executionId]);
        if (!found) throw executionNotFound(executionId);
        const now = clock.now();
        const progress = forcedProgress({ ...found, ...catchUp(found, now) }, forced.state as ExecutionStatus, now, stepMs, error);
        await executions.save(tx, found.id, progress);
        return { ...found, ...progress };
      });
      return presentExecutionDetails(row, clock.now());
    },
  };
}

/** The progress of an execution forced into `status` at `now`, keeping what it already did where that still fits. */
export function forcedProgress(e: ExecutionSubject, status: ExecutionStatus, now: Date, stepMs: number, error: string): ExecutionProgress {
  const script = executionScript(e.goal, e.input_variables);
  const ranFor = runningTimeAt(e, now) ?? 0;
  const idle = { running_since: null, next_transition_at: null, remaining_ms: null, updated_at: now };
  const started = { step_ms: e.step_ms ?? stepMs, started_at: e.started_at ?? now, execution_time_ms: ranFor };
  const unfinished = { finished_at: null, conclusion: null, error_messages: [], debug_info: null };
  switch (status) {
    case "ready":
      return { ...e, ...idle, ...unfinished, status, step_ms: null, steps_done: 0, tokens_used: 0, execution_time_ms: null, started_at: null };
    case "running": {
      // A finished execution forced back to running does its last step again.
      const stepsDone = Math.min(e.steps_done, AGENT_STEPS - 1);
      return { ...e, ...started, ...unfinished, status, steps_done: stepsDone, running_since: now, next_transition_at: new Date(now.getTime() + started.step_ms), remaining_ms: null, updated_at: now };
    }
    case "paused":
      return { ...e, ...started, ...idle, ...unfinished, status, steps_done: Math.min(e.steps_done, AGENT_STEPS - 1), remaining_ms: started.step_ms };
    case "completed":
      return {
        ...e, ...started, ...idle, status, steps_done: AGENT_STEPS, tokens_used: AGENT_STEPS * script.tokensPerStep,
        finished_at: now, conclusion: script.conclusion, error_messages: [], debug_info: null,
      };
    case "failed":
      return { ...e, ...started, ...idle, status, finished_at: now, conclusion: null, error_messages: [error], debug_info: { forced: true, simulated: true } };
    case "cancelled":
      return { ...e, ...idle, status, execution_time_ms: e.status === "ready" ? e.execution_time_ms : ranFor, finished_at: now, conclusion: null };
  }
}
