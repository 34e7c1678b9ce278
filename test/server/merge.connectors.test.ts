import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import {
  ENGINEERING_PACK, LINEAR_ID, SLACK_ID, UNKNOWN_ID, createPack, mergeClients, packConnectors, summary, type ConnectorInput, type MergeClient,
} from "./merge.support.js";

/** The engineering pack of the contract's examples: GitHub with two tools, Slack with all and SHARED. */
const ENGINEERING: ConnectorInput[] = [{ slug: "github", tool_names: ["create_issue", "list_repos"] }, { slug: "slack", auth_scope: "SHARED" }];

describe.each(DATABASE_TARGETS)("Merge tool pack connectors on %s", (database) => {
  let server: TestServer;
  let production: MergeClient;
  let test: MergeClient;
  beforeAll(async () => {
    server = await startTestServer({ database });
    ({ production, test } = mergeClients(server.apiUrls.merge!));
  });
  afterAll(async () => {
    await server?.stop();
  });

  const put = (id: string, body: ConnectorInput[], client = production) =>
    client.PUT("/tool-packs/{tool_pack_id}/connectors/", { params: { path: { tool_pack_id: id } }, body });
  const patch = (id: string, body: ConnectorInput[], client = production) =>
    client.PATCH("/tool-packs/{tool_pack_id}/connectors/", { params: { path: { tool_pack_id: id } }, body });
  const remove = (id: string, slug: string, client = production) =>
    client.DELETE("/tool-packs/{tool_pack_id}/connectors/{slug}/", { params: { path: { tool_pack_id: id, slug } } });

  describe("M6 list a pack's connectors", () => {
    it("lists the seeded engineering pack's connectors in attach order, and [] for an empty pack", async () => {
      expect(await packConnectors(production, ENGINEERING_PACK)).toEqual([
        ["github", "INDIVIDUAL", ["create_issue", "list_repos"]],
        ["slack", "SHARED", ["send_message", "list_channels"]],
      ]);
      expect(await packConnectors(production, await createPack(production))).toEqual([]);
    });

    it("answers 404 for the production pack asked with the test key", async () => {
      const { error, response } = await test.GET("/tool-packs/{tool_pack_id}/connectors/", { params: { path: { tool_pack_id: ENGINEERING_PACK } } });
      expect(response.status).toBe(404);
      expect(error).toEqual({ code: "not_found", detail: "Tool pack not found." });
    });
  });

  describe("M7 replace a pack's connectors", () => {
    it("keeps GitHub, adds Jira organization-wide and drops Slack (the githubAndJira example)", async () => {
      const id = await createPack(production, ENGINEERING);
      const { data, response } = await put(id, [{ slug: "github", tool_names: ["create_issue", "list_repos"] }, { slug: "jira", auth_scope: "ORGANIZATION", tool_names: ["create_issue", "search_issues"] }]);
      expect(response.status).toBe(200);
      expect(summary(data)).toEqual([
        ["github", "INDIVIDUAL", ["create_issue", "list_repos"]],
        ["jira", "ORGANIZATION", ["create_issue", "search_issues"]],
      ]);
      expect(await packConnectors(production, id)).toEqual(summary(data));
    });

    it("enables every tool when tool_names is omitted, keeps an existing scope, and [] removes", async () => {
      const id = await createPack(production, [{ slug: "github", tool_names: ["list_repos"] }, { slug: "slack", auth_scope: "SHARED" }]);
      const { data } = await put(id, [{ slug: "slack", tool_names: ["send_message"] }, { slug: "github" }, { slug: "linear", tool_names: [] }]);
      expect(summary(data)).toEqual([
        ["github", "INDIVIDUAL", ["create_issue", "list_repos"]],
        ["slack", "SHARED", ["send_message"]],
      ]);
    });

    it("detaches every connector for an empty list", async () => {
      const id = await createPack(production, ENGINEERING);
      expect((await put(id, [])).data).toEqual([]);
      expect(await packConnectors(production, id)).toEqual([]);
    });

    it("answers 400 for a body that is not an array, and 404 for another key's pack", async () => {
      const id = await createPack(production, ENGINEERING);
      const notArray = await put(id, { slug: "jira" } as never);
      expect(notArray.error).toMatchObject({ code: "bad_request", errors: [{ field: "body" }] });
      const foreign = await put(id, [], test);
      expect(foreign.error).toEqual({ code: "not_found", detail: "Tool pack not found." });
      expect(await packConnectors(production, id)).toHaveLength(2);
    });
  });

  describe("M8 update a pack's connectors (partial)", () => {
    it("adds Jira with every tool, trims GitHub, removes Slack (the addTrimRemove example)", async () => {
      const id = await createPack(production, ENGINEERING);
      const { data, response } = await patch(id, [{ slug: "jira" }, { slug: "github", tool_names: ["list_repos"] }, { slug: "slack", tool_names: [] }]);
      expect(response.status).toBe(200);
      expect(summary(data)).toEqual([
        ["github", "INDIVIDUAL", ["list_repos"]],
        ["jira", "INDIVIDUAL", ["create_issue", "search_issues", "transition_issue"]],
      ]);
    });

    it("changes only Slack's scope when tool_names is omitted on an existing connector (changeScopeOnly)", async () => {
      const id = await createPack(production, [{ slug: "github", tool_names: ["create_issue", "list_repos"] }, { slug: "slack", auth_scope: "SHARED", tool_names: ["send_message"] }]);
      const { data } = await patch(id, [{ slug: "slack", auth_scope: "ORGANIZATION" }]);
      expect(summary(data)).toEqual([
        ["github", "INDIVIDUAL", ["create_issue", "list_repos"]],
        ["slack", "ORGANIZATION", ["send_message"]],
      ]);
    });

    it("keeps the scope when auth_scope is omitted, and [] on a connector not in the pack changes nothing", async () => {
      const id = await createPack(production, [{ slug: "slack", auth_scope: "SHARED" }]);
      const { data } = await patch(id, [{ slug: "slack", tool_names: ["list_channels"] }, { slug: "jira", tool_names: [] }]);
      expect(summary(data)).toEqual([["slack", "SHARED", ["list_channels"]]]);
    });

    it("resolves connector_id alone, and lets slug win over a connector_id given with it", async () => {
      const id = await createPack(production);
      const { data } = await patch(id, [{ connector_id: LINEAR_ID, tool_names: ["list_issues"] }, { slug: "github", connector_id: SLACK_ID, tool_names: ["list_repos"] }]);
      expect(summary(data)).toEqual([["linear", "INDIVIDUAL", ["list_issues"]], ["github", "INDIVIDUAL", ["list_repos"]]]);
      expect(data![0]!.connector_id).toBe(LINEAR_ID);
      const unknownIdIgnored = await patch(id, [{ slug: "github", connector_id: UNKNOWN_ID, tool_names: ["create_issue"] }]);
      expect(unknownIdIgnored.response.status).toBe(200);
    });

    it.each([
      ["an unknown slug", [{ slug: "salesfroce" }], "Unknown connector.", [{ field: "[0].slug", message: 'No connector has the slug "salesfroce".' }]],
      ["an unknown connector_id", [{ connector_id: UNKNOWN_ID }], "Unknown connector.", [{ field: "[0].connector_id", message: `No connector has the id "${UNKNOWN_ID}".` }]],
      ["an unknown tool name", [{ slug: "jira" }, { slug: "github", tool_names: ["delete_repo"] }], "Unknown tool name.", [
        { field: "[1].tool_names[0]", message: 'The connector "github" has no tool named "delete_repo".' }]],
      ["the same connector twice", [{ slug: "slack" }, { slug: "github" }, { slug: "slack", tool_names: [] }], "A connector appears more than once.", [
        { field: "[2].slug", message: 'The connector "slack" is already named by item 0.' }]],
      ["an item with neither slug nor connector_id", [{ auth_scope: "SHARED" }], "Each connector needs a slug or a connector_id.", [
        { field: "[0]", message: "Give slug (or the deprecated connector_id)." }]],
      ["an unknown field", [{ slug: "jira", scopes: ["read"] }], "The request body is invalid.", [{ field: "[0].scopes", message: "Unknown field." }]],
      ["an invalid auth_scope", [{ slug: "jira", auth_scope: "TEAM" }], "The request body is invalid.", [{ field: "[0].auth_scope", message: expect.stringContaining("INDIVIDUAL") }]],
    ])("answers 400 for %s and changes nothing", async (_case, body, detail, errors) => {
      const id = await createPack(production, ENGINEERING);
      const { error, response } = await patch(id, body as ConnectorInput[]);
      expect(response.status).toBe(400);
      expect(error).toEqual({ code: "bad_request", detail, errors });
      expect(await packConnectors(production, id)).toEqual(summary((await production.GET("/tool-packs/{id}/", { params: { path: { id: ENGINEERING_PACK } } })).data!.connectors));
    });

    it("answers 404 for another key's pack and for an unknown pack", async () => {
      expect((await patch(ENGINEERING_PACK, [{ slug: "jira" }], test)).error).toEqual({ code: "not_found", detail: "Tool pack not found." });
      expect((await patch(UNKNOWN_ID, [{ slug: "jira" }])).response.status).toBe(404);
      expect((await packConnectors(production, ENGINEERING_PACK)).map(([slug]) => slug)).not.toContain("jira");
    });

    it("loses no update when 48 PATCHes of different connectors of one pack run at once", async () => {
      const catalogue = (await production.GET("/connectors/")).data!.results;
      const id = await createPack(production);
      const scopes = ["INDIVIDUAL", "SHARED", "ORGANIZATION"] as const;
      // Six requests per connector, each enabling one tool with one scope; the last one to run wins for that connector.
      const requests = Array.from({ length: 48 }, (_, n) => {
        const connector = catalogue[n % catalogue.length]!;
        const tool = connector.tools[Math.floor(n / catalogue.length) % connector.tools.length]!;
        return { slug: connector.slug, auth_scope: scopes[n % 3]!, tool_names: [tool.name] };
      });
      const answers = await Promise.all(requests.map((item) => patch(id, [item])));
      expect(answers.map((a) => a.response.status)).toEqual(Array(48).fill(200));
      const final = await packConnectors(production, id);
      expect(final.map(([slug]) => slug).sort()).toEqual(catalogue.map((c) => c.slug).sort());
      for (const [slug, scope, tools] of final) {
        expect(requests.some((r) => r.slug === slug && r.auth_scope === scope && r.tool_names[0] === tools[0] && tools.length === 1)).toBe(true);
      }
    });

    it("attaches a connector once when 20 PATCHes add it at the same time", async () => {
      const id = await createPack(production);
      const answers = await Promise.all(Array.from({ length: 20 }, () => patch(id, [{ slug: "notion" }])));
      expect(answers.map((a) => a.response.status)).toEqual(Array(20).fill(200));
      expect((await packConnectors(production, id)).map(([slug]) => slug)).toEqual(["notion"]);
    });
  });

  describe("M9 remove one connector", () => {
    it("removes it (204), then 404 says the connector is not in the pack", async () => {
      const id = await createPack(production, ENGINEERING);
      const removed = await remove(id, "slack");
      expect(removed.response.status).toBe(204);
      expect((await packConnectors(production, id)).map(([slug]) => slug)).toEqual(["github"]);
      const again = await remove(id, "slack");
      expect(again.error).toEqual({ code: "not_found", detail: 'The connector "slack" is not in this tool pack.' });
    });

    it("answers 404 Tool pack not found for an unknown pack or another key's pack", async () => {
      expect((await remove(UNKNOWN_ID, "slack")).error).toEqual({ code: "not_found", detail: "Tool pack not found." });
      expect((await remove(ENGINEERING_PACK, "slack", test)).error).toEqual({ code: "not_found", detail: "Tool pack not found." });
      expect((await packConnectors(production, ENGINEERING_PACK)).map(([slug]) => slug)).toContain("slack");
    });

    it("lets exactly one of 20 concurrent removals of one connector win", async () => {
      const id = await createPack(production, ENGINEERING);
      const statuses = (await Promise.all(Array.from({ length: 20 }, () => remove(id, "github")))).map((a) => a.response.status).sort();
      expect(statuses).toEqual([204, ...Array<number>(19).fill(404)]);
    });
  });
});

