import { randomUUID } from "node:crypto";
import type { Check } from "../check.js";
import type { Answer, CheckContext } from "../context.js";
import { asInferred, field, FlowFindings } from "./flowAssertions.js";
import {
  createPack, expectConnectors, expectFields, expectRejected, otherConnector, pagesOf, queryOfLink, readConnectors, resultsOf,
  workingConnectors, type ConnectorInput, type Want,
} from "./mergeSupport.js";

const CONTRACT = "openapi/merge.yaml; apis.md §2";
const readOnlySkip = (ctx: CheckContext) => (ctx.options.readOnly ? "read-only run" : undefined);

/**
 * M2 → M1 → M3 → M4 → M5 → M3. Catches: a create that drops fields or connectors, a list that does
 * not show a new pack or pages wrongly, a PATCH that is not partial (or whose `connectors` merges
 * instead of replacing), and a delete that leaves the pack readable.
 */
const toolPackCrud: Check = {
  name: "merge_tool_pack_crud",
  description: "Create, list (with paging), read, partially update and delete a tool pack; the catalogue (M10) pages alike",
  source: `${CONTRACT} (M1–M5: createToolPack, listToolPacks, getToolPack, updateToolPack, deleteToolPack)`,
  phase: "flow",
  skipReason: readOnlySkip,
  async run(ctx) {
    const f = new FlowFindings(ctx, this.name, this.source);
    const [a, b] = await workingConnectors(ctx, 2);
    const { answer: created, id, name, description } = await createPack(ctx, this.name, "crud", [{ slug: a.slug, tool_names: [a.tools[0]] }, { slug: b.slug, tool_names: [b.tools[0]] }]);
    if (!f.status(created, 201, "M2 create a tool pack") || !id) return f.findings;
    const attached: Want[] = [{ slug: a.slug, tools: [a.tools[0]], scope: "INDIVIDUAL" }, { slug: b.slug, tools: [b.tools[0]], scope: "INDIVIDUAL" }];
    expectFields(f, "M2 answers the name and description sent", created, { name, description });
    expectConnectors(f, "M2 attaches exactly the tools named, scope INDIVIDUAL by default", created, field(created, "connectors"), attached);

    await expectListed(ctx, f, this.name, id, name, attached);
    await expectPaging(ctx, f, this.name, "listToolPacks");
    await expectPaging(ctx, f, this.name, "listConnectors");

    const read = await ctx.send({ sentBy: this.name, operationId: "getToolPack", pathParams: { id } });
    if (f.status(read, 200, "M3 read the new tool pack")) {
      expectFields(f, "M3 answers the pack asked for", read, { id, name, description });
      expectConnectors(f, "M3 shows the connectors attached by M2", read, field(read, "connectors"), attached);
    }

    const renamed = ctx.name("crud-renamed");
    const rename = await ctx.send({ sentBy: this.name, operationId: "updateToolPack", pathParams: { id }, body: { name: renamed } });
    if (f.status(rename, 200, "M4 rename")) {
      expectFields(f, "M4 changes only the fields given", rename, { id, name: renamed, description });
      expectConnectors(f, "M4 without connectors leaves them as they were", rename, field(rename, "connectors"), attached);
    }

    // `connectors` in M4 is the whole new list: b is detached, and a (already attached, tool_names omitted) gets every tool.
    const everyToolOfA: Want[] = [{ slug: a.slug, tools: a.tools }];
    const updated = { id, name: renamed, description: "replaced by the conformance run" };
    const replace = await ctx.send({ sentBy: this.name, operationId: "updateToolPack", pathParams: { id }, body: { description: updated.description, connectors: [{ slug: a.slug }] } });
    if (f.status(replace, 200, "M4 with connectors")) {
      expectFields(f, "M4 keeps the name it was not given", replace, updated);
      expectConnectors(f, "M4 connectors replaces the whole list (tool_names omitted: every tool)", replace, field(replace, "connectors"), everyToolOfA);
    }
    const reread = await ctx.send({ sentBy: this.name, operationId: "getToolPack", pathParams: { id } });
    if (f.status(reread, 200, "M3 after M4")) {
      expectFields(f, "M3 shows both M4 updates", reread, updated);
      expectConnectors(f, "M3 shows the connectors M4 replaced", reread, field(reread, "connectors"), everyToolOfA);
    }

    const deleted = await ctx.send({ sentBy: this.name, operationId: "deleteToolPack", pathParams: { id } });
    if (f.status(deleted, 204, "M5 delete the tool pack")) {
      f.status(await ctx.send({ sentBy: this.name, operationId: "getToolPack", pathParams: { id } }), 404, "M3 after M5");
    }
    return f.findings;
  },
};

