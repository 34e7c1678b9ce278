import type { components } from "../../../generated/vern.js";
import { RESUME_MESSAGES, STAGES, type RunKind, type Step } from "./runMachine.js";
import type { RunChanges } from "./runStore.js";

/** What a phase leaves on the run (its block, answers, report, error): cleared when the run moves to another phase. */
const CLEAN_PHASE = {
  blocked_reason: null,
  questions: null,
  credential_request: null,
  answers: null,
  report: null,
  error: null,
} as const;

/** Nothing to wait for, nothing due: how every stop (blocked or finished) leaves the clock. */
const STOPPED = { message: null, next_transition_at: null } as const;

/** update, clarify or execute resuming the preview's run: running at once, the first stage due one step later. */
export function startPhase(kind: RunKind, now: Date, dueAt: Date): RunChanges {
  return { ...CLEAN_PHASE, kind, status: "running", stage: 0, message: STAGES[kind][0]!.message, next_transition_at: dueAt, updated_at: now };
}

/** Credentials were submitted: the run re-checks them on its next step (the connector may reject them). */
export function resumeAfterCredentials(now: Date, dueAt: Date): RunChanges {
  return { status: "running", blocked_reason: null, credential_request: null, message: RESUME_MESSAGES.credentials, next_transition_at: dueAt, updated_at: now };
}

/** The question was answered: the run carries the answers from now on and goes on mapping. */
export function resumeAfterAnswer(answers: components["schemas"]["Answers"], now: Date, dueAt: Date): RunChanges {
  return { status: "running", blocked_reason: null, questions: null, answers, message: RESUME_MESSAGES.answer, next_transition_at: dueAt, updated_at: now };
}

export function cancel(now: Date): RunChanges {
  return { ...STOPPED, status: "canceled", blocked_reason: null, questions: null, credential_request: null, updated_at: now };
}

/** What the simulation hands over with a step: the pieces only it can build (from the catalog and the database). */
export type StepContext = {
  now: Date;
  dueAt: Date;
  credentialRequest: () => components["schemas"]["CredentialRequest"];
  report: () => components["schemas"]["ExecuteReport"] | null;
};

/** The columns one step of the state machine sets. */
export function changesFor(step: Step, context: StepContext): RunChanges {
  const { now, dueAt } = context;
  switch (step.to) {
    case "running":
      return { status: "running", stage: step.stage, message: step.message, next_transition_at: dueAt, updated_at: now };
    case "blocked":
      return step.reason === "credentials"
        ? { ...STOPPED, status: "blocked", blocked_reason: "credentials", credential_request: context.credentialRequest(), updated_at: now }
        : { ...STOPPED, status: "blocked", blocked_reason: "question", questions: step.questions, updated_at: now };
    case "failed":
      return { ...STOPPED, status: "failed", error: step.error, updated_at: now };
    case "awaiting_approval":
      return { ...STOPPED, status: "awaiting_approval", updated_at: now };
    case "completed":
      return { ...STOPPED, status: "completed", report: context.report(), updated_at: now };
  }
}
