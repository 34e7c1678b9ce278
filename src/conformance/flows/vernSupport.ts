import { resolveRef } from "../../contracts/examples.js";
import type { Answer, CheckContext, KeyChoice } from "../context.js";
import { field, pollUntil } from "./flowAssertions.js";

export const CONTRACT = "openapi/vern.yaml; apis.md §3";
export const SEED_003 = "seed 003 (Vern source connection); apis.md §3 V5–V7";

/**
 * The deployment's own ids a run may be given (RunOptions.fixtures). None is needed: the suite
 * creates what it works on. `sourceKey` names the connector V6 accepts when none of the contract's
 * examples is enabled for the account; `migrationId` and `runId` give a read-only run something to read.
 */
export const FIXTURE = { sourceKey: "vern.sourceKey", migrationId: "vern.migrationId", runId: "vern.runId" } as const;

/** While a run is in one of these, the agent is working and a poll will see it move on its own. */
const MOVING = ["queued", "running"];

/** What one run of the suite learned about the deployment, and what it must not clean up twice. */
type VernState = {
  catalog?: Promise<VernCatalogView>;
  /** The connector key V6 accepted (discovered once, then used by every flow). */
  sourceKey?: string;
  /** The migration the probes aim at (prepare), where the disposable connection lives too. */
  probeMigrationId?: string;
  cleanups: Set<string>;
};

/** The account's catalogue as the flows use it: a source to name (V2) and the active template slugs (V3). */
export type VernCatalogView = { sourceName: string | null; templateSlugs: string[] };

const states = new WeakMap<CheckContext, VernState>();

export function stateOf(ctx: CheckContext): VernState {
  let state = states.get(ctx);
  if (!state) states.set(ctx, (state = { cleanups: new Set() }));
  return state;
}

export const readOnlySkip = (ctx: CheckContext) => (ctx.options.readOnly ? "read-only run" : undefined);

/** V2 and V3, read once a run: flows name a real source and real templates, never fixtures of the reference server. */
export function catalogOf(ctx: CheckContext): Promise<VernCatalogView> {
  const state = stateOf(ctx);
  state.catalog ??= readCatalog(ctx);
  return state.catalog;
}

async function readCatalog(ctx: CheckContext): Promise<VernCatalogView> {
  const sources = await ctx.send({ sentBy: "prepare", operationId: "listSources" });
  const templates = await ctx.send({ sentBy: "prepare", operationId: "listTemplates" });
  if (sources.status !== 200 || templates.status !== 200) {
    throw new Error(`could not read the catalogue (V2 ${sources.status}, V3 ${templates.status})`);
  }
  const sourceName = field<string>(sources, "sources", 0, "name");
  const slugs = (field<Array<{ slug?: unknown }>>(templates, "templates") ?? []).map((t) => t.slug).filter((s): s is string => typeof s === "string");
  return { sourceName: typeof sourceName === "string" ? sourceName : null, templateSlugs: slugs };
}

/** V1 with a recognisable name; the migration stays (Vern has no delete) and is listed in the report. */
export async function createMigration(ctx: CheckContext, sentBy: string, label: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { sourceName } = await catalogOf(ctx);
  const answer = await ctx.send({ sentBy, operationId: "createMigration", body: { name: ctx.name(label), source: sourceName, ...extra } });
  leaveIfCreated(ctx, answer);
  const id = field<string>(answer, "migration", "id");
  if (answer.status !== 201 || typeof id !== "string") throw new Error(`could not create a migration to work in (${answer.status}: ${answer.text.slice(0, 200)})`);
  return id;
}

/** A migration the server created (201), named in the report's left-behind list: the API cannot delete it. */
export function leaveIfCreated(ctx: CheckContext, answer: Answer, key: KeyChoice = "primary"): void {
  const id = field<string>(answer, "migration", "id");
  if (answer.status !== 201 || typeof id !== "string") return;
  const owner = key === "secondary" ? " (in the secondary key's account)" : "";
  ctx.cleanup.leave(`Vern migration ${id} "${String(field(answer, "migration", "name"))}"${owner}`, id);
}

type ConnectionBody = { profile_id?: string | null; config?: Record<string, unknown>; selected_streams?: string[] | null; credentials?: Record<string, string> };

/**
 * V6 on a migration. Until one connector key has been accepted, it tries the candidates (the
 * `vern.sourceKey` fixture, the contract's examples, the V2 source names lower-cased): V6 answers
 * 400 to a key that is unknown or not enabled for the account. Every connection made is deleted (V7) at cleanup.
 */
export async function upsertConnection(ctx: CheckContext, sentBy: string, migrationId: string, body: ConnectionBody): Promise<Answer> {
  const state = stateOf(ctx);
  const candidates = state.sourceKey ? [state.sourceKey] : await sourceKeyCandidates(ctx);
  let last: Answer | undefined;
  for (const sourceKey of candidates) {
    last = await ctx.send({ sentBy, operationId: "upsertSourceConnection", pathParams: { migration_id: migrationId }, body: { source_key: sourceKey, ...body } });
    if (last.status === 400 && !state.sourceKey) continue;
    if (last.status === 201) {
      state.sourceKey = sourceKey;
      removeConnectionOnCleanup(ctx, migrationId, connectionQuery(sourceKey, body.profile_id));
    }
    return last;
  }
  throw new Error(
    `V6 accepted none of the connector keys tried (${candidates.join(", ")}); last answer ${last?.status}: ${last?.text.slice(0, 200)}. ` +
      `Name one the account has enabled with the fixture ${FIXTURE.sourceKey}.`,
  );
}

