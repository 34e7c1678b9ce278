import { conflict } from "../../http/apiError.js";
import { executionScript } from "./executionScript.js";

export type ExecutionStatus = "ready" | "running" | "paused" | "completed" | "failed" | "cancelled";

/** Not finished: the statuses W13 lists as active and W11 may cancel. */
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ["ready", "running", "paused"];

/**
 * The columns of an execution that its lifecycle changes. Times follow the row's own clock:
 * a step ends at its due time (not when the simulation happens to notice), so the running time
 * is always a whole number of steps however late the clock ticks or long the pauses are.
 */
export type ExecutionProgress = {
  status: ExecutionStatus;
  step_ms: number | null;
  steps_done: number;
  tokens_used: number;
  execution_time_ms: number | null;
  running_since: Date | null;
  next_transition_at: Date | null;
  remaining_ms: number | null;
  started_at: Date | null;
  finished_at: Date | null;
  conclusion: string | null;
  error_messages: string[];
  debug_info: Record<string, unknown> | null;
  updated_at: Date;
};

/** What the lifecycle needs to know about an execution besides its progress. */
export type ExecutionSubject = ExecutionProgress & { id: string; goal: string; input_variables: Record<string, unknown> };

export type ControlAction = "execute" | "pause" | "resume" | "cancel";

/** The contract's transitions (W8–W11); anything else is a 409. */
const ALLOWED_FROM: Record<ControlAction, readonly ExecutionStatus[]> = {
  execute: ["ready"],
  pause: ["running"],
  resume: ["paused"],
  cancel: ACTIVE_STATUSES,
};

/** Applies W8–W11 to an execution already caught up to `now`; throws the 409 when its status forbids it. */
export function applyControl(execution: ExecutionSubject, action: ControlAction, now: Date, stepMs: number): ExecutionProgress {
  if (!ALLOWED_FROM[action].includes(execution.status)) {
    throw conflict(`Cannot ${action} execution ${execution.id} in status ${execution.status}`);
  }
  const base = { ...execution, updated_at: now };
  switch (action) {
    case "execute":
      return { ...base, status: "running", step_ms: stepMs, started_at: now, execution_time_ms: 0, running_since: now, next_transition_at: at(now, stepMs) };
    case "pause":
      return {
        ...base,
        status: "paused",
        execution_time_ms: runningTimeAt(execution, now),
        remaining_ms: execution.next_transition_at!.getTime() - now.getTime(),
        running_since: null,
        next_transition_at: null,
      };
    case "resume":
      return { ...base, status: "running", running_since: now, next_transition_at: at(now, execution.remaining_ms!), remaining_ms: null };
    case "cancel":
      return {
        ...base,
        status: "cancelled",
        execution_time_ms: execution.status === "running" ? runningTimeAt(execution, now) : execution.execution_time_ms,
        running_since: null,
        next_transition_at: null,
        remaining_ms: null,
        finished_at: now,
      };
  }
}

/** Runs every agent step that is due by `now` (none unless it is running). */
export function catchUp(execution: ExecutionSubject, now: Date): ExecutionProgress {
  let progress: ExecutionProgress = execution;
  const script = executionScript(execution.goal, execution.input_variables);
  while (progress.status === "running" && progress.next_transition_at!.getTime() <= now.getTime()) {
    progress = finishStep(progress, script);
  }
  return progress;
}

export const isDue = (execution: ExecutionProgress, now: Date) =>
  execution.status === "running" && execution.next_transition_at!.getTime() <= now.getTime();

/** The running time (pauses excluded) as of `now`, for reading a running execution between steps. */
export function runningTimeAt(execution: ExecutionProgress, now: Date): number | null {
  if (execution.status !== "running") return execution.execution_time_ms;
  const end = Math.min(now.getTime(), execution.next_transition_at!.getTime());
  return (execution.execution_time_ms ?? 0) + Math.max(0, end - execution.running_since!.getTime());
}

function finishStep(progress: ExecutionProgress, script: ReturnType<typeof executionScript>): ExecutionProgress {
  const stepEnd = progress.next_transition_at!;
  const stepsDone = progress.steps_done + 1;
  const advanced = {
    ...progress,
    steps_done: stepsDone,
    tokens_used: progress.tokens_used + script.tokensPerStep,
    execution_time_ms: runningTimeAt(progress, stepEnd),
    updated_at: stepEnd,
  };
  const finished = { ...advanced, running_since: null, next_transition_at: null, finished_at: stepEnd };
  if (script.failsAtStep === stepsDone) {
    return { ...finished, status: "failed", error_messages: script.errorMessages, debug_info: script.debugInfo };
  }
  if (stepsDone >= script.steps) return { ...finished, status: "completed", conclusion: script.conclusion };
  return { ...advanced, running_since: stepEnd, next_transition_at: at(stepEnd, progress.step_ms!) };
}

const at = (from: Date, plusMs: number) => new Date(from.getTime() + plusMs);