/** M1 lists the new pack, on some page reached through `next`, with what M2 answered. */
async function expectListed(ctx: CheckContext, f: FlowFindings, sentBy: string, id: string, name: string, attached: Want[]): Promise<void> {
  let last: Answer | undefined;
  for await (const page of pagesOf(ctx, sentBy, "listToolPacks")) {
    last = page;
    if (!f.status(page, 200, "M1 list the tool packs")) return;
    const results = resultsOf(page);
    f.that(typeof field(page, "count") === "number" && results.length <= 100, "M1 page holds count and at most page_size results", page, "count, and results.length ≤ page_size (100)", `count ${JSON.stringify(field(page, "count"))}, ${results.length} results`);
    const listed = results.find((p) => p.id === id);
    if (!listed) continue;
    f.that(listed.name === name, "M1 lists the pack with its name", page, JSON.stringify({ name }), JSON.stringify({ name: listed.name }));
    expectConnectors(f, "M1 lists the pack with its connectors", page, listed.connectors, attached);
    return;
  }
  f.fail("M1 lists the new tool pack", last, `tool pack ${id} on one of the pages reached through next`, "not on any page");
}

/**
 * page_size=1: page 1 has a next and no previous; next leads to another item; previous leads back;
 * after the last page, 404. The tool packs (M1) and the catalogue (M10) page alike.
 */
async function expectPaging(ctx: CheckContext, f: FlowFindings, sentBy: string, operationId: "listToolPacks" | "listConnectors"): Promise<void> {
  const ref = operationId === "listToolPacks" ? "M1" : "M10";
  const first = await ctx.send({ sentBy, operationId, query: { page_size: "1" } });
  if (!f.status(first, 200, `${ref} page_size=1`)) return;
  const count = field<number>(first, "count");
  const firstId = resultsOf(first)[0]?.id;
  // The run made at least two packs (prepare), so there is a second page; a catalogue of one connector has none.
  if (operationId === "listConnectors" && count === 1) return;
  if (typeof count !== "number" || count < 2) return f.fail(`${ref} counts every item`, first, "count ≥ 2 (the run has made two packs; the catalogue has connectors)", `count ${JSON.stringify(count)}`);
  f.that(resultsOf(first).length === 1 && field(first, "previous") === null, `${ref} page 1 of page_size=1`, first, "1 result and previous null", `${resultsOf(first).length} results, previous ${JSON.stringify(field(first, "previous"))}`);
  const nextQuery = queryOfLink(field(first, "next"));
  if (!nextQuery) return f.fail(`${ref} page 1 links the next page`, first, "next: the URL of page 2", `next ${JSON.stringify(field(first, "next"))}`);
  const second = await ctx.send({ sentBy, operationId, query: nextQuery });
  if (!f.status(second, 200, `${ref} follow next`)) return;
  const secondId = resultsOf(second)[0]?.id;
  f.that(resultsOf(second).length === 1 && secondId !== firstId && field(second, "count") === count, `${ref} page 2 is another item of the same list`, second, `1 result other than ${String(firstId)}, count ${count}`, `${resultsOf(second).length} results (first ${String(secondId)}), count ${JSON.stringify(field(second, "count"))}`);
  const previousQuery = queryOfLink(field(second, "previous"));
  if (!previousQuery) {
    f.fail(`${ref} page 2 links the previous page`, second, "previous: the URL of page 1", `previous ${JSON.stringify(field(second, "previous"))}`);
  } else {
    const back = await ctx.send({ sentBy, operationId, query: previousQuery });
    if (f.status(back, 200, `${ref} follow previous`)) f.that(resultsOf(back)[0]?.id === firstId, `${ref} previous leads back to page 1`, back, `first result ${String(firstId)}`, `first result ${String(resultsOf(back)[0]?.id)}`);
  }
  const pastLast = await ctx.send({ sentBy, operationId, query: { page_size: "100", page: String(Math.ceil(count / 100) + 1) } });
  f.status(pastLast, 404, `${ref} a page after the last`);
}

