import { createHash } from "node:crypto";
import type { Check } from "../check.js";
import { NAME_PREFIX, type CheckContext } from "../context.js";
import type { ApiProfile, DisposableResource, Probe } from "../profile.js";
import { asInferred, field, FlowFindings, sideBySide } from "./flowAssertions.js";

const SEED_004 = "seed 004 (EvalStudio Connectors API); apis.md §4";
/** An address nothing answers on (TCP port 9, discard, on loopback). */
const UNREACHABLE = "http://127.0.0.1:9";

/** EvalStudio: no auth; projects hold LangGraph connectors whose header values are secrets. */
export const evalstudioProfile: ApiProfile = {
  api: "evalstudio",

  async prepare(ctx) {
    if (ctx.options.readOnly) return readOnlyProbes(ctx);
    const projectId = await createProject(ctx, "probes");
    const connectorId = await createConnector(ctx, projectId, "probe-connector", UNREACHABLE);
    const path = { projectId, id: connectorId };
    return {
      listProjects: { operationId: "listProjects" },
      createProject: { operationId: "createProject", body: { name: ctx.name("negative-probe") } },
      deleteProject: { operationId: "deleteProject", pathParams: { projectId } },
      getStatus: { operationId: "getStatus" },
      listConnectors: { operationId: "listConnectors", pathParams: { projectId } },
      listConnectorTypes: { operationId: "listConnectorTypes", pathParams: { projectId } },
      createConnector: { operationId: "createConnector", pathParams: { projectId }, body: connectorBody(ctx, "negative-probe", UNREACHABLE) },
      getConnector: { operationId: "getConnector", pathParams: path },
      updateConnector: { operationId: "updateConnector", pathParams: path, body: { name: ctx.name("probe-connector") } },
      deleteConnector: { operationId: "deleteConnector", pathParams: path },
      testConnector: { operationId: "testConnector", pathParams: path },
      invokeConnector: { operationId: "invokeConnector", pathParams: path, body: { messages: [{ role: "user", content: "hi" }] } },
    } satisfies Record<string, Probe>;
  },

  flows: [
    {
      name: "evalstudio_connector_lifecycle",
      description: "Create, list, read, update (headers and config replace) and delete a connector; header values stay masked",
      source: SEED_004,
      phase: "flow",
      skipReason: (ctx) => (ctx.options.readOnly ? "read-only run" : undefined),
      async run(ctx) {
        const f = new FlowFindings(ctx, this.name, this.source);
        const projectId = await createProject(ctx, "lifecycle");
        const secret = ctx.plantSecret("E7 headers.X-API-Key");
        const created = await ctx.send({ sentBy: this.name, operationId: "createConnector", pathParams: { projectId }, body: { ...connectorBody(ctx, "lifecycle", UNREACHABLE), headers: { "X-API-Key": secret } } });
        if (!f.status(created, 201, "E7 create a connector")) return f.findings;
        const id = field<string>(created, "id")!;
        f.that(field(created, "headers", "X-API-Key") !== undefined, "E7 shows the header name", created, "headers.X-API-Key present (masked)", JSON.stringify(field(created, "headers")));
        const listed = await ctx.send({ sentBy: this.name, operationId: "listConnectors", pathParams: { projectId } });
        if (f.status(listed, 200, "E5 list the project's connectors")) {
          const ids = Array.isArray(listed.json) ? (listed.json as Array<{ id?: string }>).map((c) => c.id) : [];
          f.that(ids.includes(id), "E5 lists the new connector", listed, `a list containing ${id}`, JSON.stringify(ids));
        }
        const secret2 = ctx.plantSecret("E9 headers.Authorization");
        const updated = await ctx.send({
          sentBy: this.name, operationId: "updateConnector", pathParams: { projectId, id },
          body: { config: { assistantId: "other-assistant" }, headers: { Authorization: `Bearer ${secret2}` } },
        });
        if (f.status(updated, 200, "E9 update the connector")) {
          f.that(field(updated, "config", "assistantId") === "other-assistant", "E9 replaces config", updated, 'config.assistantId "other-assistant"', JSON.stringify(field(updated, "config")));
          const names = Object.keys(field<Record<string, string>>(updated, "headers") ?? {});
          f.that(names.length === 1 && names[0] === "Authorization", "E9 replaces headers as a whole", updated, 'header names ["Authorization"]', JSON.stringify(names));
        }
        const read = await ctx.send({ sentBy: this.name, operationId: "getConnector", pathParams: { projectId, id } });
        if (f.status(read, 200, "E8 read the updated connector")) {
          f.that(field(read, "config", "assistantId") === "other-assistant", "E8 shows the update", read, 'config.assistantId "other-assistant"', JSON.stringify(field(read, "config")));
        }
        const deleted = await ctx.send({ sentBy: this.name, operationId: "deleteConnector", pathParams: { projectId, id } });
        if (f.status(deleted, 204, "E10 delete the connector")) {
          const gone = await ctx.send({ sentBy: this.name, operationId: "getConnector", pathParams: { projectId, id } });
          f.status(gone, 404, "E8 after E10");
        }
        return f.findings;
      },
    },
    {
      name: "evalstudio_duplicate_name_conflict",
      description: "A second connector with a taken name, or a rename to one, is a 409; the name is the project's own and exact (another project or another case is free, and a connector keeps its own)",
      source: `${SEED_004} (409 "Connector with name already exists")`,
      phase: "flow",
      skipReason: (ctx) => (ctx.options.readOnly ? "read-only run" : undefined),
      async run(ctx) {
        const f = new FlowFindings(ctx, this.name, this.source);
        const projectId = await createProject(ctx, "conflicts");
        // ctx.name is unique per call: the taken name is made once and sent again.
        const taken = connectorBody(ctx, "taken", UNREACHABLE);
        const first = await ctx.send({ sentBy: this.name, operationId: "createConnector", pathParams: { projectId }, body: taken });
        if (!f.status(first, 201, "E7 create the first connector")) return f.findings;
        const again = await ctx.send({ sentBy: this.name, operationId: "createConnector", pathParams: { projectId }, body: taken });
        f.status(again, 409, "E7 with a taken name");
        const other = await ctx.send({ sentBy: this.name, operationId: "createConnector", pathParams: { projectId }, body: connectorBody(ctx, "other", UNREACHABLE) });
        if (f.status(other, 201, "E7 create a second connector")) {
          const rename = await ctx.send({ sentBy: this.name, operationId: "updateConnector", pathParams: { projectId, id: field<string>(other, "id")! }, body: { name: taken.name } });
          f.status(rename, 409, "E9 rename to a taken name");
        }
        const kept = await ctx.send({ sentBy: this.name, operationId: "updateConnector", pathParams: { projectId, id: field<string>(first, "id")! }, body: { name: taken.name } });
        f.status(kept, 200, "E9 with the connector's own name (not a duplicate of itself)");
        // ConnectorNameTaken: "another connector of the project", "exact, case-sensitive match".
        const otherCase = { ...taken, name: NAME_PREFIX + taken.name.slice(NAME_PREFIX.length).toUpperCase() };
        f.status(await ctx.send({ sentBy: this.name, operationId: "createConnector", pathParams: { projectId }, body: otherCase }), 201, "E7 with a taken name in another case");
        const elsewhere = await createProject(ctx, "conflicts-elsewhere");
        f.status(await ctx.send({ sentBy: this.name, operationId: "createConnector", pathParams: { projectId: elsewhere }, body: taken }), 201, "E7 with a name taken in another project");
        return f.findings;
      },
    },
    {
      name: "evalstudio_agent_calls",
      description: "test and invoke reach a real LangGraph server; an unreachable one is success: false with 200",
      source: `${SEED_004}; apis.md §4 (how the vendor's server talks to LangGraph)`,
      phase: "flow",
      skipReason: (ctx) => (ctx.options.readOnly ? "read-only run" : !ctx.options.langgraphUrl ? "no LangGraph server given (--langgraph-url)" : undefined),
      async run(ctx) {
        const projectId = await createProject(ctx, "agent");
        const live = await createConnector(ctx, projectId, "live-agent", ctx.options.langgraphUrl!);
        // The fixture's echo graph answers "echo: <last message>", so with it the agent's own reply is known exactly.
        const echo = ctx.options.langgraphAssistant === "echo";
        // Each call waits on the agent server (LangGraph's dev server picks a queued run up within a
        // second), and no call depends on another's outcome: they go out together.
        const { findings } = await sideBySide(ctx, this, [
          async (f) => {
            const tested = await ctx.send({ sentBy: this.name, operationId: "testConnector", pathParams: { projectId, id: live } });
            if (!f.status(tested, 200, "E11 test a reachable agent")) return;
            f.that(field(tested, "success") === true && typeof field(tested, "response") === "string", "E11 succeeds with the agent's answer", tested, "success: true and a response", tested.text.slice(0, 300));
            if (echo) f.that(field(tested, "response") === "echo: hello", "E11 carries the agent's own reply to its hello", tested, 'response "echo: hello" (the echo graph\'s reply to "hello": the agent ran)', tested.text.slice(0, 300));
          },
          async (f) => {
            const question = "Hello, I need help with my order";
            const invoked = await ctx.send({ sentBy: this.name, operationId: "invokeConnector", pathParams: { projectId, id: live }, body: { messages: [{ role: "user", content: question }] } });
            if (!f.status(invoked, 200, "E12 invoke a reachable agent")) return;
            const messages = field<Array<{ role?: string; content?: unknown }>>(invoked, "messages") ?? [];
            f.that(field(invoked, "success") === true && messages.some((m) => m.role === "assistant"), "E12 returns the agent's new messages", invoked, "success: true with an assistant message", invoked.text.slice(0, 300));
            f.that(!messages.some((m) => m.content === question && m.role === "user"), "E12 returns only new messages", invoked, "no echo of the request's messages", invoked.text.slice(0, 300));
            if (echo) {
              const exact = messages.length === 1 && messages[0]?.role === "assistant" && messages[0]?.content === `echo: ${question}`;
              f.that(exact, "E12 returns exactly the agent's new messages", invoked, `messages [{role: "assistant", content: "echo: ${question}"}]`, JSON.stringify(messages).slice(0, 300));
            }
          },
          async (f) => {
            if (!echo) return;
            // The echo graph throws on "raise"; LangGraph answers that 200 {"__error__": …}, which is a failure, not a reply.
            const thrown = await ctx.send({ sentBy: this.name, operationId: "invokeConnector", pathParams: { projectId, id: live }, body: { messages: [{ role: "user", content: "raise" }] } });
            if (!f.status(thrown, 200, "E12 invoke an agent whose graph throws (HTTP 200 either way)")) return;
            f.that(field(thrown, "success") === false && typeof field(thrown, "error") === "string", "E12 reports a graph that threw as a failure", thrown, "success: false with an error", thrown.text.slice(0, 300));
          },
          async (f) => {
            if (echo) await checkHeadersForwarded(ctx, f, this, projectId);
          },
          async (f) => {
            const dead = await createConnector(ctx, projectId, "dead-agent", UNREACHABLE);
            const deadTest = await ctx.send({ sentBy: this.name, operationId: "testConnector", pathParams: { projectId, id: dead } });
            if (f.status(deadTest, 200, "E11 test an unreachable agent (HTTP 200 either way)")) {
              f.that(field(deadTest, "success") === false && typeof field(deadTest, "error") === "string", "E11 reports the failure", deadTest, "success: false with an error", deadTest.text.slice(0, 300));
            }
            const failed = await ctx.send({ sentBy: this.name, operationId: "invokeConnector", pathParams: { projectId, id: dead }, body: { messages: [{ role: "user", content: "hi" }] } });
            if (f.status(failed, 200, "E12 invoke an unreachable agent (HTTP 200 either way)")) {
              f.that(field(failed, "success") === false && typeof field(failed, "error") === "string", "E12 reports the failure", failed, "success: false with an error", failed.text.slice(0, 300));
            }
          },
        ]);
        return findings;
      },
    },
  ] satisfies Check[],

  async disposable(ctx): Promise<DisposableResource[]> {
    const projectId = await createProject(ctx, "disposable");
    const connectorId = await createConnector(ctx, projectId, "disposable", UNREACHABLE);
    const doomedProject = await createProject(ctx, "doomed", false);
    return [
      {
        label: "an EvalStudio connector",
        read: { operationId: "getConnector", pathParams: { projectId, id: connectorId } },
        remove: { operationId: "deleteConnector", pathParams: { projectId, id: connectorId } },
        listedIn: { list: { operationId: "listConnectors", pathParams: { projectId } }, id: connectorId },
      },
      {
        label: "an EvalStudio project",
        read: { operationId: "listConnectors", pathParams: { projectId: doomedProject } },
        remove: { operationId: "deleteProject", pathParams: { projectId: doomedProject } },
        listedIn: { list: { operationId: "listProjects" }, id: doomedProject },
      },
    ];
  },
};

