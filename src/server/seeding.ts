import type { Database } from "./db/database.js";
import type { Fixtures } from "./fixtures.js";
import type { ApiModule } from "./http/apiModule.js";

/** Loads each API's seed data once: on first start, not again after a restart. */
export async function seedIfEmpty(database: Database, modules: readonly ApiModule[], fixtures: Fixtures): Promise<void> {
  for (const module of modules) {
    await seedOnce(database, module).catch((error: unknown) => {
      throw fixtures.explain(module.api, error);
    });
  }
}

function seedOnce(database: Database, module: ApiModule): Promise<void> {
  return database.transaction(async (tx) => {
    // The advisory lock makes a second process starting at the same time wait, then skip.
    await tx.query("select pg_advisory_xact_lock(hashtext($1))", [`seed:${module.api}`]);
    const [done] = await tx.query("select api from seed_state where api = $1", [module.api]);
    if (done) return;
    await module.seed(tx);
    await tx.query("insert into seed_state (api) values ($1)", [module.api]);
  });
}

/** Puts every API back to its seed data: the admin endpoint's reset, for test runs and demos. */
export async function resetToSeed(database: Database, modules: readonly ApiModule[]): Promise<void> {
  await database.transaction(async (tx) => {
    for (const module of modules) {
      if (module.tables.length > 0) await tx.query(`truncate ${module.tables.join(", ")} cascade`);
      // The secrets belonged to the rows just removed; seeding stores its own again.
      await tx.query("delete from vault_secrets where api = $1", [module.api]);
      // Accounts made through /__admin are not seed data: their keys go too.
      await tx.query("delete from mock_account_keys where api = $1", [module.api]);
      await module.seed(tx);
    }
  });
}