/**
 * Seed 002's table for M8, one case at a time, each checked in the answer and again with M6.
 * Catches: a PATCH that replaces the list, that re-enables every tool of an existing connector,
 * that ignores [] or connector_id, that looks up connector_id when slug is given, a wrong default scope.
 */
const partialUpdateTable: Check = {
  name: "merge_partial_update_table",
  description: "PATCH connectors: each row of seed 002's tool_names table, slug vs connector_id, default scope",
  source: `seed 002 (Update connectors in a tool pack (partial)); ${CONTRACT} (M8)`,
  phase: "flow",
  skipReason: readOnlySkip,
  async run(ctx) {
    const f = new FlowFindings(ctx, this.name, this.source);
    const [a, b, c] = await workingConnectors(ctx, 3);
    const { answer: created, id } = await createPack(ctx, this.name, "partial-update", []);
    if (!f.status(created, 201, "M2 create an empty tool pack") || !id) return f.findings;
    const patch = async (step: string, body: ConnectorInput[], want: Want[], inferred = false): Promise<boolean> => {
      const check = () => expectAfter(ctx, f, this.name, id, step, { operationId: "updateToolPackConnectors", body }, want);
      return inferred ? asInferred(f, check) : check();
    };
    const aAll: Want = { slug: a.slug, tools: a.tools, scope: "INDIVIDUAL" };
    const bOne: Want = { slug: b.slug, tools: [b.tools[0]], scope: "SHARED" };
    const bOneOrg: Want = { ...bOne, scope: "ORGANIZATION" };
    const bSecond: Want = { slug: b.slug, tools: [b.tools[1]], scope: "ORGANIZATION", scopeInferred: true };

    if (!(await patch("tool_names omitted on a new connector: every tool, scope INDIVIDUAL", [{ slug: a.slug }], [aAll]))) return f.findings;
    if (!(await patch("a list on a new connector: exactly those; others untouched", [{ slug: b.slug, tool_names: [b.tools[0]], auth_scope: "SHARED" }], [aAll, bOne]))) return f.findings;
    if (!(await patch("tool_names omitted on an existing connector: tools unchanged", [{ slug: b.slug, auth_scope: "ORGANIZATION" }], [aAll, bOneOrg]))) return f.findings;
    if (!(await patch("a list on an existing connector: exactly those", [{ slug: b.slug, tool_names: [b.tools[1]] }], [aAll, bSecond]))) return f.findings;
    if (!(await patch("tool_names [] removes the connector", [{ slug: a.slug, tool_names: [] }], [bSecond]))) return f.findings;
    const cAll: Want = { slug: c.slug, tools: c.tools, scope: "INDIVIDUAL" };
    if (!(await patch("connector_id alone names the connector", [{ connector_id: c.id }], [bSecond, cAll]))) return f.findings;
    const cFirst: Want = { slug: c.slug, tools: [c.tools[0]], scope: "INDIVIDUAL", scopeInferred: true };
    if (!(await patch("slug wins over a conflicting connector_id", [{ slug: c.slug, connector_id: a.id, tool_names: [c.tools[0]] }], [bSecond, cFirst]))) return f.findings;
    await patch("tool_names [] on a connector not in the pack changes nothing", [{ slug: a.slug, tool_names: [] }], [bSecond, cFirst], true);
    return f.findings;
  },
};

