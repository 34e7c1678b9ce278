import { randomUUID } from "node:crypto";
import type { Check } from "../check.js";
import type { Answer, CheckContext } from "../context.js";
import { field, FlowFindings, sideBySide } from "./flowAssertions.js";
import {
  answerRun, canaryCredentials, cancelRun, connectionQuery, CONTRACT, createMigration, describeRun, isBlockedFor, pollRun, readOnlySkip, readRun, startRun, stateOf,
  submitCredentials, upsertConnection,
} from "./vernSupport.js";

/** How many rounds of questions the flow answers before it calls the run stuck. */
const QUESTION_ROUNDS = 5;
/** The answer to a question that offers no option. */
const FREE_TEXT = "cc-conformance: handle them as you see fit";

const NAME = "vern_run_lifecycle_credentials";

type Question = { id?: unknown; options?: Array<{ label?: unknown }> };
type Step = { ctx: CheckContext; f: FlowFindings; sentBy: string; migrationId: string; runId: string };

/**
 * V6, V8–V12 end to end: a generate from a connection without credentials blocks for them; they are
 * taken only at V11 (never as a message, never echoed), the run goes on to a preview (answering
 * any question with its first option), and an execute resumes the same run to a report; a
 * run at its preview or finished cannot be cancelled. Beside it, a second run blocked the same way
 * is sent credentials missing a field, which leave it blocked.
 */
export const vernRunLifecycle: Check = {
  name: NAME,
  description: "A generate blocks for credentials, takes them only at V11 (never as a message), stops at a preview; execute resumes the same run to a report",
  source: `${CONTRACT} V8–V12 (docs.vern.so "Start a run", "Poll a run", "Submit source credentials", "Answer a blocked run")`,
  phase: "flow",
  skipReason: readOnlySkip,
  async run(ctx) {
    // One after the other, so that the report lists what the run leaves behind in the same order every time.
    const lifecycle = await generateWithoutCredentials(ctx, this.name, "lifecycle");
    const refused = await generateWithoutCredentials(ctx, this.name, "refused-credentials");
    const { findings } = await sideBySide(ctx, this, [(f) => toReport(ctx, f, lifecycle), (f) => refusedCredentials(ctx, f, refused)]);
    return findings;
  },
};

type Generated = { migrationId: string; connected: Answer; started?: Answer };

/** V1, V6 without credentials, V8 generate: a run on its way to blocking for credentials. */
async function generateWithoutCredentials(ctx: CheckContext, sentBy: string, label: string): Promise<Generated> {
  const migrationId = await createMigration(ctx, sentBy, label);
  const connected = await upsertConnection(ctx, sentBy, migrationId, {});
  if (connected.status !== 201) return { migrationId, connected };
  return { migrationId, connected, started: await startRun(ctx, sentBy, migrationId, { kind: "generate", extract_via_api: true }) };
}

async function toReport(ctx: CheckContext, f: FlowFindings, { migrationId, connected, started }: Generated): Promise<void> {
  if (!f.status(connected, 201, "V6 a connection without credentials") || !started) return;
  const connectionId = String(field(connected, "source_connection", "id"));
  if (!f.status(started, 201, "V8 generate from the connection")) return;
  const step: Step = { ctx, f, sentBy: NAME, migrationId, runId: String(field(started, "run_id")) };
  f.that(field(started, "status") === "queued", "V8 a new run is queued", started, 'status "queued"', String(field(started, "status")));
  expectPollUrl(step, started);

  const fields = await blockedForCredentials(step, connectionId);
  if (!fields) return;
  if (!(await unblock(step, connectionId, fields))) return;
  if (!(await untilPreview(step))) return;
  // A run at its preview is terminal for V10 (a 409): a server that cancels it throws the preview away.
  f.status(await cancelRun(ctx, NAME, migrationId, step.runId), 409, "V10 on a run awaiting approval");
  await execute(step);
  const { sentBy, runId } = step;
  const keys = fields.length > 0 ? fields : undefined;
  f.status(await submitCredentials(ctx, sentBy, migrationId, runId, { credentials: canaryCredentials(ctx, "V11 credentials (finished run)", keys) }), 409, "V11 on a finished run");
  f.status(await answerRun(ctx, sentBy, migrationId, runId, "cc-conformance: too late"), 409, "V12 on a finished run");
  f.status(await cancelRun(ctx, sentBy, migrationId, runId), 409, "V10 on a finished run");
  ctx.owned.push({ label: "a finished Vern run", read: { operationId: "getRun", pathParams: { migration_id: migrationId, run_id: runId } } });
}