/** The query of V5 and V7 that addresses a connection made with this profile_id (null: the workbook binding). */
export function connectionQuery(sourceKey: string, profileId: string | null | undefined): Record<string, string> {
  if (profileId === undefined) return { source_key: sourceKey };
  return { source_key: sourceKey, profile_id: profileId ?? "workbook" };
}

function removeConnectionOnCleanup(ctx: CheckContext, migrationId: string, query: Record<string, string>): void {
  const label = `Vern source connection ${new URLSearchParams(query)} of migration ${migrationId}`;
  if (stateOf(ctx).cleanups.has(label)) return;
  stateOf(ctx).cleanups.add(label);
  ctx.cleanup.push(label, async () => void (await ctx.send({ sentBy: "cleanup", operationId: "deleteSourceConnection", pathParams: { migration_id: migrationId }, query })));
}

/** The contract's pattern for a connector key ([ours]): lower-case letters, digits, `-` and `_`. */
const SOURCE_KEY = /^[a-z0-9][a-z0-9_-]*$/;

async function sourceKeyCandidates(ctx: CheckContext): Promise<string[]> {
  const given = ctx.options.fixtures?.[FIXTURE.sourceKey];
  const { sourceName } = await catalogOf(ctx);
  const fromSources = sourceName ? [sourceName.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, ""), sourceName.toLowerCase().split(/[^a-z0-9]+/)[0] ?? ""] : [];
  return [...new Set([...(given ? [given] : []), ...contractSourceKeys(ctx), ...fromSources])].filter((k) => SOURCE_KEY.test(k));
}

/** Every `source_key` the contract's examples use (V5/V6 connections, credential requests), in order. */
function contractSourceKeys(ctx: CheckContext): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "source_key" && typeof value === "string") found.push(value);
        else walk(value);
      }
    }
  };
  walk(ctx.spec.paths);
  walk(ctx.spec.components?.examples);
  return found;
}

/**
 * One canary per credential value (x-secret `credentials` of V6 and V11), keyed as the caller
 * says or, before a run has said (its `credential_request.schema`), as the contract's examples do.
 */
export function canaryCredentials(ctx: CheckContext, plantedIn: string, keys: readonly string[] = exampleCredentialKeys(ctx)): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, ctx.plantSecret(`${plantedIn}.${key}`)]));
}

function exampleCredentialKeys(ctx: CheckContext): string[] {
  const keys = new Set<string>();
  for (const operationId of ["upsertSourceConnection", "submitRunCredentials"]) {
    const media = ctx.operation(operationId).operation.requestBody?.content?.["application/json"] as { examples?: Record<string, unknown> } | undefined;
    for (const example of Object.values(media?.examples ?? {})) {
      const credentials = (resolveRef(ctx.spec, example) as { value?: { credentials?: unknown } } | undefined)?.value?.credentials;
      if (credentials && typeof credentials === "object") for (const key of Object.keys(credentials)) keys.add(key);
    }
  }
  return keys.size > 0 ? [...keys] : ["client_id", "client_secret"];
}

/** V8; a run it starts is cancelled at cleanup (a 409 there means it had already ended). */
export async function startRun(ctx: CheckContext, sentBy: string, migrationId: string, body: Record<string, unknown>): Promise<Answer> {
  const answer = await ctx.send({ sentBy, operationId: "createRun", pathParams: { migration_id: migrationId }, body });
  const runId = field<string>(answer, "run_id");
  const label = `Vern run ${runId} of migration ${migrationId}`;
  if (answer.status === 201 && typeof runId === "string" && !stateOf(ctx).cleanups.has(label)) {
    stateOf(ctx).cleanups.add(label);
    ctx.cleanup.push(label, async () => void (await cancelRun(ctx, "cleanup", migrationId, runId)));
  }
  return answer;
}

export function cancelRun(ctx: CheckContext, sentBy: string, migrationId: string, runId: string, body: unknown = { status: "cancel_requested" }): Promise<Answer> {
  return ctx.send({ sentBy, operationId: "cancelRun", pathParams: { migration_id: migrationId, run_id: runId }, body });
}

export function readRun(ctx: CheckContext, sentBy: string, migrationId: string, runId: string): Promise<Answer> {
  return ctx.send({ sentBy, operationId: "getRun", pathParams: { migration_id: migrationId, run_id: runId } });
}

export function answerRun(ctx: CheckContext, sentBy: string, migrationId: string, runId: string, answers: string | Array<{ id: string; value: string }>): Promise<Answer> {
  return ctx.send({ sentBy, operationId: "answerRun", pathParams: { migration_id: migrationId, run_id: runId }, body: { answers } });
}

export function submitCredentials(ctx: CheckContext, sentBy: string, migrationId: string, runId: string, body: { credentials: Record<string, string>; connection_id?: string }): Promise<Answer> {
  return ctx.send({ sentBy, operationId: "submitRunCredentials", pathParams: { migration_id: migrationId, run_id: runId }, body });
}

/** V9 until the run stops moving (anything but queued or running), within the flow timeout. */
export function pollRun(ctx: CheckContext, sentBy: string, migrationId: string, runId: string): Promise<Answer> {
  return pollUntil(ctx, () => readRun(ctx, sentBy, migrationId, runId), (a) => a.status !== 200 || !MOVING.includes(String(field(a, "status"))));
}

export function isBlockedFor(run: Answer, reason: "credentials" | "question"): boolean {
  return run.status === 200 && field(run, "status") === "blocked" && field(run, "blocked_reason") === reason;
}

/** "blocked (credentials)", "awaiting_approval", ...: a run's state in a few words, for findings. */
export function describeRun(answer: Answer): string {
  const status = String(field(answer, "status"));
  const reason = field(answer, "blocked_reason");
  return answer.status !== 200 ? `${answer.status}: ${answer.text.slice(0, 200)}` : reason ? `${status} (${String(reason)})` : status;
}
