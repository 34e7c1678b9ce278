import type { components } from "../../../generated/vern.js";

export type RunKind = components["schemas"]["RunKind"];
export type RunStatus = components["schemas"]["RunStatus"];
export type Question = components["schemas"]["Question"];

/** While a run is in one of these, no other run of its migration may start (a partial unique index holds it). */
export const ACTIVE_STATUSES: readonly RunStatus[] = ["queued", "running", "blocked"];

/** What must hold before a stage's work can finish; the simulation observes it from the database. */
export type StageCheck = "connection" | "mapping";

type Stage = { message: string; check?: StageCheck };

/**
 * The agent's work for each kind of run, one simulation step per stage (apis.md §3 lifecycle; the
 * stages and their messages are [ours]). A generate extracts from the source connection (the only
 * data source: this server has no upload), maps the columns, cleans the data, and stops at a
 * preview; update, clarify and execute resume the preview's run.
 */
export const STAGES: Readonly<Record<RunKind, readonly Stage[]>> = {
  generate: [
    { message: "Extracting your data from the source", check: "connection" },
    { message: "Mapping your columns", check: "mapping" },
    { message: "Cleaning your data" },
  ],
  update: [{ message: "Applying your changes" }, { message: "Re-validating the preview" }],
  clarify: [{ message: "Looking into your question" }],
  execute: [{ message: "Importing your data" }, { message: "Verifying the import" }],
};

/** Where each kind ends when its work is done: a preview to approve, or done. */
const OUTCOME: Readonly<Record<RunKind, "awaiting_approval" | "completed">> = {
  generate: "awaiting_approval",
  update: "awaiting_approval",
  clarify: "completed",
  execute: "completed",
};

/** The messages of a run that resumes after the caller unblocked it. */
export const RESUME_MESSAGES = {
  credentials: "Checking your credentials",
  answer: "Applying your answer",
} as const;

export type MachineRun = { kind: RunKind; status: RunStatus; stage: number; answered: boolean };

/** What the simulation saw for the check of the current stage (only the one it asks for). */
export type Observation = {
  connection?: "missing" | "needs-credentials" | "ready";
  mapping?: { sheetCount: number; questions: Question[] };
};

export type Step =
  | { to: "running"; stage: number; message: string; extracted?: true }
  | { to: "blocked"; reason: "credentials" }
  | { to: "blocked"; reason: "question"; questions: Question[] }
  | { to: "failed"; error: string }
  | { to: "awaiting_approval" | "completed"; extracted?: true };

export const CONNECTION_REMOVED = "The source connection was removed before the data could be extracted.";
export const NOTHING_TO_MAP = "This migration has no templates to map your data to.";

/** The check the current stage needs observed before `nextStep`, if any (a queued run needs none). */
export function pendingCheck(run: MachineRun): StageCheck | undefined {
  return run.status === "running" ? STAGES[run.kind][run.stage]?.check : undefined;
}

/**
 * One step of a due run (queued or running), a pure function of the run and what was observed:
 * queued starts the first stage; a running stage either stops (blocked, failed) on its check or
 * finishes and the next stage starts, the last one ending in the kind's outcome.
 */
export function nextStep(run: MachineRun, seen: Observation): Step {
  const stages = STAGES[run.kind];
  if (run.status === "queued") return { to: "running", stage: 0, message: stages[0]!.message };
  const check = pendingCheck(run);
  let extracted: true | undefined;
  if (check === "connection") {
    if (seen.connection === "missing" || seen.connection === undefined) return { to: "failed", error: CONNECTION_REMOVED };
    if (seen.connection === "needs-credentials") return { to: "blocked", reason: "credentials" };
    extracted = true;
  }
  if (check === "mapping") {
    const mapping = seen.mapping ?? { sheetCount: 0, questions: [] };
    if (mapping.sheetCount === 0) return { to: "failed", error: NOTHING_TO_MAP };
    if (mapping.questions.length > 0 && !run.answered) return { to: "blocked", reason: "question", questions: mapping.questions };
  }
  const next = run.stage + 1;
  if (next < stages.length) return { to: "running", stage: next, message: stages[next]!.message, ...(extracted ? { extracted } : {}) };
  return { to: OUTCOME[run.kind], ...(extracted ? { extracted } : {}) };
}
