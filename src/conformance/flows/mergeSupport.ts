import type { components } from "../../generated/merge.js";
import type { Answer, CheckContext } from "../context.js";
import { asInferred, field, type FlowFindings } from "./flowAssertions.js";

export type AuthScope = components["schemas"]["AuthScope"];
export type ConnectorInput = components["schemas"]["ToolPackConnectorInput"];

/** A catalogue connector as the flows use it: its slug, its id and its tool names, in catalogue order. */
export type CatalogueEntry = { slug: string; id: string; tools: string[] };

/** Enough pages for any real account (100 a page), few enough to bound a run against a faulty `next`. */
const MAX_PAGES = 20;

/**
 * The pages of a paginated list (M1, M10), following each `next` link until it is null, a page is
 * not a 200, or MAX_PAGES is reached. Only the link's query is taken: the host in a link may be the
 * deployment's public one, not the address the suite reaches it on.
 */
export async function* pagesOf(ctx: CheckContext, sentBy: string, operationId: "listToolPacks" | "listConnectors", query: Record<string, string> = { page_size: "100" }): AsyncGenerator<Answer> {
  let next: Record<string, string> | undefined = query;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const answer = await ctx.send({ sentBy, operationId, query: next });
    yield answer;
    next = answer.status === 200 ? queryOfLink(field(answer, "next")) : undefined;
  }
}

/** The query of a `next`/`previous` link, or undefined for null or a link that is no URL. */
export function queryOfLink(link: unknown): Record<string, string> | undefined {
  if (typeof link !== "string") return undefined;
  try {
    return Object.fromEntries(new URL(link).searchParams);
  } catch {
    return undefined;
  }
}

export function resultsOf(answer: Answer): Array<Record<string, unknown>> {
  const results = field<unknown[]>(answer, "results");
  return Array.isArray(results) ? results.filter((r): r is Record<string, unknown> => Boolean(r) && typeof r === "object") : [];
}

const catalogues = new WeakMap<CheckContext, Promise<CatalogueEntry[]>>();

/**
 * The connector catalogue (M10), read once per run. The flows take their connectors and tool names
 * from it rather than from the reference fixtures, so they work against a real deployment too.
 */
export function catalogueOf(ctx: CheckContext): Promise<CatalogueEntry[]> {
  let catalogue = catalogues.get(ctx);
  if (!catalogue) {
    catalogue = readCatalogue(ctx);
    catalogues.set(ctx, catalogue);
  }
  return catalogue;
}

async function readCatalogue(ctx: CheckContext): Promise<CatalogueEntry[]> {
  const entries: CatalogueEntry[] = [];
  for await (const page of pagesOf(ctx, "prepare", "listConnectors")) {
    if (page.status !== 200) throw new Error(`could not read the connector catalogue (M10 answered ${page.status}: ${page.text.slice(0, 200)})`);
    for (const c of resultsOf(page)) {
      const tools = Array.isArray(c.tools) ? c.tools.map((t) => (t as { name?: unknown })?.name).filter((n): n is string => typeof n === "string") : [];
      if (typeof c.slug === "string" && typeof c.id === "string") entries.push({ slug: c.slug, id: c.id, tools });
    }
  }
  return entries;
}

/** A catalogue connector with two tools or more. */
export type WorkingConnector = CatalogueEntry & { tools: [string, string, ...string[]] };

type Several<N extends number, T, Acc extends T[] = []> = Acc["length"] extends N ? Acc : Several<N, T, [...Acc, T]>;

/**
 * The first `count` catalogue connectors with two tools or more: a flow needs a strict subset of
 * a connector's tools to tell "exactly these", "all" and "unchanged" apart.
 */
export async function workingConnectors<N extends 1 | 2 | 3>(ctx: CheckContext, count: N): Promise<Several<N, WorkingConnector>> {
  const usable = (await catalogueOf(ctx)).filter((c): c is WorkingConnector => c.tools.length >= 2);
  if (usable.length < count) throw new Error(`this flow needs ${count} catalogue connectors with two tools or more; M10 lists ${usable.length}`);
  return usable.slice(0, count) as Several<N, WorkingConnector>;
}

/** A catalogue connector other than these, if the catalogue has one. */
export async function otherConnector(ctx: CheckContext, taken: readonly CatalogueEntry[]): Promise<CatalogueEntry | undefined> {
  return (await catalogueOf(ctx)).find((c) => !taken.some((t) => t.slug === c.slug));
}

export type CreatedPack = { answer: Answer; id?: string; name: string; description: string };

/** Creates a tool pack named for this run (M2); whatever comes back, a pack that got an id is removed at the end. */
export async function createPack(ctx: CheckContext, sentBy: string, label: string, connectors: ConnectorInput[]): Promise<CreatedPack> {
  const sent = { name: ctx.name(label), description: `connector-contracts conformance run (${label})` };
  const answer = await ctx.send({ sentBy, operationId: "createToolPack", body: { ...sent, connectors } });
  const id = field<string>(answer, "id");
  if (answer.status !== 201 || typeof id !== "string") return { answer, ...sent };
  ctx.cleanup.push(`tool pack ${id}`, () => deletePack(ctx, id));
  return { answer, id, ...sent };
}