/**
 * M7 replaces the list; M9 removes one connector. Catches: a PUT that merges (keeps unlisted
 * connectors or an existing connector's old tools), [] that attaches, a removal that does not
 * remove, and a second removal that succeeds.
 */
const replaceConnectors: Check = {
  name: "merge_replace_connectors",
  description: "PUT connectors replaces the whole list; DELETE removes one connector (204, then 404)",
  source: `${CONTRACT} (M7 replaceToolPackConnectors, M9 removeToolPackConnector)`,
  phase: "flow",
  skipReason: readOnlySkip,
  async run(ctx) {
    const f = new FlowFindings(ctx, this.name, this.source);
    const [a, b, c] = await workingConnectors(ctx, 3);
    const d = await otherConnector(ctx, [a, b, c]);
    const { answer: created, id } = await createPack(ctx, this.name, "replace", [{ slug: a.slug, tool_names: [a.tools[0]] }, { slug: b.slug, auth_scope: "SHARED" }]);
    if (!f.status(created, 201, "M2 create a tool pack with two connectors") || !id) return f.findings;
    const put = (step: string, body: ConnectorInput[], want: Want[]) => expectAfter(ctx, f, this.name, id, step, { operationId: "replaceToolPackConnectors", body }, want);

    const first: ConnectorInput[] = [{ slug: b.slug, tool_names: [b.tools[0]] }, { slug: c.slug }, ...(d ? [{ slug: d.slug, tool_names: [] }] : [])];
    const bOne: Want = { slug: b.slug, tools: [b.tools[0]], scope: "SHARED", scopeInferred: true };
    if (!(await put("M7 unlisted connectors go, listed ones are exactly as given", first, [bOne, { slug: c.slug, tools: c.tools, scope: "INDIVIDUAL" }]))) return f.findings;
    const cOne: Want = { slug: c.slug, tools: [c.tools[0]] };
    if (!(await put("M7 tool_names omitted on an existing connector: every tool", [{ slug: b.slug }, { slug: c.slug, tool_names: [c.tools[0]] }], [{ slug: b.slug, tools: b.tools }, cOne]))) return f.findings;

    const path = { tool_pack_id: id, slug: c.slug };
    const removed = await ctx.send({ sentBy: this.name, operationId: "removeToolPackConnector", pathParams: path });
    if (f.status(removed, 204, "M9 remove one connector")) {
      const after = await readConnectors(ctx, this.name, id);
      if (f.status(after, 200, "M6 after M9")) expectConnectors(f, "M6 no longer lists the removed connector", after, after.json, [{ slug: b.slug, tools: b.tools }]);
      f.status(await ctx.send({ sentBy: this.name, operationId: "removeToolPackConnector", pathParams: path }), 404, "M9 the same connector again");
    }
    await put("M7 an empty list removes every connector", [], []);
    return f.findings;
  },
};

/**
 * Unknown slug, connector_id or tool name, the same connector twice, an item naming no connector:
 * a 400 with the error body, and nothing changed ([ours]). Each bad request also carries a valid
 * item first, so a server that applies items one by one and stops at the bad one is caught.
 */
