import type { Check } from "../check.js";
import { field, FlowFindings } from "./flowAssertions.js";
import { vernRunLifecycle } from "./vernLifecycleFlow.js";
import { cancelRun, CONTRACT, createMigration, describeRun, readOnlySkip, readRun, startRun, upsertConnection } from "./vernSupport.js";

/** The docs' body of the 409 of start a run (apis.md V8), which also names the active run. */
const IN_PROGRESS = "A run is already in progress for this migration.";
/** The states in which a run holds its migration (one run at a time). */
const ACTIVE = ["queued", "running", "blocked"];

/** V8–V12: runs of the managed agent, their blocks, and the one-run-at-a-time rule. */
export const vernRunFlows: readonly Check[] = [
  vernRunLifecycle,
  {
    name: "vern_one_active_run",
    description: "One run at a time per migration: a second start is a 409 naming the active run; cancel takes only {status: cancel_requested} and frees the migration",
    source: `${CONTRACT} V8, V10 (docs.vern.so "Start a run", "Cancel a run"; the 409 on a finished run is [ours])`,
    phase: "flow",
    skipReason: readOnlySkip,
    async run(ctx) {
      const f = new FlowFindings(ctx, this.name, this.source);
      const sentBy = this.name;
      const migrationId = await createMigration(ctx, sentBy, "one-active-run");
      if (!f.status(await upsertConnection(ctx, sentBy, migrationId, {}), 201, "V6 a connection without credentials")) return f.findings;
      const first = await startRun(ctx, sentBy, migrationId, { kind: "generate" });
      if (!f.status(first, 201, "V8 generate")) return f.findings;
      const runId = String(field(first, "run_id"));

      const second = await startRun(ctx, sentBy, migrationId, { kind: "generate" });
      if (f.status(second, 409, "V8 a second generate while a run is active")) {
        const expected = { error: IN_PROGRESS, run_id: runId };
        f.that(field(second, "error") === IN_PROGRESS && field(second, "run_id") === runId, "V8's 409 names the active run", second, JSON.stringify(expected), second.text.slice(0, 300));
      }
      for (const body of [{ status: "canceled" }, { status: "cancel_requested", reason: "cc-conformance" }]) {
        f.status(await cancelRun(ctx, sentBy, migrationId, runId, body), 400, `V10 with the body ${JSON.stringify(body)}`);
      }
      const still = await readRun(ctx, sentBy, migrationId, runId);
      f.that(ACTIVE.includes(String(field(still, "status"))), "V9 a refused cancel leaves the run active", still, "status queued, running or blocked", describeRun(still));

      const canceled = await cancelRun(ctx, sentBy, migrationId, runId);
      if (f.status(canceled, 200, "V10 cancel the active run")) {
        f.that(field(canceled, "status") === "canceled" && field(canceled, "run_id") === runId, "V10 answers the run, canceled", canceled, `run_id ${runId}, status "canceled"`, canceled.text.slice(0, 200));
      }
      const polled = await readRun(ctx, sentBy, migrationId, runId);
      f.that(field(polled, "status") === "canceled", "V9 after V10", polled, 'status "canceled"', describeRun(polled));
      f.status(await cancelRun(ctx, sentBy, migrationId, runId), 409, "V10 again on the canceled run");

      const next = await startRun(ctx, sentBy, migrationId, { kind: "generate" });
      if (f.status(next, 201, "V8 generate once the active run is canceled")) {
        const nextId = String(field(next, "run_id"));
        f.that(nextId !== runId, "V8 after a cancel starts a new run", next, `a run_id other than ${runId}`, nextId);
        await cancelRun(ctx, sentBy, migrationId, nextId);
      }
      return f.findings;
    },
  },
  {
    name: "vern_no_preview_conflicts",
    description: "update, clarify and execute need a current preview (409 without one); a generate needs a data source (400)",
    source: `${CONTRACT} V8 (docs.vern.so "Start a run")`,
    phase: "flow",
    skipReason: readOnlySkip,
    async run(ctx) {
      const f = new FlowFindings(ctx, this.name, this.source);
      const migrationId = await createMigration(ctx, this.name, "no-preview");
      const resuming = [
        { kind: "update", message: "cc-conformance: keep every row" },
        { kind: "clarify", message: "cc-conformance: which column is the email?" },
        { kind: "execute" },
      ];
      for (const body of resuming) f.status(await startRun(ctx, this.name, migrationId, body), 409, `V8 ${body.kind} with no current preview`);
      f.status(await startRun(ctx, this.name, migrationId, { kind: "generate" }), 400, "V8 generate with no data source");
      return f.findings;
    },
  },
];
