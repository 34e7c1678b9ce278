import type { operations } from "../../../generated/vern.js";
import type { HandlersOf } from "../../http/apiModule.js";
import { created, ok } from "../../http/responses.js";
import { DEFAULT_PROFILE, type ConnectionAddress } from "./connectionStore.js";
import type { VernContext } from "./context.js";
import { sourceConnectionNotFound, unknownSourceKey } from "./errors.js";
import { presentConnection } from "./presenters.js";
import { CONNECTION_REMOVED } from "./runMachine.js";

type ConnectionOperations = Pick<HandlersOf<operations>, "getSourceConnection" | "upsertSourceConnection" | "deleteSourceConnection">;

/** The literal that addresses the workbook-bound connection (the one saved with `profile_id: null`), seed 003. */
const WORKBOOK = "workbook";

/** V5–V7: a migration's live API source connection, keyed by (migration, connector, profile). */
export function connectionHandlers({ database, catalog, migrations, connections, runs, clock }: VernContext): ConnectionOperations {
  return {
    getSourceConnection: async ({ account, params, query }) => {
      const migration = await migrations.require(database, account.accountId, params.migration_id);
      const connection = await connections.find(database, migration.id, addressOf(query));
      if (!connection) throw sourceConnectionNotFound();
      return ok({ source_connection: presentConnection(connection, catalog) });
    },

    upsertSourceConnection: async ({ account, params, body }) => {
      const migration = await migrations.require(database, account.accountId, params.migration_id);
      if (!catalog.enabledSourceKey(body.source_key)) throw unknownSourceKey(body.source_key);
      const connection = await database.transaction((tx) =>
        connections.upsert(tx, migration, {
          sourceKey: body.source_key,
          profileId: profileOf(body.profile_id),
          config: body.config ?? {},
          selectedStreams: body.selected_streams ?? null,
          streamState: body.stream_state ?? {},
          credentials: body.credentials,
        }),
      );
      // The docs give 201 for the creation and the in-place update alike.
      return created({ source_connection: presentConnection(connection, catalog) });
    },

    deleteSourceConnection: async ({ account, params, query }) => {
      const migration = await migrations.require(database, account.accountId, params.migration_id);
      await database.transaction(async (tx) => {
        const connection = await connections.find(tx, migration.id, addressOf(query));
        if (!connection) throw sourceConnectionNotFound();
        await runs.releaseConnection(tx, connection.id, CONNECTION_REMOVED, clock.now());
        await connections.remove(tx, connection);
      });
      return ok({ deleted: true });
    },
  };
}

function addressOf(query: { source_key?: string; profile_id?: string }): ConnectionAddress {
  return { profileId: profileOf(query.profile_id), ...(query.source_key ? { sourceKey: query.source_key } : {}) };
}

/**
 * The profile a request means: omitted (or empty) is the default profile; null is the workbook
 * binding, and so is the literal `workbook`, which reads and deletes address it by (a profile
 * named "workbook" could otherwise be written but never read back).
 */
function profileOf(profileId: string | null | undefined): string | null {
  if (profileId === undefined || profileId === "") return DEFAULT_PROFILE;
  if (profileId === null || profileId === WORKBOOK) return null;
  return profileId;
}
