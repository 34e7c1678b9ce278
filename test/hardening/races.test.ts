import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { createPack, mergeClients, packConnectors } from "../server/merge.support.js";
import { migrationWithConnection, startRun, vernClient } from "../server/vernTestKit.js";
import { statusTally } from "./support/statusTally.js";

/**
 * The races, at its numbers, on PGlite and on PostgreSQL: 50 concurrent requests that
 * compete for one name, one run slot, or one tool pack. test/server has the 20-request versions;
 * these go to 50, repeat the Vern race over several runs of one migration (start, then cancel), and
 * check the final Merge pack exactly.
 */
const RACERS = 50;


describe.each(DATABASE_TARGETS)(`races of ${RACERS} concurrent requests on %s`, (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { SIM_STEP_MS: "50" } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe("EvalStudio connector names", () => {
    const connector = (name: string) => ({ name, type: "langgraph" as const, baseUrl: "http://127.0.0.1:9", config: { assistantId: "echo" } });

    it(`gives exactly one 201 when ${RACERS} creates of one name race; the others are 409s`, async () => {
      const client = createApiClient("evalstudio", { baseUrl: server.apiUrls.evalstudio! });
      const projectId = (await client.POST("/projects", { body: { name: "name race" } })).data!.id;
      const started = performance.now();
      const answers = await Promise.all(
        Array.from({ length: RACERS }, () => client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: connector("racer") })),
      );
      const statuses = answers.map((a) => a.response.status);
      console.log(`[races/${database}] EvalStudio: ${RACERS} creates of "racer" → ${statusTally(statuses)} in ${(performance.now() - started).toFixed(0)} ms`);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(RACERS - 1);
      for (const lost of answers.filter((a) => a.response.status === 409)) expect(lost.error).toEqual({ error: 'Connector with name "racer" already exists' });
      const listed = (await client.GET("/projects/{projectId}/connectors", { params: { path: { projectId } } })).data!;
      expect(listed.map((c) => c.name)).toEqual(["racer"]);
    });

    it(`renames exactly one of ${RACERS} connectors when all race to one name`, async () => {
      const client = createApiClient("evalstudio", { baseUrl: server.apiUrls.evalstudio! });
      const projectId = (await client.POST("/projects", { body: { name: "rename race" } })).data!.id;
      const ids: string[] = [];
      for (let i = 0; i < RACERS; i++) ids.push((await client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: connector(`c${i}`) })).data!.id);
      const answers = await Promise.all(ids.map((id) => client.PUT("/projects/{projectId}/connectors/{id}", { params: { path: { projectId, id } }, body: { name: "the one" } })));
      const statuses = answers.map((a) => a.response.status);
      console.log(`[races/${database}] EvalStudio: ${RACERS} renames to "the one" → ${statusTally(statuses)}`);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(RACERS - 1);
      const listed = (await client.GET("/projects/{projectId}/connectors", { params: { path: { projectId } } })).data!;
      expect(listed).toHaveLength(RACERS);
      expect(listed.filter((c) => c.name === "the one")).toHaveLength(1);
    });
  });

  describe("Vern's one run at a time", () => {
    const ROUNDS = 3;
    const activeRuns = async (migrationId: string) =>
      (await server.database.query<{ id: string }>("select id from vern_runs where migration_id = $1 and status in ('queued', 'running', 'blocked')", [migrationId])).map((r) => r.id);

    it(`starts exactly one run per round when ${RACERS} starts race, ${ROUNDS} rounds on one migration; ${RACERS} cancels of it cancel it once`, async () => {
      const client = vernClient(server);
      const { migrationId } = await migrationWithConnection(client);
      const winners: string[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const answers = await Promise.all(Array.from({ length: RACERS }, () => startRun(client, migrationId, { kind: "generate" })));
        const statuses = answers.map((a) => a.response.status);
        const winner = answers.find((a) => a.response.status === 201)?.data?.run_id;
        expect(statuses.filter((s) => s === 201), `round ${round}`).toHaveLength(1);
        expect(statuses.filter((s) => s === 409), `round ${round}`).toHaveLength(RACERS - 1);
        for (const lost of answers.filter((a) => a.response.status === 409)) {
          expect(lost.error).toEqual({ error: "A run is already in progress for this migration.", run_id: winner });
        }
        expect(await activeRuns(migrationId)).toEqual([winner]);

        const cancels = await Promise.all(
          Array.from({ length: RACERS }, () =>
            client.PATCH("/migrations/{migration_id}/runs/{run_id}", { params: { path: { migration_id: migrationId, run_id: winner! } }, body: { status: "cancel_requested" } }),
          ),
        );
        const cancelStatuses = cancels.map((c) => c.response.status);
        expect(cancelStatuses.filter((s) => s === 200), `round ${round} cancels`).toHaveLength(1);
        expect(cancelStatuses.filter((s) => s === 409), `round ${round} cancels`).toHaveLength(RACERS - 1);
        expect(await activeRuns(migrationId)).toEqual([]);
        console.log(`[races/${database}] Vern round ${round}: ${RACERS} starts → ${statusTally(statuses)} (all 409s name ${winner}); ${RACERS} cancels → ${statusTally(cancelStatuses)}`);
        winners.push(winner!);
      }
      expect(new Set(winners).size).toBe(ROUNDS);
      const [runs] = await server.database.query<{ n: number }>("select count(*)::int as n from vern_runs where migration_id = $1", [migrationId]);
      expect(runs!.n).toBe(ROUNDS);
    });
  });

  describe("Merge tool pack connectors", () => {
    type CatalogueEntry = { slug: string; tools: Array<{ name: string }> };
    const SCOPES = ["INDIVIDUAL", "SHARED", "ORGANIZATION"] as const;
    let catalogue: CatalogueEntry[];
    beforeAll(async () => {
      catalogue = (await mergeClients(server.apiUrls.merge!).production.GET("/connectors/", { params: { query: { page_size: 100 } } })).data!.results;
    });

    it(`loses no update when ${RACERS} PATCHes of the 8 connectors of one pack race: the final pack is exactly what was sent`, async () => {
      const { production } = mergeClients(server.apiUrls.merge!);
      expect(catalogue).toHaveLength(8);
      const id = await createPack(production, [], "PATCH race");
      // Every request for one connector sends the same state, so the final pack does not depend on the order.
      const stateOf = (c: CatalogueEntry, i: number) => ({ slug: c.slug, auth_scope: SCOPES[i % 3]!, tool_names: c.tools.slice(0, 1 + (i % c.tools.length)).map((t) => t.name) });
      const requests = Array.from({ length: RACERS }, (_, n) => stateOf(catalogue[n % catalogue.length]!, n % catalogue.length));
      const started = performance.now();
      const answers = await Promise.all(
        requests.map((item) => production.PATCH("/tool-packs/{tool_pack_id}/connectors/", { params: { path: { tool_pack_id: id } }, body: [item] })),
      );
      const statuses = answers.map((a) => a.response.status);
      expect(statuses).toEqual(Array(RACERS).fill(200));
      // Each answer is the pack after that PATCH: it holds that PATCH's own write.
      answers.forEach((answer, n) => {
        const own = answer.data!.find((c) => c.slug === requests[n]!.slug);
        expect(own && [own.auth_scope, own.tools.map((t) => t.name)]).toEqual([requests[n]!.auth_scope, requests[n]!.tool_names]);
      });
      const expected = catalogue.map((c, i) => stateOf(c, i)).map((s) => [s.slug, s.auth_scope, s.tool_names]);
      const final = await packConnectors(production, id);
      console.log(`[races/${database}] Merge: ${RACERS} PATCHes over ${catalogue.length} connectors → ${statusTally(statuses)} in ${(performance.now() - started).toFixed(0)} ms; final pack holds ${final.length} connectors`);
      expect([...final].sort(([a], [b]) => a.localeCompare(b))).toEqual([...expected].sort(([a], [b]) => String(a).localeCompare(String(b))));
    });

    it(`keeps one of each connector's racing states, and every connector, when ${RACERS} PATCHes send different tool subsets`, async () => {
      const { production } = mergeClients(server.apiUrls.merge!);
      const id = await createPack(production, [], "PATCH race, subsets");
      const requests = Array.from({ length: RACERS }, (_, n) => {
        const c = catalogue[n % catalogue.length]!;
        const round = Math.floor(n / catalogue.length);
        return { slug: c.slug, auth_scope: SCOPES[round % 3]!, tool_names: [c.tools[round % c.tools.length]!.name] };
      });
      const answers = await Promise.all(
        requests.map((item) => production.PATCH("/tool-packs/{tool_pack_id}/connectors/", { params: { path: { tool_pack_id: id } }, body: [item] })),
      );
      expect(answers.map((a) => a.response.status)).toEqual(Array(RACERS).fill(200));
      const final = await packConnectors(production, id);
      expect(final.map(([slug]) => slug).sort()).toEqual(catalogue.map((c) => c.slug).sort());
      for (const [slug, scope, tools] of final) {
        expect(requests.some((r) => r.slug === slug && r.auth_scope === scope && JSON.stringify(r.tool_names) === JSON.stringify(tools)), `${slug} ${scope} ${tools}`).toBe(true);
      }
    });
  });
});
