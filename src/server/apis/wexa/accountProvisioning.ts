import { randomBytes } from "node:crypto";
import type { Sql } from "../../db/database.js";
import type { WexaStore } from "./store.js";

/** A MongoDB-style id (24 hex digits), as the contract's ObjectId. */
const objectId = () => randomBytes(12).toString("hex");

/**
 * What a fresh /__admin account starts with in Wexa: one project and one agentflow, because the
 * API has no operation that creates either, and without them no execution can be made.
 */
export async function provisionWexaAccount(sql: Sql, store: WexaStore, accountId: string): Promise<Record<string, string>> {
  const projectID = objectId();
  const agentflowId = objectId();
  await store.createProject(sql, { id: projectID, accountId, name: "End-to-end tests" });
  await store.createAgentflow(sql, { id: agentflowId, accountId, projectId: projectID, name: "End-to-end agentflow" });
  return { projectID, agentflow_id: agentflowId };
}
