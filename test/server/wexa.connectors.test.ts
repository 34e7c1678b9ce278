import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Vault } from "../../src/server/secrets/vault.js";
import { tablesContaining, vaultHoldsPlaintext } from "../support/databaseScan.js";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { ACME_KEY, SEED, SEEDED_SECRETS, startWexa, type WexaHarness } from "./wexa.support.js";

const PLANTED = "planted-wexa-password-7f3c2a";
const changeBody = (connectorID: string, new_status: "pending" | "active" | "inactive", auth: Record<string, unknown> = { username: "admin", password: PLANTED }) => ({
  new_status,
  connectorID,
  data_loader_config: { source: "mongodb", batch_size: 100, auth },
});

describe.each(DATABASE_TARGETS)("Wexa connectors (W1–W5) on %s", (database) => {
  let h: WexaHarness;
  const wexaSecretCount = async () =>
    (await h.server.database.query<{ n: number }>("select count(*)::int as n from vault_secrets where api = 'wexa'"))[0]!.n;
  const authSecretId = async (connectorId: string) =>
    (await h.server.database.query<{ auth_secret_id: string | null }>("select auth_secret_id from wexa_connectors where id = $1", [connectorId]))[0]?.auth_secret_id;

  beforeAll(async () => {
    h = await startWexa(database);
  });
  beforeEach(async () => h.reset());
  afterAll(async () => h?.server.stop());

  describe("authentication", () => {
    it.each([
      ["no x-api-key header", undefined, "Missing x-api-key header"],
      ["a blank x-api-key header", "   ", "Invalid API key"],
      ["an unknown key", "wx-dev-nobody-00000000000000000000", "Invalid API key"],
    ])("answers 401 with the error body for %s", async (_case, key, message) => {
      const anonymous = h.client(key);
      const read = await anonymous.GET("/connector/{connector_id}", { params: { path: { connector_id: SEED.salesMailbox } } });
      const change = await anonymous.POST("/connectors/change_status", { body: changeBody(SEED.salesMailbox, "inactive") });
      for (const answer of [read, change]) {
        expect(answer.response.status).toBe(401);
        expect(answer.error).toEqual({ status: "error", message });
      }
      const unchanged = await h.acme.GET("/connector/{connector_id}", { params: { path: { connector_id: SEED.salesMailbox } } });
      expect(unchanged.data!.status).toBe("active");
    });
  });

  describe("W1 list a project's connectors", () => {
    it("lists the project's connectors oldest first, saying whether credentials are on file, never showing them", async () => {
      const { data, response } = await h.acme.GET("/connectors/{projectID}", { params: { path: { projectID: SEED.salesProject } } });
      expect(response.status).toBe(200);
      expect(data!.map((c) => [c._id, c.status, c.auth_configured])).toEqual([
        [SEED.salesMailbox, "active", true],
        [SEED.supportInbox, "pending", false],
        [SEED.linkedinOutreach, "inactive", true],
      ]);
      expect(data![0]).toEqual({
        _id: SEED.salesMailbox,
        projectID: SEED.salesProject,
        name: "Sales mailbox",
        description: "Loads the sales team's customer records.",
        category: "mail",
        status: "active",
        data_loader_config: { source: "mongodb", batch_size: 100 },
        auth_configured: true,
        created_at: "2025-04-21T12:00:00.000Z",
        updated_at: "2025-04-25T10:34:49.000Z",
      });
      for (const secret of SEEDED_SECRETS) expect(JSON.stringify(data)).not.toContain(secret);
    });

    it.each([
      ["an unknown project", () => SEED.unknownObjectId, "Project 0123456789abcdef01234567 not found"],
      ["another account's project", () => SEED.globexProject, `Project ${SEED.globexProject} not found`],
      // The shared router answers a malformed path id 404 (operationRouter); the contract's text says 400.
      ["a malformed project id", () => "not-an-object-id", "Project not found"],
    ])("answers 404 for %s", async (_case, projectID, message) => {
      const { error, response } = await h.acme.GET("/connectors/{projectID}", { params: { path: { projectID: projectID() } } });
      expect(response.status).toBe(404);
      expect(error).toEqual({ status: "error", message });
    });
  });

  describe("W2 get a connector", () => {
    it("returns the account's connector", async () => {
      const { data } = await h.globex.GET("/connector/{connector_id}", { params: { path: { connector_id: SEED.globexWhatsapp } } });
      expect(data).toMatchObject({ _id: SEED.globexWhatsapp, category: "whatsapp", status: "active", auth_configured: true });
    });

    it.each([
      ["another account's connector", SEED.salesMailbox],
      ["an unknown connector", SEED.unknownObjectId],
    ])("answers 404 for %s, exactly as for an unknown id", async (_case, connector_id) => {
      const { error, response } = await h.globex.GET("/connector/{connector_id}", { params: { path: { connector_id } } });
      expect(response.status).toBe(404);
      expect(error).toEqual({ status: "error", message: `Connector ${connector_id} not found` });
    });
  });

  describe("W3 delete a connector", () => {
    it("deletes the connector and its stored credentials; the id then answers 404", async () => {
      const before = await wexaSecretCount();
      const { data } = await h.acme.DELETE("/connector/{connector_id}", {
        params: { path: { connector_id: SEED.salesMailbox }, query: { projectID: SEED.salesProject } },
      });
      expect(data).toEqual({ status: "success", message: `Deleted connector ${SEED.salesMailbox}` });
      expect(await wexaSecretCount()).toBe(before - 1);
      const read = await h.acme.GET("/connector/{connector_id}", { params: { path: { connector_id: SEED.salesMailbox } } });
      expect(read.response.status).toBe(404);
      const again = await h.acme.DELETE("/connector/{connector_id}", {
        params: { path: { connector_id: SEED.salesMailbox }, query: { projectID: SEED.salesProject } },
      });
      expect(again.response.status).toBe(404);
      const list = await h.acme.GET("/connectors/{projectID}", { params: { path: { projectID: SEED.salesProject } } });
      expect(list.data!.map((c) => c._id)).toEqual([SEED.supportInbox, SEED.linkedinOutreach]);
    });

    it.each([
      ["the account's other project", () => h.acme, SEED.socialProject],
      ["another account", () => h.globex, SEED.salesProject],
    ])("answers 404 and deletes nothing when the connector is asked for through %s", async (_case, who, projectID) => {
      const { response } = await who().DELETE("/connector/{connector_id}", { params: { path: { connector_id: SEED.salesMailbox }, query: { projectID } } });
      expect(response.status).toBe(404);
      const read = await h.acme.GET("/connector/{connector_id}", { params: { path: { connector_id: SEED.salesMailbox } } });
      expect(read.response.status).toBe(200);
    });

    it("answers 400 naming query.projectID when the project is missing", async () => {
      const response = await fetch(`${h.server.apiUrls.wexa}/connector/${SEED.salesMailbox}`, { method: "DELETE", headers: { "x-api-key": ACME_KEY } });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ status: "error", errors: [{ field: "query.projectID", message: "is required" }] });
    });
  });

  describe("W4 change a connector's status", () => {
    it("stores status and configuration, answers the seed's message, and keeps the credentials in the vault only", async () => {
      const secretId = await authSecretId(SEED.salesMailbox);
      const { data, response } = await h.acme.POST("/connectors/change_status", { body: changeBody(SEED.salesMailbox, "pending") });
      expect(response.status).toBe(200);
      expect(data).toEqual({ status: "success", message: `Updated connector status to pending for connectorID ${SEED.salesMailbox}` });
      const read = await h.acme.GET("/connector/{connector_id}", { params: { path: { connector_id: SEED.salesMailbox } } });
      expect(read.data).toMatchObject({ status: "pending", data_loader_config: { source: "mongodb", batch_size: 100 }, auth_configured: true });
      expect(Date.parse(read.data!.updated_at)).toBeGreaterThan(Date.parse("2025-04-25T10:34:49Z"));
      // The new credentials replace the old ones under the same vault entry.
      expect(await authSecretId(SEED.salesMailbox)).toBe(secretId);
      const vault = new Vault(h.server.config.vaultKey);
      expect(await vault.read(h.server.database, secretId!)).toEqual({ username: "admin", password: PLANTED });
      expect(await tablesContaining(h.server.database, PLANTED)).toEqual([]);
      expect(await vaultHoldsPlaintext(h.server.database, PLANTED)).toBe(false);
      expect(h.server.logs.filter((line) => line.includes(PLANTED))).toEqual([]);
      expect(h.responses.filter((r) => r.body.includes(PLANTED))).toEqual([]);
    });

    it("puts a first secret in the vault for a connector that had none", async () => {
      const before = await wexaSecretCount();
      await h.acme.POST("/connectors/change_status", { body: changeBody(SEED.supportInbox, "active", { api_key: PLANTED }) });
      expect(await wexaSecretCount()).toBe(before + 1);
      const read = await h.acme.GET("/connector/{connector_id}", { params: { path: { connector_id: SEED.supportInbox } } });
      expect(read.data).toMatchObject({ status: "active", auth_configured: true, data_loader_config: { source: "mongodb", batch_size: 100 } });
    });

    it.each([
      ["another account's connector", SEED.globexWhatsapp],
      ["an unknown connector", SEED.unknownObjectId],
    ])("answers 404 for %s and changes nothing", async (_case, connectorID) => {
      const { error, response } = await h.acme.POST("/connectors/change_status", { body: changeBody(connectorID, "inactive") });
      expect(response.status).toBe(404);
      expect(error).toEqual({ status: "error", message: `Connector ${connectorID} not found` });
      const globexView = await h.globex.GET("/connector/{connector_id}", { params: { path: { connector_id: SEED.globexWhatsapp } } });
      expect(globexView.data!.status).toBe("active");
    });

    it.each([
      ["an unknown status", { ...changeBody(SEED.salesMailbox, "active"), new_status: "paused" }, "new_status"],
      ["an unknown field (the body is closed)", { ...changeBody(SEED.salesMailbox, "active"), status: "active" }, "status"],
      ["no auth", { new_status: "active", connectorID: SEED.salesMailbox, data_loader_config: { source: "api", batch_size: 5 } }, "data_loader_config.auth"],
      ["a batch size of 0", { new_status: "active", connectorID: SEED.salesMailbox, data_loader_config: { source: "api", batch_size: 0, auth: {} } }, "data_loader_config.batch_size"],
      ["a malformed connectorID", { ...changeBody(SEED.salesMailbox, "active"), connectorID: "68063653" }, "connectorID"],
    ])("answers 400 naming the field for %s", async (_case, body, field) => {
      const { error, response } = await h.acme.POST("/connectors/change_status", { body: body as never });
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ status: "error", message: "Invalid request body" });
      expect(error!.errors!.map((e) => e.field)).toContain(field);
    });

    it("answers 400 for malformed JSON", async () => {
      const response = await fetch(`${h.server.apiUrls.wexa}/connectors/change_status`, {
        method: "POST",
        headers: { "x-api-key": ACME_KEY, "content-type": "application/json" },
        body: '{"new_status":',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ status: "error" });
    });
  });

  describe("W5 list trigger actions", () => {
    const triggers = (projectID: string, query: string = projectID, who = () => h.acme) =>
      who().GET("/connectors/{projectID}/trigger_actions", { params: { path: { projectID }, query: { projectID: query } } });

    it("offers the triggers of the project's active connectors only, and follows W4", async () => {
      const { data } = await triggers(SEED.salesProject);
      expect(data!.map((t) => [t.connector_id, t.trigger])).toEqual([
        [SEED.salesMailbox, "new_email"],
        [SEED.salesMailbox, "new_attachment"],
      ]);
      expect(data![0]).toEqual({
        connector_id: SEED.salesMailbox,
        connector_name: "Sales mailbox",
        category: "mail",
        trigger: "new_email",
        name: "New email received",
        description: "Starts an agentflow when a new email arrives in the mailbox.",
      });
      await h.acme.POST("/connectors/change_status", { body: changeBody(SEED.linkedinOutreach, "active") });
      await h.acme.POST("/connectors/change_status", { body: changeBody(SEED.salesMailbox, "inactive") });
      const after = await triggers(SEED.salesProject);
      expect(after.data!.map((t) => [t.connector_id, t.trigger])).toEqual([
        [SEED.linkedinOutreach, "new_message"],
        [SEED.linkedinOutreach, "new_connection_request"],
      ]);
    });

    it("answers 400 naming query.projectID when it differs from the path's", async () => {
      const { error, response } = await triggers(SEED.salesProject, SEED.socialProject);
      expect(response.status).toBe(400);
      expect(error).toEqual({ status: "error", message: "Invalid parameter", errors: [{ field: "query.projectID", message: "must equal path.projectID" }] });
    });

    it("answers 404 for another account's project", async () => {
      const { response } = await triggers(SEED.salesProject, SEED.salesProject, () => h.globex);
      expect(response.status).toBe(404);
    });
  });
});
