import type { Sql } from "../../db/database.js";
import { readFixture } from "../../fixtures.js";
import type { ConnectorInput, EvalstudioStore } from "./store.js";

type ProjectFixture = { id: string; name: string };
type ConnectorFixture = ConnectorInput & { id: string; projectId: string };

/** fixtures/evalstudio: projects, and connectors pointing at a local LangGraph server. */
export async function seedEvalstudio(sql: Sql, store: EvalstudioStore): Promise<void> {
  for (const project of readFixture<ProjectFixture[]>("evalstudio", "projects")) await store.createProject(sql, project.name, project.id);
  for (const { id, projectId, ...input } of readFixture<ConnectorFixture[]>("evalstudio", "connectors")) {
    await store.createConnector(sql, projectId, input, id);
  }
}
