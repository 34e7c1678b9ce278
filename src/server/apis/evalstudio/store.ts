import { randomUUID } from "node:crypto";
import type { Sql } from "../../db/database.js";
import { isUniqueViolation } from "../../db/database.js";
import { conflict, notFound } from "../../http/apiError.js";
import type { Vault } from "../../secrets/vault.js";

export type ProjectRow = { id: string; name: string };

export type ConnectorRow = {
  id: string;
  project_id: string;
  name: string;
  type: string;
  base_url: string;
  header_names: string[];
  headers_secret_id: string | null;
  config: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
};

export type ConnectorInput = {
  name: string;
  type: string;
  baseUrl: string;
  headers?: Record<string, string>;
  config?: Record<string, unknown>;
};

const NAME_KEY = "evalstudio_connectors_name_key";
const CONNECTOR_COLUMNS = "id, project_id, name, type, base_url, header_names, headers_secret_id, config, created_at, updated_at";

export const nameTaken = (name: string) => conflict(`Connector with name "${name}" already exists`);
export const projectNotFound = () => notFound("Project not found");
export const connectorNotFound = () => notFound("Connector not found");

/** SQL for EvalStudio's projects and connectors; header values go through the vault, never a row. */
export class EvalstudioStore {
  constructor(private readonly vault: Vault) {}

  listProjects(sql: Sql) {
    return sql.query<ProjectRow>("select id, name from evalstudio_projects order by seq");
  }

  async createProject(sql: Sql, name: string, id: string = randomUUID()): Promise<ProjectRow> {
    const [row] = await sql.query<ProjectRow>("insert into evalstudio_projects (id, name) values ($1, $2) returning id, name", [id, name]);
    return row!;
  }

  async requireProject(sql: Sql, projectId: string): Promise<void> {
    const [row] = await sql.query("select 1 from evalstudio_projects where id = $1", [projectId]);
    if (!row) throw projectNotFound();
  }

  async deleteProject(sql: Sql, projectId: string): Promise<void> {
    const secrets = await sql.query<{ headers_secret_id: string }>(
      "select headers_secret_id from evalstudio_connectors where project_id = $1 and headers_secret_id is not null",
      [projectId],
    );
    const deleted = await sql.query("delete from evalstudio_projects where id = $1 returning id", [projectId]);
    if (deleted.length === 0) throw projectNotFound();
    for (const { headers_secret_id } of secrets) await this.vault.remove(sql, headers_secret_id);
  }

  listConnectors(sql: Sql, projectId: string) {
    return sql.query<ConnectorRow>(`select ${CONNECTOR_COLUMNS} from evalstudio_connectors where project_id = $1 order by seq`, [projectId]);
  }

  async getConnector(sql: Sql, projectId: string, id: string): Promise<ConnectorRow> {
    const [row] = await sql.query<ConnectorRow>(`select ${CONNECTOR_COLUMNS} from evalstudio_connectors where project_id = $1 and id = $2`, [projectId, id]);
    if (!row) throw connectorNotFound();
    return row;
  }

  async createConnector(sql: Sql, projectId: string, input: ConnectorInput, id: string = randomUUID()): Promise<ConnectorRow> {
    const secretId = input.headers && Object.keys(input.headers).length > 0
      ? await this.vault.put(sql, { api: "evalstudio", purpose: "connector headers", value: input.headers })
      : null;
    try {
      const [row] = await sql.query<ConnectorRow>(
        `insert into evalstudio_connectors (id, project_id, name, type, base_url, header_names, headers_secret_id, config)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${CONNECTOR_COLUMNS}`,
        [id, projectId, input.name, input.type, input.baseUrl, JSON.stringify(Object.keys(input.headers ?? {})), secretId, input.config ?? null],
      );
      return row!;
    } catch (error) {
      if (isUniqueViolation(error, NAME_KEY)) throw nameTaken(input.name);
      throw error;
    }
  }

  /** Applies an update; `headers` and `config`, when present, replace the stored ones (seed 004). */
  async updateConnector(sql: Sql, current: ConnectorRow, changes: Partial<ConnectorInput>): Promise<ConnectorRow> {
    let headerNames = current.header_names;
    let secretId = current.headers_secret_id;
    if (changes.headers !== undefined) {
      headerNames = Object.keys(changes.headers);
      if (headerNames.length === 0) {
        if (secretId) await this.vault.remove(sql, secretId);
        secretId = null;
      } else {
        secretId = await this.vault.put(sql, { api: "evalstudio", purpose: "connector headers", value: changes.headers, id: secretId });
      }
    }
    try {
      const [row] = await sql.query<ConnectorRow>(
        `update evalstudio_connectors set name = $2, type = $3, base_url = $4, header_names = $5, headers_secret_id = $6,
           config = $7, updated_at = greatest(now(), updated_at + interval '1 millisecond')
         where id = $1 returning ${CONNECTOR_COLUMNS}`,
        [
          current.id,
          changes.name ?? current.name,
          changes.type ?? current.type,
          changes.baseUrl ?? current.base_url,
          JSON.stringify(headerNames),
          secretId,
          changes.config !== undefined ? changes.config : current.config,
        ],
      );
      return row!;
    } catch (error) {
      if (isUniqueViolation(error, NAME_KEY)) throw nameTaken(changes.name ?? current.name);
      throw error;
    }
  }

  async deleteConnector(sql: Sql, projectId: string, id: string): Promise<void> {
    const [row] = await sql.query<{ headers_secret_id: string | null }>(
      "delete from evalstudio_connectors where project_id = $1 and id = $2 returning headers_secret_id",
      [projectId, id],
    );
    if (!row) throw connectorNotFound();
    if (row.headers_secret_id) await this.vault.remove(sql, row.headers_secret_id);
  }

  /** The stored header values, for calling the agent server only. */
  async headerValues(sql: Sql, connector: ConnectorRow): Promise<Record<string, string>> {
    if (!connector.headers_secret_id) return {};
    return (await this.vault.read<Record<string, string>>(sql, connector.headers_secret_id)) ?? {};
  }
}