/**
 * Each connector's headers go to its own agent and nowhere else (apis.md §4: the server sends
 * "the connector's headers" with the call). Two connectors of one project get one secret header
 * each; the echo graph, asked "headers", answers with a hash of each x- header it received, so
 * the check sees which secret reached it while no secret comes back in clear.
 */
async function checkHeadersForwarded(ctx: CheckContext, f: FlowFindings, check: Check, projectId: string): Promise<void> {
  const made: Array<{ id: string; header: string; hash: string }> = [];
  for (const label of ["headers-a", "headers-b"]) {
    const secret = ctx.plantSecret(`E7 headers.X-Cc-${label}`);
    const created = await ctx.send({ sentBy: check.name, operationId: "createConnector", pathParams: { projectId }, body: { ...connectorBody(ctx, label, ctx.options.langgraphUrl!), headers: { [`X-Cc-${label}`]: secret } } });
    if (!f.status(created, 201, `E7 create a connector with one secret header (${label})`)) return;
    made.push({ id: field<string>(created, "id")!, header: `X-Cc-${label}`, hash: `x-cc-${label}=${createHash("sha256").update(secret).digest("hex").slice(0, 12)}` });
  }
  const [a, b] = made as [(typeof made)[0], (typeof made)[0]];
  const askHeaders = async (f: FlowFindings, own: typeof a, other: typeof a) => {
    const echoed = await ctx.send({ sentBy: check.name, operationId: "invokeConnector", pathParams: { projectId, id: own.id }, body: { messages: [{ role: "user", content: "headers" }] } });
    if (!f.status(echoed, 200, "E12 ask the echo graph which headers reached it")) return;
    const reply = String((field<Array<{ content?: unknown }>>(echoed, "messages") ?? []).at(-1)?.content ?? "");
    f.that(reply.includes(own.hash), "E12 sends the connector's own headers to its agent", echoed, `the agent received ${own.hash.split("=")[0]} with the value stored`, reply.slice(0, 300));
    f.that(!reply.includes(other.hash), "E12 sends no other connector's secret to the agent", echoed, `the agent did not receive ${other.hash.split("=")[0]} (another connector's secret header)`, reply.slice(0, 300));
  };
  const { findings } = await sideBySide(ctx, check, [
    async (f) => {
      await askHeaders(f, a, b);
      // E9 ([ours]): a header sent back as exactly the mask keeps its stored value, so a read-modify-write keeps the secret.
      const resent = await ctx.send({ sentBy: check.name, operationId: "updateConnector", pathParams: { projectId, id: a.id }, body: { headers: { [a.header]: "********" } } });
      if (!f.status(resent, 200, "E9 with the header sent back as the mask")) return;
      const after = await ctx.send({ sentBy: check.name, operationId: "invokeConnector", pathParams: { projectId, id: a.id }, body: { messages: [{ role: "user", content: "headers" }] } });
      if (!f.status(after, 200, "E12 after E9 sent the mask")) return;
      const reply = String((field<Array<{ content?: unknown }>>(after, "messages") ?? []).at(-1)?.content ?? "");
      asInferred(f, () => f.that(reply.includes(a.hash), "E9 keeps a header value sent as the mask", after, `the agent still received ${a.hash.split("=")[0]} with the value stored at E7`, reply.slice(0, 300)));
    },
    (f) => askHeaders(f, b, a),
  ]);
  f.findings.push(...findings);
}