/**
 * Polls to the credential block, then tries what must not unblock it: a message (secrets never
 * enter the agent thread) and a V11 for another connection. Returns the request's field names, or undefined.
 */
async function blockedForCredentials(step: Step, connectionId: string): Promise<string[] | undefined> {
  const { ctx, f, sentBy, migrationId, runId } = step;
  const blocked = await pollRun(ctx, sentBy, migrationId, runId);
  if (!expectCredentialBlock(step, blocked, connectionId, "V9 a generate from a connection without credentials blocks for them")) return undefined;
  const fields = Object.keys(field<Record<string, unknown>>(blocked, "credential_request", "schema") ?? {});

  const viaMessage = await answerRun(ctx, sentBy, migrationId, runId, ctx.plantSecret("V12 answers (a secret sent as a message to a run blocked for credentials)"));
  f.status(viaMessage, 409, "V12 on a run blocked for credentials");
  const mismatch = await submitCredentials(ctx, sentBy, migrationId, runId, { credentials: canaryCredentials(ctx, "V11 credentials (wrong connection_id)"), connection_id: randomUUID() });
  f.status(mismatch, 409, "V11 with a connection_id other than the request's");
  const still = await readRun(ctx, sentBy, migrationId, runId);
  expectCredentialBlock(step, still, connectionId, "V9 the run still waits for credentials after a refused message and a refused V11");
  return fields;
}

/**
 * Credentials missing a field (a connector refuses them: the run blocks again), on a run of its
 * own, so that the lifecycle's run need not wait for that block. A vendor may refuse them at once
 * (400) or let the connector do it (200, then blocked again): both leave the run waiting. The way
 * to the first block is the lifecycle run's to judge (the same requests): here one that goes
 * wrong only ends the part.
 */
async function refusedCredentials(ctx: CheckContext, f: FlowFindings, { migrationId, connected, started }: Generated): Promise<void> {
  if (connected.status !== 201 || started?.status !== 201) return;
  const connectionId = String(field(connected, "source_connection", "id"));
  const step: Step = { ctx, f, sentBy: NAME, migrationId, runId: String(field(started, "run_id")) };
  const blocked = await pollRun(ctx, NAME, migrationId, step.runId);
  if (!isBlockedFor(blocked, "credentials")) return;
  const fields = Object.keys(field<Record<string, unknown>>(blocked, "credential_request", "schema") ?? {});
  if (fields.length < 2) return;
  const partial = await submitCredentials(ctx, NAME, migrationId, step.runId, { credentials: canaryCredentials(ctx, "V11 credentials (a field missing)", fields.slice(0, 1)), connection_id: connectionId });
  if (f.status(partial, [200, 400], "V11 credentials missing a field of the request's schema")) {
    const again = await pollRun(ctx, NAME, migrationId, step.runId);
    expectCredentialBlock(step, again, connectionId, "V9 credentials the connector refuses block the run for them again");
  }
}

/** V11 with a canary for every field the request names, guarded by its connection_id: the run resumes and the connection has them. */
async function unblock(step: Step, connectionId: string, fields: string[]): Promise<boolean> {
  const { ctx, f, sentBy, migrationId, runId } = step;
  const credentials = canaryCredentials(ctx, "V11 credentials", fields.length > 0 ? fields : undefined);
  const submitted = await submitCredentials(ctx, sentBy, migrationId, runId, { credentials, connection_id: connectionId });
  if (!f.status(submitted, 200, "V11 submit the credentials the request asks for")) return false;
  expectResumed(step, submitted, "V11");
  const connection = await ctx.send({ sentBy, operationId: "getSourceConnection", pathParams: { migration_id: migrationId }, query: connectionQuery(stateOf(ctx).sourceKey!, undefined) });
  if (f.status(connection, 200, "V5 the connection after V11")) {
    const configured = field(connection, "source_connection", "creds_configured");
    f.that(configured === true, "V5 the credentials submitted to the run are on its connection", connection, "creds_configured true", String(configured));
  }
  return true;
}

/**
 * Polls until the run stops at its preview, answering each question with its first option.
 * A run blocked for credentials again means the connector refused the suite's canaries (as a
 * real one does): documented behaviour, noted rather than reported, and the flow ends there.
 */
