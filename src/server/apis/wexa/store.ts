import type { Sql } from "../../db/database.js";
import { notFound } from "../../http/apiError.js";
import type { Vault } from "../../secrets/vault.js";

export type ConnectorStatus = "pending" | "active" | "inactive";
export type DataLoaderConfig = { source: string; batch_size: number };

export type ConnectorRow = {
  id: string;
  project_id: string;
  name: string;
  description: string | null;
  category: string;
  status: ConnectorStatus;
  data_loader_config: DataLoaderConfig | null;
  auth_secret_id: string | null;
  created_at: Date;
  updated_at: Date;
};

/** A connector as seeding creates it (the contract has no create operation). */
export type NewConnector = {
  id: string;
  accountId: string;
  projectId: string;
  name: string;
  description: string | null;
  category: string;
  status: ConnectorStatus;
  config: DataLoaderConfig | null;
  auth?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};

const CONNECTOR_COLUMNS = "id, project_id, name, description, category, status, data_loader_config, auth_secret_id, created_at, updated_at";

export const projectNotFound = (id: string) => notFound(`Project ${id} not found`);
export const agentflowNotFound = (id: string) => notFound(`Agentflow ${id} not found`);
export const connectorNotFound = (id: string) => notFound(`Connector ${id} not found`);

/**
 * SQL for an account's projects, agentflows and connectors. Every query is scoped by account, so
 * another key's id reads exactly like an unknown one (404). Credentials go to the vault only.
 */
export class WexaStore {
  constructor(private readonly vault: Vault) {}

  async createProject(sql: Sql, project: { id: string; accountId: string; name: string }): Promise<void> {
    await sql.query("insert into wexa_projects (id, account_id, name) values ($1, $2, $3)", [project.id, project.accountId, project.name]);
  }

  async requireProject(sql: Sql, accountId: string, projectId: string): Promise<void> {
    const [row] = await sql.query("select 1 from wexa_projects where id = $1 and account_id = $2", [projectId, accountId]);
    if (!row) throw projectNotFound(projectId);
  }

  async createAgentflow(sql: Sql, agentflow: { id: string; accountId: string; projectId: string; name: string }): Promise<void> {
    await sql.query("insert into wexa_agentflows (id, account_id, project_id, name) values ($1, $2, $3, $4)", [
      agentflow.id,
      agentflow.accountId,
      agentflow.projectId,
      agentflow.name,
    ]);
  }

  /** The agentflow's project; 404 when the account has no such agentflow. */
  async agentflowProject(sql: Sql, accountId: string, agentflowId: string): Promise<string> {
    const [row] = await sql.query<{ project_id: string }>("select project_id from wexa_agentflows where id = $1 and account_id = $2", [
      agentflowId,
      accountId,
    ]);
    if (!row) throw agentflowNotFound(agentflowId);
    return row.project_id;
  }

  async createConnector(sql: Sql, connector: NewConnector): Promise<void> {
    const secretId = connector.auth ? await this.putAuth(sql, connector.auth, null) : null;
    await sql.query(
      `insert into wexa_connectors (id, account_id, project_id, name, description, category, status, data_loader_config, auth_secret_id, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        connector.id,
        connector.accountId,
        connector.projectId,
        connector.name,
        connector.description,
        connector.category,
        connector.status,
        connector.config,
        secretId,
        connector.createdAt,
        connector.updatedAt,
      ],
    );
  }

  listConnectors(sql: Sql, accountId: string, projectId: string, onlyStatus?: ConnectorStatus): Promise<ConnectorRow[]> {
    return sql.query<ConnectorRow>(
      `select ${CONNECTOR_COLUMNS} from wexa_connectors
       where account_id = $1 and project_id = $2 and ($3::text is null or status = $3) order by seq`,
      [accountId, projectId, onlyStatus ?? null],
    );
  }

  async getConnector(sql: Sql, accountId: string, connectorId: string, lock = false): Promise<ConnectorRow> {
    const [row] = await sql.query<ConnectorRow>(
      `select ${CONNECTOR_COLUMNS} from wexa_connectors where id = $1 and account_id = $2${lock ? " for update" : ""}`,
      [connectorId, accountId],
    );
    if (!row) throw connectorNotFound(connectorId);
    return row;
  }

  /** W4: the new status and configuration; `auth` replaces the connector's stored credentials. */
  async changeStatus(
    sql: Sql,
    current: ConnectorRow,
    change: { status: ConnectorStatus; config: DataLoaderConfig; auth: Record<string, unknown> },
  ): Promise<void> {
    const secretId = await this.putAuth(sql, change.auth, current.auth_secret_id);
    await sql.query(
      `update wexa_connectors set status = $2, data_loader_config = $3, auth_secret_id = $4,
         updated_at = greatest(now(), updated_at + interval '1 millisecond')
       where id = $1`,
      [current.id, change.status, change.config, secretId],
    );
  }

  /** W3: the connector and its credentials; 404 unless the account has it in that project. */
  async deleteConnector(sql: Sql, accountId: string, projectId: string, connectorId: string): Promise<void> {
    const [row] = await sql.query<{ auth_secret_id: string | null }>(
      "delete from wexa_connectors where id = $1 and account_id = $2 and project_id = $3 returning auth_secret_id",
      [connectorId, accountId, projectId],
    );
    if (!row) throw connectorNotFound(connectorId);
    if (row.auth_secret_id) await this.vault.remove(sql, row.auth_secret_id);
  }

  private putAuth(sql: Sql, auth: Record<string, unknown>, existingId: string | null): Promise<string> {
    return this.vault.put(sql, { api: "wexa", purpose: "connector data loader auth", value: auth, id: existingId });
  }
}