function connectorBody(ctx: CheckContext, label: string, baseUrl: string) {
  return { name: ctx.name(label), type: "langgraph", baseUrl, config: { assistantId: ctx.options.langgraphAssistant } };
}

async function createProject(ctx: CheckContext, label: string, cleanUp = true): Promise<string> {
  const answer = await ctx.send({ sentBy: "prepare", operationId: "createProject", body: { name: ctx.name(label) } });
  const id = field<string>(answer, "id");
  if (answer.status !== 201 || !id) throw new Error(`could not create a project to work in (${answer.status}: ${answer.text.slice(0, 200)})`);
  if (cleanUp) ctx.cleanup.push(`project ${id}`, async () => void (await ctx.send({ sentBy: "cleanup", operationId: "deleteProject", pathParams: { projectId: id } })));
  return id;
}

async function createConnector(ctx: CheckContext, projectId: string, label: string, baseUrl: string): Promise<string> {
  const secret = ctx.plantSecret(`E7 headers.X-Api-Key (${label})`);
  const answer = await ctx.send({ sentBy: "prepare", operationId: "createConnector", pathParams: { projectId }, body: { ...connectorBody(ctx, label, baseUrl), headers: { "X-Api-Key": secret } } });
  const id = field<string>(answer, "id");
  if (answer.status !== 201 || !id) throw new Error(`could not create a connector to work with (${answer.status}: ${answer.text.slice(0, 200)})`);
  return id;
}

async function readOnlyProbes(ctx: CheckContext): Promise<Record<string, Probe>> {
  const projects = await ctx.send({ sentBy: "prepare", operationId: "listProjects" });
  const projectId = Array.isArray(projects.json) ? (projects.json as Array<{ id: string }>)[0]?.id : undefined;
  const probes: Record<string, Probe> = { listProjects: { operationId: "listProjects" }, getStatus: { operationId: "getStatus" } };
  if (!projectId) return probes;
  probes.listConnectors = { operationId: "listConnectors", pathParams: { projectId } };
  probes.listConnectorTypes = { operationId: "listConnectorTypes", pathParams: { projectId } };
  const connectors = await ctx.send({ sentBy: "prepare", operationId: "listConnectors", pathParams: { projectId } });
  const connectorId = Array.isArray(connectors.json) ? (connectors.json as Array<{ id: string }>)[0]?.id : undefined;
  if (connectorId) probes.getConnector = { operationId: "getConnector", pathParams: { projectId, id: connectorId } };
  return probes;
}
