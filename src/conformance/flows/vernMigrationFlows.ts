import type { Check } from "../check.js";
import type { Answer } from "../context.js";
import { field, FlowFindings } from "./flowAssertions.js";
import { canaryCredentials, catalogOf, connectionQuery, CONTRACT, createMigration, leaveIfCreated, readOnlySkip, SEED_003, stateOf, upsertConnection } from "./vernSupport.js";

/** The docs' own message for a malformed external_id (apis.md V1; the contract's InvalidExternalId example). */
const EXTERNAL_ID_MESSAGE = "external_id must contain only alphanumeric characters, hyphens, and underscores (max 255 chars)";

type Migration = { id?: string; name?: string; source?: string | null; status?: string; templates?: Array<{ slug?: string }> };
type Connection = { id?: string; profile_id?: string | null; source_key?: string; config?: Record<string, unknown>; creds_configured?: boolean };

/** V1–V7: creating migrations idempotently, and a migration's source connection. */
export const vernMigrationFlows: readonly Check[] = [
  {
    name: "vern_migration_idempotency",
    description: "external_id makes V1 idempotent per source and per account; unknown slugs, sources and bad external_ids are refused",
    source: `${CONTRACT} V1 (docs.vern.so API reference "Create a migration")`,
    phase: "flow",
    skipReason: readOnlySkip,
    async run(ctx) {
      const f = new FlowFindings(ctx, this.name, this.source);
      const { sourceName, templateSlugs } = await catalogOf(ctx);
      const create = (body: Record<string, unknown>, auth: "primary" | "secondary" = "primary") =>
        ctx.send({ sentBy: this.name, operationId: "createMigration", body, auth }).then((answer) => (leaveIfCreated(ctx, answer, auth), answer));
      const body = { name: ctx.name("idempotency"), source: sourceName, external_id: ctx.name("idempotency"), templates: templateSlugs.slice(0, 1) };

      const created = await create(body);
      if (!f.status(created, 201, "V1 create a migration with an external_id")) return f.findings;
      const migration = field<Migration>(created, "migration") ?? {};
      f.that(migration.status === "awaiting_files", "V1 a new migration awaits files", created, 'status "awaiting_files"', String(migration.status));
      f.that(migration.source === sourceName, "V1 echoes the source", created, JSON.stringify(sourceName), JSON.stringify(migration.source));
      const slugs = (migration.templates ?? []).map((t) => t.slug);
      f.that(JSON.stringify(slugs) === JSON.stringify(body.templates), "V1 makes one sheet per template asked for", created, `templates ${JSON.stringify(body.templates)}`, JSON.stringify(slugs));

      const replay = await create(body);
      if (f.status(replay, 200, "V1 replay with the same external_id and source")) {
        f.that(field(replay, "migration", "id") === migration.id, "V1 replay answers the existing migration", replay, `migration.id ${migration.id}`, String(field(replay, "migration", "id")));
      }
      // Another source for the same external_id: sourceless when the migration has a source.
      if (sourceName !== null) f.status(await create({ ...body, source: null }), 409, "V1 the same external_id with another source");
      if (ctx.options.secondaryKey) {
        const elsewhere = await create(body, "secondary");
        if (f.status(elsewhere, 201, "V1 the same external_id in another account (idempotency is per account)")) {
          f.that(field(elsewhere, "migration", "id") !== migration.id, "V1 never answers another account's migration", elsewhere, "a new migration id", String(field(elsewhere, "migration", "id")));
        }
      }

      const unknownSlug = `cc-no-such-template-${ctx.runId}`;
      const badSlug = await create({ name: ctx.name("unknown-template"), source: sourceName, templates: [unknownSlug] });
      if (f.status(badSlug, 400, "V1 with an unknown template slug")) {
        const message = String(field(badSlug, "error"));
        f.that(message.startsWith("Unknown template slug(s): ") && message.includes(unknownSlug), "V1 names the unknown slug", badSlug, `error "Unknown template slug(s): ${unknownSlug}"`, message);
      }
      f.status(await create({ name: ctx.name("unknown-source"), source: `cc-no-such-source-${ctx.runId}` }), 404, "V1 with an unknown source");
      for (const [what, externalId] of [["not of letters, digits, - and _", "not valid!"], ["longer than 255 characters", "a".repeat(256)]] as const) {
        const bad = await create({ name: ctx.name("bad-external-id"), external_id: externalId });
        if (f.status(bad, 400, `V1 with an external_id ${what}`)) {
          f.that(field(bad, "error") === EXTERNAL_ID_MESSAGE, `V1 gives the documented message for an external_id ${what}`, bad, `error "${EXTERNAL_ID_MESSAGE}"`, String(field(bad, "error")));
        }
      }
      return f.findings;
    },
  },
  {
    name: "vern_source_connection",
    description: "V6 stores credentials unseen (creds_configured only), updates in place per source_key and profile; V5 reads, V7 deletes",
    source: `${SEED_003} (credentials "never returned"; creds_configured "the only signal exposed about secrets")`,
    phase: "flow",
    skipReason: readOnlySkip,
    async run(ctx) {
      const f = new FlowFindings(ctx, this.name, this.source);
      const migrationId = await createMigration(ctx, this.name, "connection");
      const path = { migration_id: migrationId };
      const read = (query: Record<string, string>) => ctx.send({ sentBy: this.name, operationId: "getSourceConnection", pathParams: path, query });
      const remove = (query: Record<string, string>) => ctx.send({ sentBy: this.name, operationId: "deleteSourceConnection", pathParams: path, query });

      const created = await upsertConnection(ctx, this.name, migrationId, { config: { cc_conformance: "first" }, credentials: canaryCredentials(ctx, "V6 credentials") });
      if (!f.status(created, 201, "V6 create a connection with credentials")) return f.findings;
      const connection = field<Connection>(created, "source_connection") ?? {};
      const query = connectionQuery(stateOf(ctx).sourceKey!, undefined);
      expectStoredUnseen(f, created, "V6");
      f.that(connection.source_key === query.source_key, "V6 keeps the source_key", created, `source_key "${query.source_key}"`, String(connection.source_key));

      const readBack = await read(query);
      if (f.status(readBack, 200, "V5 read the connection")) {
        f.that(field(readBack, "source_connection", "id") === connection.id, "V5 reads the connection V6 made", readBack, `id ${connection.id}`, String(field(readBack, "source_connection", "id")));
        expectStoredUnseen(f, readBack, "V5");
      }
      const updated = await upsertConnection(ctx, this.name, migrationId, { config: { cc_conformance: "second" } });
      if (f.status(updated, 201, "V6 again for the same source_key and profile")) {
        f.that(field(updated, "source_connection", "id") === connection.id, "V6 updates the connection in place", updated, `the same id ${connection.id}`, String(field(updated, "source_connection", "id")));
        f.that(field(updated, "source_connection", "config", "cc_conformance") === "second", "V6 replaces the config", updated, 'config.cc_conformance "second"', JSON.stringify(field(updated, "source_connection", "config")));
      }

      const bound = await upsertConnection(ctx, this.name, migrationId, { profile_id: null });
      const boundQuery = connectionQuery(query.source_key!, null);
      if (f.status(bound, 201, "V6 a workbook-bound connection (profile_id null)")) {
        const boundId = field<string>(bound, "source_connection", "id");
        f.that(field(bound, "source_connection", "profile_id") === null && boundId !== connection.id, "V6 with profile_id null is a connection of its own", bound, `profile_id null and an id other than ${connection.id}`, JSON.stringify({ profile_id: field(bound, "source_connection", "profile_id"), id: boundId }));
        f.that(field(bound, "source_connection", "creds_configured") === false, "V6 without credentials has none configured", bound, "creds_configured false", String(field(bound, "source_connection", "creds_configured")));
        const boundRead = await read(boundQuery);
        if (f.status(boundRead, 200, "V5 with profile_id=workbook")) {
          f.that(field(boundRead, "source_connection", "id") === boundId, "V5 profile_id=workbook reads the connection saved with profile_id null", boundRead, `id ${boundId}`, String(field(boundRead, "source_connection", "id")));
        }
        expectDeleted(f, await remove(boundQuery), "V7 the workbook-bound connection");
        f.status(await read(boundQuery), 404, "V5 profile_id=workbook after V7");
        f.status(await read(query), 200, "V5 the profile's connection after V7 of the workbook-bound one");
      }

      expectDeleted(f, await remove(query), "V7 the connection");
      f.status(await read(query), 404, "V5 after V7");
      return f.findings;
    },
  },
];

/** A connection whose credentials were sent: configured, and nowhere in the answer (the scan of every answer looks for the values). */
function expectStoredUnseen(f: FlowFindings, answer: Answer, step: string): void {
  const connection = field<Record<string, unknown>>(answer, "source_connection") ?? {};
  f.that(connection.creds_configured === true, `${step} says the credentials are configured`, answer, "creds_configured true", String(connection.creds_configured));
  f.that(!("credentials" in connection), `${step} has no credentials property`, answer, "no credentials property (writeOnly, vaulted)", `credentials: ${JSON.stringify(connection.credentials)?.slice(0, 100)}`);
}

function expectDeleted(f: FlowFindings, answer: Answer, step: string): void {
  if (f.status(answer, 200, step)) f.that(field(answer, "deleted") === true, `${step} answers deleted: true`, answer, '{"deleted": true}', answer.text.slice(0, 200));
}