describe.each(DATABASE_TARGETS)("Merge tool packs survive a restart on %s", (database) => {
  it("finds a pack and its connectors written before the restart, and does not seed twice", async () => {
    const env: Record<string, string> = database === "pglite" ? { PGLITE_DIR: mkdtempSync(join(tmpdir(), "cc-merge-")) } : {};
    const first = await startTestServer({ database, env });
    let second: TestServer | undefined;
    try {
      const id = await createPack(mergeClients(first.apiUrls.merge!).production, [{ slug: "hubspot", auth_scope: "ORGANIZATION", tool_names: ["create_deal"] }], "Durable");
      await first.close();
      second = await startTestServer({ database, env: { ...env, ...(first.db.databaseUrl ? { DATABASE_URL: first.db.databaseUrl } : {}) } });
      const { production } = mergeClients(second.apiUrls.merge!);
      expect(await packConnectors(production, id)).toEqual([["hubspot", "ORGANIZATION", ["create_deal"]]]);
      const packs = (await production.GET("/tool-packs/")).data!;
      expect(packs.results.map((p) => p.name)).toEqual(["Support Agent Tool Pack", "Engineering Assistant", "Release Notifier", "Durable"]);
    } finally {
      await second?.stop();
      await first.close();
      await first.db.drop();
    }
  });
});
