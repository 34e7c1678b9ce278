import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import {
  ENGINEERING_PACK, LINEAR_ID, SLACK_ID, SUPPORT_PACK, UNKNOWN_ID, createPack, keyOf, mergeClients, summary, type MergeClient,
} from "./merge.support.js";

describe.each(DATABASE_TARGETS)("Merge tool packs and catalogue on %s", (database) => {
  let server: TestServer;
  let production: MergeClient;
  let test: MergeClient;
  let globex: MergeClient;
  let baseUrl: string;
  beforeAll(async () => {
    server = await startTestServer({ database });
    baseUrl = server.apiUrls.merge!;
    ({ production, test, globex } = mergeClients(baseUrl));
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe("authentication", () => {
    it.each([
      ["no Authorization header", {}],
      ["the key without the Bearer prefix", { authorization: keyOf("northwind-production") }],
      ["a key that does not exist", { authorization: "Bearer ah_prod_00000000000000000000000000000000" }],
    ])("answers 401 unauthorized for %s", async (_case, headers: Record<string, string>) => {
      const response = await fetch(`${baseUrl}/tool-packs/`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: "unauthorized", detail: expect.any(String) });
    });

    it("never writes a key into the logs", async () => {
      await production.GET("/tool-packs/");
      expect(server.logs.filter((line) => line.includes(keyOf("northwind-production")))).toEqual([]);
    });
  });

  describe("M1 list tool packs", () => {
    it("lists the key's seeded packs oldest first, with their connectors and enabled tools", async () => {
      const { data, response } = await production.GET("/tool-packs/");
      expect(response.status).toBe(200);
      expect(data!.results.slice(0, 2).map((p) => p.id)).toEqual([SUPPORT_PACK, ENGINEERING_PACK]);
      expect(summary(data!.results[1]!.connectors)).toEqual([
        ["github", "INDIVIDUAL", ["create_issue", "list_repos"]],
        ["slack", "SHARED", ["send_message", "list_channels"]],
      ]);
      expect(data!.results[0]!.connectors[0]).toMatchObject({ connector_id: LINEAR_ID, tools: [{ input_schema: { type: "object" } }, {}] });
    });

    it("answers an empty first page (200) for a key with no packs, then pages with absolute links", async () => {
      const empty = await test.GET("/tool-packs/");
      expect(empty.data).toEqual({ count: 0, next: null, previous: null, results: [] });
      const ids = [await createPack(test, [], "one"), await createPack(test, [], "two"), await createPack(test, [], "three")];
      const second = await test.GET("/tool-packs/", { params: { query: { page: 2, page_size: 1 } } });
      expect(second.data).toMatchObject({
        count: 3,
        next: `${baseUrl}/tool-packs/?page=3&page_size=1`,
        previous: `${baseUrl}/tool-packs/?page_size=1`,
        results: [{ id: ids[1], name: "two" }],
      });
      const last = await test.GET("/tool-packs/", { params: { query: { page: 3, page_size: 1 } } });
      expect(last.data).toMatchObject({ next: null, previous: `${baseUrl}/tool-packs/?page=2&page_size=1`, results: [{ id: ids[2] }] });
    });

    it("answers 404 Invalid page after the last page", async () => {
      const { error, response } = await globex.GET("/tool-packs/", { params: { query: { page: 2 } } });
      expect(response.status).toBe(404);
      expect(error).toEqual({ code: "not_found", detail: "Invalid page." });
    });

    it("answers 404 Invalid page, not 500, for a page number far past any offset the database takes", async () => {
      const response = await fetch(`${baseUrl}/tool-packs/?page=99999999999999999999`, { headers: { authorization: `Bearer ${keyOf("globex-production")}` } });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ code: "not_found", detail: "Invalid page." });
    });

    it.each([
      ["page_size=101", "page_size", "Must be an integer from 1 to 100."],
      ["page_size=0", "page_size", "Must be an integer from 1 to 100."],
      ["page=last", "page", "Must be an integer of at least 1."],
      ["page=0", "page", "Must be an integer of at least 1."],
      ["page=%00", "query", "Holds text that cannot be stored (U+0000 or an unpaired surrogate)."],
    ])("answers 400 for %s", async (query, field, message) => {
      const response = await fetch(`${baseUrl}/tool-packs/?${query}`, { headers: { authorization: `Bearer ${keyOf("globex-production")}` } });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ code: "bad_request", detail: "Invalid paging parameters.", errors: [{ field, message }] });
    });
  });

  describe("M2 create tool pack", () => {
    it("creates the vendor's example pack (201) and finds it again", async () => {
      const body = { name: "Support Agent Tool Pack", description: "Ticketing connectors for support agent", connectors: [{ slug: "linear", auth_scope: "INDIVIDUAL" as const, tool_names: ["create_issue", "list_issues"] }] };
      const created = await production.POST("/tool-packs/", { body });
      expect(created.response.status).toBe(201);
      expect(summary(created.data!.connectors)).toEqual([["linear", "INDIVIDUAL", ["create_issue", "list_issues"]]]);
      const fetched = await production.GET("/tool-packs/{id}/", { params: { path: { id: created.data!.id } } });
      expect(fetched.data).toEqual(created.data);
    });

    it("enables every tool when tool_names is omitted, defaults auth_scope to INDIVIDUAL, and skips tool_names: []", async () => {
      const { data } = await production.POST("/tool-packs/", {
        body: { name: "Defaults", description: "", connectors: [{ slug: "jira" }, { connector_id: SLACK_ID, auth_scope: "SHARED" }, { slug: "github", tool_names: [] }] },
      });
      expect(summary(data!.connectors)).toEqual([
        ["jira", "INDIVIDUAL", ["create_issue", "search_issues", "transition_issue"]],
        ["slack", "SHARED", ["send_message", "list_channels"]],
      ]);
    });

    it("creates an empty pack when connectors is omitted", async () => {
      const { data, response } = await production.POST("/tool-packs/", { body: { name: "Revenue Ops Agent", description: "" } });
      expect(response.status).toBe(201);
      expect(data).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: "Revenue Ops Agent", description: "", connectors: [] });
    });

    it.each([
      ["a missing name and an unknown field", { description: "", tags: [] }, "The request body is invalid.", [
        { field: "name", message: "This field is required." }, { field: "tags", message: "Unknown field." }]],
      ["a name over 255 characters", { name: "x".repeat(256), description: "" }, "The request body is invalid.", [
        { field: "name", message: expect.any(String) }]],
      ["an unknown slug", { name: "n", description: "", connectors: [{ slug: "salesfroce" }] }, "Unknown connector.", [
        { field: "connectors[0].slug", message: 'No connector has the slug "salesfroce".' }]],
      ["an unknown tool name", { name: "n", description: "", connectors: [{ slug: "slack" }, { slug: "github", tool_names: ["delete_repo"] }] }, "Unknown tool name.", [
        { field: "connectors[1].tool_names[0]", message: 'The connector "github" has no tool named "delete_repo".' }]],
      ["the same connector by slug and by id", { name: "n", description: "", connectors: [{ slug: "linear" }, { connector_id: LINEAR_ID }] }, "A connector appears more than once.", [
        { field: "connectors[1].connector_id", message: 'The connector "linear" is already named by item 0.' }]],
      ["an item with neither slug nor connector_id", { name: "n", description: "", connectors: [{ tool_names: ["x"] }] }, "Each connector needs a slug or a connector_id.", [
        { field: "connectors[0]", message: "Give slug (or the deprecated connector_id)." }]],
    ])("answers 400 for %s, with the offending fields", async (_case, body, detail, errors) => {
      const before = (await production.GET("/tool-packs/")).data!.count;
      const { error, response } = await production.POST("/tool-packs/", { body: body as never });
      expect(response.status).toBe(400);
      expect(error).toEqual({ code: "bad_request", detail, errors });
      expect((await production.GET("/tool-packs/")).data!.count).toBe(before);
    });
  });

  describe("M2 concurrent creates (one statement per batch)", () => {
    it("keeps each of 60 concurrent creates of three accounts whole and in its own account, with fewer transactions than creates", async () => {
      const accounts = [["northwind-production", production], ["northwind-test", test], ["globex-production", globex]] as const;
      const sent = Array.from({ length: 60 }, (_, i) => {
        const [account, client] = accounts[i % accounts.length]!;
        const connectors = i % 2 === 0 ? [{ slug: "github", tool_names: ["list_repos"] }] : [{ slug: "slack", auth_scope: "SHARED" as const }, { slug: "linear" }];
        return { account, client, name: `batched ${i} \u{1F680} \uFEFF`, connectors };
      });
      const created = await Promise.all(sent.map(({ client, name, connectors }) => client.POST("/tool-packs/", { body: { name, description: `of ${name}`, connectors } })));
      expect(created.map((c) => c.response.status)).toEqual(sent.map(() => 201));

      for (const [i, { client, name }] of sent.entries()) {
        const { data, response } = await client.GET("/tool-packs/{id}/", { params: { path: { id: created[i]!.data!.id } } });
        expect(response.status).toBe(200);
        expect({ name: data!.name, description: data!.description, connectors: summary(data!.connectors) }).toEqual({
          name,
          description: `of ${name}`,
          connectors: summary(created[i]!.data!.connectors),
        });
        expect(summary(data!.connectors).map(([slug]) => slug)).toEqual(i % 2 === 0 ? ["github"] : ["slack", "linear"]);
      }
      // Another account's pack is a 404, whichever batch the two were written in.
      const other = await globex.GET("/tool-packs/{id}/", { params: { path: { id: created[0]!.data!.id } } });
      expect(other.response.status).toBe(404);

      // Rows written in one transaction share its id (xmin): the 60 creates took fewer than 60.
      const ids = created.map((c) => c.data!.id);
      const [{ transactions } = { transactions: Number.NaN }] = await server.database.query<{ transactions: number }>(
        "select count(distinct xmin::text)::int as transactions from merge_tool_packs where id = any($1::uuid[])",
        [ids],
      );
      console.info(`[merge] 60 concurrent creates on ${database} were written in ${transactions} transactions`);
      expect(transactions).toBeLessThan(60);
      const [{ unmatched } = { unmatched: Number.NaN }] = await server.database.query<{ unmatched: number }>(
        `select count(*)::int as unmatched from merge_tool_pack_connectors c join merge_tool_packs p on p.id = c.tool_pack_id
         where p.id = any($1::uuid[]) and (c.xmin::text <> p.xmin::text or c.account_id <> p.account_id)`,
        [ids],
      );
      expect(unmatched).toBe(0);
    });
  });

  describe("M3 get tool pack", () => {
    it("answers the seeded engineering pack", async () => {
      const { data, response } = await production.GET("/tool-packs/{id}/", { params: { path: { id: ENGINEERING_PACK } } });
      expect(response.status).toBe(200);
      expect(data).toMatchObject({ id: ENGINEERING_PACK, name: "Engineering Assistant", connectors: [{ slug: "github" }, { slug: "slack", connector_id: SLACK_ID }] });
    });

    it.each([
      ["an unknown id", () => production, UNKNOWN_ID],
      ["an id that is not a uuid", () => production, "not-a-uuid"],
      ["the production pack asked with the test key of the same org", () => test, SUPPORT_PACK],
      ["another org's pack", () => globex, SUPPORT_PACK],
    ])("answers 404 Tool pack not found for %s", async (_case, client, id) => {
      const { error, response } = await client().GET("/tool-packs/{id}/", { params: { path: { id } } });
      expect(response.status).toBe(404);
      expect(error).toEqual({ code: "not_found", detail: "Tool pack not found." });
    });
  });

  describe("M4 update tool pack", () => {
    it("renames and leaves the connectors as they were; {} changes nothing", async () => {
      const id = await createPack(production, [{ slug: "linear", tool_names: ["create_issue", "list_issues"] }]);
      const renamed = await production.PATCH("/tool-packs/{id}/", { params: { path: { id } }, body: { name: "Tier 1 Support Agent" } });
      expect(renamed.data).toMatchObject({ name: "Tier 1 Support Agent", description: "made by a test" });
      expect(summary(renamed.data!.connectors)).toEqual([["linear", "INDIVIDUAL", ["create_issue", "list_issues"]]]);
      const unchanged = await production.PATCH("/tool-packs/{id}/", { params: { path: { id } }, body: {} });
      expect(unchanged.data).toEqual(renamed.data);
    });

    it("replaces the whole connector list: by connector_id, all tools when omitted, scope kept when omitted, [] detaches", async () => {
      const id = await createPack(production, [{ slug: "linear", tool_names: ["list_issues"] }, { slug: "slack", auth_scope: "SHARED", tool_names: ["send_message"] }, { slug: "github" }]);
      const { data, response } = await production.PATCH("/tool-packs/{id}/", {
        params: { path: { id } },
        body: { name: "Updated Tool Pack Name", description: "Updated description", connectors: [{ connector_id: LINEAR_ID, tool_names: ["create_issue", "update_issue"] }, { slug: "slack" }, { slug: "github", tool_names: [] }] },
      });
      expect(response.status).toBe(200);
      expect(data).toMatchObject({ name: "Updated Tool Pack Name", description: "Updated description" });
      expect(summary(data!.connectors)).toEqual([
        ["linear", "INDIVIDUAL", ["create_issue", "update_issue"]],
        ["slack", "SHARED", ["send_message", "list_channels"]],
      ]);
    });

    it("answers 400 for an empty name or an unknown tool, and changes nothing", async () => {
      const id = await createPack(production, [{ slug: "linear" }], "Keep me");
      const empty = await production.PATCH("/tool-packs/{id}/", { params: { path: { id } }, body: { name: "" } });
      expect(empty.response.status).toBe(400);
      expect(empty.error).toMatchObject({ code: "bad_request", errors: [{ field: "name" }] });
      const unknownTool = await production.PATCH("/tool-packs/{id}/", { params: { path: { id } }, body: { name: "Renamed", connectors: [{ slug: "linear", tool_names: ["close_issue"] }] } });
      expect(unknownTool.error).toMatchObject({ detail: "Unknown tool name.", errors: [{ field: "connectors[0].tool_names[0]" }] });
      const after = await production.GET("/tool-packs/{id}/", { params: { path: { id } } });
      expect(after.data).toMatchObject({ name: "Keep me", connectors: [{ slug: "linear" }] });
    });

    it("answers 404 for another key's pack and leaves it alone", async () => {
      const { error, response } = await globex.PATCH("/tool-packs/{id}/", { params: { path: { id: SUPPORT_PACK } }, body: { name: "Hijacked" } });
      expect(response.status).toBe(404);
      expect(error).toEqual({ code: "not_found", detail: "Tool pack not found." });
      expect((await production.GET("/tool-packs/{id}/", { params: { path: { id: SUPPORT_PACK } } })).data!.name).not.toBe("Hijacked");
    });
  });

  describe("M5 delete tool pack", () => {
    it("deletes (204 without a body); the pack is gone and a second delete is a 404", async () => {
      const id = await createPack(production, [{ slug: "github" }]);
      const deleted = await production.DELETE("/tool-packs/{id}/", { params: { path: { id } } });
      expect(deleted.response.status).toBe(204);
      expect(await deleted.response.text()).toBe("");
      expect((await production.GET("/tool-packs/{id}/", { params: { path: { id } } })).response.status).toBe(404);
      const again = await production.DELETE("/tool-packs/{id}/", { params: { path: { id } } });
      expect(again.error).toEqual({ code: "not_found", detail: "Tool pack not found." });
    });

    it("answers 404 for another key's pack, which survives", async () => {
      const { response } = await test.DELETE("/tool-packs/{id}/", { params: { path: { id: ENGINEERING_PACK } } });
      expect(response.status).toBe(404);
      expect((await production.GET("/tool-packs/{id}/", { params: { path: { id: ENGINEERING_PACK } } })).response.status).toBe(200);
    });

    it("lets exactly one of 20 concurrent deletes of one pack win", async () => {
      const id = await createPack(production);
      const answers = await Promise.all(Array.from({ length: 20 }, () => production.DELETE("/tool-packs/{id}/", { params: { path: { id } } })));
      const statuses = answers.map((a) => a.response.status).sort();
      expect(statuses).toEqual([204, ...Array<number>(19).fill(404)]);
    });
  });

  describe("M10 and M11 the connector catalogue", () => {
    it("lists every connector in slug order, tools without input_schema, the same for every key", async () => {
      const { data, response } = await globex.GET("/connectors/");
      expect(response.status).toBe(200);
      const slugs = data!.results.map((c) => c.slug);
      expect(slugs).toEqual([...slugs].sort());
      expect(slugs).toEqual(expect.arrayContaining(["github", "jira", "linear", "slack"]));
      expect(data).toMatchObject({ count: slugs.length, next: null, previous: null });
      expect(data!.results.flatMap((c) => c.tools).every((t) => !("input_schema" in t))).toBe(true);
      expect((await test.GET("/connectors/")).data).toEqual(data);
    });

    it("pages the catalogue: page_size=2 links to page 2, a page after the last is 404", async () => {
      const first = await production.GET("/connectors/", { params: { query: { page_size: 2 } } });
      expect(first.data).toMatchObject({ next: `${baseUrl}/connectors/?page=2&page_size=2`, previous: null });
      expect(first.data!.results.map((c) => c.slug)).toEqual(["github", "google-drive"]);
      const beyond = await production.GET("/connectors/", { params: { query: { page: 99, page_size: 2 } } });
      expect(beyond.error).toEqual({ code: "not_found", detail: "Invalid page." });
    });

    it("answers a connector by slug with its auth options (M11), and 404 for an unknown slug", async () => {
      const { data } = await production.GET("/connectors/{slug}/", { params: { path: { slug: "linear" } } });
      expect(data).toMatchObject({ id: LINEAR_ID, slug: "linear", auth_options: [{ type: "OAuth2" }, { type: "Secrets", secrets: [{ name: "api_key" }] }] });
      expect(data!.tools.map((t) => t.name)).toEqual(["create_issue", "list_issues", "update_issue"]);
      const missing = await production.GET("/connectors/{slug}/", { params: { path: { slug: "salesfroce" } } });
      expect(missing.response.status).toBe(404);
      expect(missing.error).toEqual({ code: "not_found", detail: "Connector not found." });
    });
  });
});