async function untilPreview(step: Step): Promise<boolean> {
  const { ctx, f, sentBy, migrationId, runId } = step;
  let sent: Array<{ id: string; value: string }> | undefined;
  for (let round = 0; ; round++) {
    const run = await pollRun(ctx, sentBy, migrationId, runId);
    if (isBlockedFor(run, "question") && round < QUESTION_ROUNDS) {
      const questions = field<Question[]>(run, "questions") ?? [];
      sent = questions.map((q) => ({ id: String(q.id), value: typeof q.options?.[0]?.label === "string" ? q.options[0].label : FREE_TEXT }));
      const answered = await answerRun(ctx, sentBy, migrationId, runId, sent);
      if (!f.status(answered, 200, "V12 answer the agent's questions with their first option")) return false;
      expectResumed(step, answered, "V12");
      continue;
    }
    if (isBlockedFor(run, "credentials")) {
      ctx.notes.push(`${NAME}: the connector refused the suite's canary credentials and the run blocked for them again (documented), so the preview, the execute and its report went unchecked.`);
      return false;
    }
    if (!f.that(field(run, "status") === "awaiting_approval", "V9 the generate stops at a preview", run, 'status "awaiting_approval" (after answering any question)', describeRun(run))) return false;
    if (sent) {
      const carried = field<unknown>(run, "answers");
      const ids = Array.isArray(carried) ? carried.map((a) => (a as { id?: unknown } | null)?.id) : [];
      f.that(sent.every((a) => ids.includes(a.id)), "V9 after an answer the run carries the answers", run, `answers with the ids ${sent.map((a) => a.id).join(", ")}`, JSON.stringify(carried));
    }
    return true;
  }
}

/** V8 execute resumes the preview's run, which completes with a report. */
async function execute(step: Step): Promise<void> {
  const { ctx, f, sentBy, migrationId, runId } = step;
  const executed = await startRun(ctx, sentBy, migrationId, { kind: "execute" });
  if (!f.status(executed, 201, "V8 execute the preview")) return;
  f.that(field(executed, "run_id") === runId && field(executed, "status") === "running", "V8 execute resumes the preview's run", executed, `run_id ${runId}, status "running"`, executed.text.slice(0, 200));
  const done = await pollRun(ctx, sentBy, migrationId, runId);
  if (!f.that(field(done, "status") === "completed", "V9 the execute completes", done, 'status "completed"', describeRun(done))) return;
  const report = field(done, "report");
  f.that(Boolean(report) && typeof report === "object", "V9 a completed execute carries its report", done, "a report object", JSON.stringify(report));
}

/** Blocked for credentials, for this connection, and without any credential value the suite has sent (the request "carries no secret values"). */
function expectCredentialBlock(step: Step, run: Answer, connectionId: string, what: string): boolean {
  const { ctx, f } = step;
  if (!f.that(isBlockedFor(run, "credentials"), what, run, 'status "blocked", blocked_reason "credentials"', describeRun(run))) return false;
  const request = field<Record<string, unknown>>(run, "credential_request") ?? {};
  f.that(request.connection_id === connectionId, `${what}: the request names the connection`, run, `credential_request.connection_id ${connectionId}`, String(request.connection_id));
  const text = JSON.stringify(request);
  const echoed = ctx.canaries.planted.filter((c) => text.includes(c.value)).map((c) => c.plantedIn);
  f.that(echoed.length === 0, `${what}: the request carries no secret value`, run, "no credential value in credential_request", `the values planted in ${echoed.join(", ")}`);
  return true;
}

function expectResumed(step: Step, answer: Answer, operation: string): void {
  const expected = { run_id: step.runId, status: "running" };
  step.f.that(field(answer, "run_id") === step.runId && field(answer, "status") === "running", `${operation} resumes the run`, answer, JSON.stringify(expected), answer.text.slice(0, 200));
}

/** poll_url is the run's URL: absolute as the vendor sends it, or relative (tolerated); only its path is compared. */
function expectPollUrl(step: Step, started: Answer): void {
  const pollUrl = field(started, "poll_url");
  const suffix = `/migrations/${step.migrationId}/runs/${step.runId}`;
  let path: string | undefined;
  try {
    path = typeof pollUrl === "string" ? new URL(pollUrl, step.ctx.options.baseUrl).pathname : undefined;
  } catch {
    path = undefined;
  }
  step.f.that(path?.endsWith(suffix) === true, "V8 poll_url points at the run", started, `a URL whose path ends in ${suffix}`, String(pollUrl));
}