/** As createPack, for the setup steps that cannot go on without the pack. */
export async function requirePack(ctx: CheckContext, label: string, connectors: ConnectorInput[]): Promise<string> {
  const { answer, id } = await createPack(ctx, "prepare", label, connectors);
  if (!id) throw new Error(`could not create a tool pack to work with (${answer.status}: ${answer.text.slice(0, 200)})`);
  return id;
}

async function deletePack(ctx: CheckContext, id: string): Promise<void> {
  await ctx.send({ sentBy: "cleanup", operationId: "deleteToolPack", pathParams: { id } });
}

/**
 * Last step of the cleanup: removes any tool pack still named for this run, e.g. one a faulty
 * server created from a request it should have refused (negative_data_rejection's create probes).
 */
export async function sweepRunPacks(ctx: CheckContext): Promise<void> {
  const prefix = ctx.namePrefix;
  const leftovers: string[] = [];
  for await (const page of pagesOf(ctx, "cleanup", "listToolPacks")) {
    for (const pack of resultsOf(page)) if (typeof pack.name === "string" && pack.name.startsWith(prefix) && typeof pack.id === "string") leftovers.push(pack.id);
  }
  for (const id of leftovers) await deletePack(ctx, id);
}

export function readConnectors(ctx: CheckContext, sentBy: string, toolPackId: string): Promise<Answer> {
  return ctx.send({ sentBy, operationId: "listToolPackConnectors", pathParams: { tool_pack_id: toolPackId } });
}

/** What a flow expects of one connector of a pack; `scopeInferred` marks an expected scope that is [ours]. */
export type Want = { slug: string; tools: readonly string[]; scope?: AuthScope; scopeInferred?: boolean };

type Seen = { slug: unknown; scope: unknown; tools: unknown[] };

/**
 * `list` (a ConnectorList, or a ToolPack's `connectors`) holds exactly the wanted connectors, each
 * with exactly the wanted tools (as sets: order is [ours]) and scope. A wrong scope the contract
 * only infers is reported apart, with basis "inferred".
 */
export function expectConnectors(f: FlowFindings, step: string, answer: Answer, list: unknown, want: readonly Want[]): boolean {
  const seen = Array.isArray(list) ? list.map(seenOf) : undefined;
  const documented = want.map((w) => (w.scopeInferred ? { ...w, scope: undefined } : w));
  if (!f.that(matches(seen, documented), step, answer, describeWant(documented), describeSeen(seen))) return false;
  if (!want.some((w) => w.scopeInferred)) return true;
  return asInferred(f, () => f.that(matches(seen, want), `${step} (auth_scope omitted keeps the scope)`, answer, describeWant(want), describeSeen(seen)));
}

function seenOf(item: unknown): Seen {
  const c = (item && typeof item === "object" ? item : {}) as Record<string, unknown>;
  return { slug: c.slug, scope: c.auth_scope, tools: Array.isArray(c.tools) ? c.tools.map((t) => (t as { name?: unknown })?.name) : [] };
}

function matches(seen: Seen[] | undefined, want: readonly Want[]): boolean {
  if (!seen || seen.length !== want.length) return false;
  return want.every((w) => {
    const found = seen.filter((s) => s.slug === w.slug);
    return found.length === 1 && sameSet(found[0]!.tools, w.tools) && (w.scope === undefined || found[0]!.scope === w.scope);
  });
}

function sameSet(a: readonly unknown[], b: readonly string[]): boolean {
  const sorted = (xs: readonly unknown[]) => xs.map(String).sort().join("\n");
  return a.length === b.length && sorted(a) === sorted(b);
}

function describeWant(want: readonly Want[]): string {
  if (want.length === 0) return "no connectors";
  return `exactly ${want.map((w) => `${w.slug} ${w.scope ?? "(any scope)"} {${[...w.tools].sort().join(", ")}}`).join("; ")}`;
}

function describeSeen(seen: Seen[] | undefined): string {
  if (!seen) return "not a list of connectors";
  if (seen.length === 0) return "no connectors";
  return seen.map((s) => `${String(s.slug)} ${String(s.scope)} {${s.tools.map(String).sort().join(", ")}}`).join("; ");
}

/** The answer's top-level fields have exactly these values (the others are not looked at). */
export function expectFields(f: FlowFindings, step: string, answer: Answer, want: Record<string, unknown>): boolean {
  const seen = Object.fromEntries(Object.keys(want).map((key) => [key, field(answer, key)]));
  return f.that(Object.keys(want).every((key) => seen[key] === want[key]), step, answer, JSON.stringify(want), JSON.stringify(seen));
}

/** Runs assertions whose rule the contract marks [ours]: their findings get basis "inferred". */

/** A 400 with the contract's error body (`code: bad_request` and the offending fields): all [ours]. */
export function expectRejected(f: FlowFindings, step: string, answer: Answer): boolean {
  if (!f.status(answer, 400, step)) return false;
  const errors = field<unknown[]>(answer, "errors");
  return asInferred(f, () =>
    f.that(
      field(answer, "code") === "bad_request" && typeof field(answer, "detail") === "string" && Array.isArray(errors) && errors.length > 0,
      `${step}: error body`, answer, '{"code": "bad_request", "detail": "…", "errors": [the offending fields]}', answer.text.slice(0, 300),
    ),
  );
}
