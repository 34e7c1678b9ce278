import type { Sql } from "../../db/database.js";
import type { Fixtures } from "../../fixtures.js";
import type { ConnectorInput, EvalstudioStore } from "./store.js";

type ProjectFixture = { id: string; name: string };
type ConnectorFixture = ConnectorInput & { id: string; projectId: string };

/** fixtures/evalstudio: projects, and connectors pointing at a local LangGraph server. */
export async function seedEvalstudio(sql: Sql, fixtures: Fixtures, store: EvalstudioStore): Promise<void> {
  for (const project of fixtures.read<ProjectFixture[]>("evalstudio", "projects")) await store.createProject(sql, project.name, project.id);
  for (const { id, projectId, ...input } of fixtures.read<ConnectorFixture[]>("evalstudio", "connectors")) {
    await store.createConnector(sql, projectId, input, id);
  }
}