const badConnectorInputs: Check = {
  name: "merge_bad_connector_inputs",
  description: "Bad connector items get 400 with the error body and change nothing (M2, M4, M7, M8)",
  source: `${CONTRACT} (BadRequest: "a connector or tool name is unknown, a connector appears twice, or an item names no connector") [ours]`,
  phase: "flow",
  skipReason: readOnlySkip,
  async run(ctx) {
    const f = new FlowFindings(ctx, this.name, this.source);
    const [a, b] = await workingConnectors(ctx, 2);
    const { answer: created, id, name } = await createPack(ctx, this.name, "bad-inputs", [{ slug: a.slug, tool_names: [a.tools[0]] }]);
    if (!f.status(created, 201, "M2 create a tool pack") || !id) return f.findings;
    const unchanged: Want[] = [{ slug: a.slug, tools: [a.tools[0]], scope: "INDIVIDUAL" }];
    const valid: ConnectorInput = { slug: b.slug };
    const unknownSlug = `cc-unknown-connector-${ctx.runId}`;
    const cases: Array<[string, "updateToolPackConnectors" | "replaceToolPackConnectors", ConnectorInput[]]> = [
      ["M8 an unknown slug", "updateToolPackConnectors", [valid, { slug: unknownSlug }]],
      ["M8 an unknown connector_id", "updateToolPackConnectors", [valid, { connector_id: randomUUID() }]],
      ["M8 an unknown tool name", "updateToolPackConnectors", [valid, { slug: a.slug, tool_names: ["cc_no_such_tool"] }]],
      ["M8 the same slug twice", "updateToolPackConnectors", [valid, { slug: b.slug, tool_names: [b.tools[0]] }]],
      ["M8 one connector by slug and by connector_id", "updateToolPackConnectors", [valid, { connector_id: b.id }]],
      ["M8 an item with neither slug nor connector_id", "updateToolPackConnectors", [valid, { tool_names: [a.tools[0]] }]],
      ["M7 an unknown slug", "replaceToolPackConnectors", [valid, { slug: unknownSlug }]],
      ["M7 the same slug twice", "replaceToolPackConnectors", [valid, { slug: b.slug, tool_names: [b.tools[0]] }]],
    ];
    // The 400s get basis "inferred" from the contract's BadRequest; "changes nothing" is [ours] as well.
    for (const [step, operationId, body] of cases) {
      const answer = await ctx.send({ sentBy: this.name, operationId, pathParams: { tool_pack_id: id }, body });
      expectRejected(f, step, answer);
      const after = await readConnectors(ctx, this.name, id);
      if (f.status(after, 200, `M6 after ${step}`)) asInferred(f, () => expectConnectors(f, `${step} changes nothing`, after, after.json, unchanged));
    }
    const renamed = await ctx.send({ sentBy: this.name, operationId: "updateToolPack", pathParams: { id }, body: { name: ctx.name("renamed-by-a-bad-request"), connectors: [{ slug: a.slug, tool_names: ["cc_no_such_tool"] }] } });
    expectRejected(f, "M4 an unknown tool name", renamed);
    const after = await ctx.send({ sentBy: this.name, operationId: "getToolPack", pathParams: { id } });
    if (f.status(after, 200, "M3 after M4 an unknown tool name")) {
      asInferred(f, () => {
        expectFields(f, "M4 rejected changes no field", after, { name });
        expectConnectors(f, "M4 rejected changes no connector", after, field(after, "connectors"), unchanged);
      });
    }
    const { answer: refused } = await createPack(ctx, this.name, "refused", [{ slug: b.slug }, { slug: unknownSlug }]);
    expectRejected(f, "M2 an unknown slug", refused);
    return f.findings;
  },
};

/** Sends one connectors write (M7 or M8) and checks its answer and then M6 against `want`; true when both hold. */
async function expectAfter(ctx: CheckContext, f: FlowFindings, sentBy: string, toolPackId: string, step: string, write: { operationId: "updateToolPackConnectors" | "replaceToolPackConnectors"; body: ConnectorInput[] }, want: Want[]): Promise<boolean> {
  const answer = await ctx.send({ sentBy, ...write, pathParams: { tool_pack_id: toolPackId } });
  if (!f.status(answer, 200, step)) return false;
  const answered = expectConnectors(f, `${step} (answer)`, answer, answer.json, want);
  const after = await readConnectors(ctx, sentBy, toolPackId);
  if (!f.status(after, 200, `M6 after: ${step}`)) return false;
  return expectConnectors(f, `${step} (M6 afterwards)`, after, after.json, want) && answered;
}

export const mergeFlows: readonly Check[] = [toolPackCrud, partialUpdateTable, replaceConnectors, badConnectorInputs];
