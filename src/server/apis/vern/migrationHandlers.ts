import { randomUUID } from "node:crypto";
import type { operations } from "../../../generated/vern.js";
import type { HandlersOf } from "../../http/apiModule.js";
import { created, ok } from "../../http/responses.js";
import type { Sheet } from "./agentScript.js";
import type { VernCatalog } from "./catalog.js";
import type { VernContext } from "./context.js";
import { externalIdTaken, nameRequired, sourceNotFound, templateNotFound, unknownTemplateSlugs } from "./errors.js";
import { presentMigration, presentTemplate } from "./presenters.js";

type MigrationOperations = Pick<HandlersOf<operations>, "createMigration" | "listSources" | "listTemplates" | "getTemplate">;

/** V1–V4: create a migration; the global catalog of sources and templates. */
export function migrationHandlers({ database, catalog, migrations }: VernContext): MigrationOperations {
  return {
    createMigration: async ({ account, body }) => {
      if (body.name.trim() === "") throw nameRequired();
      const sheets = sheetsFor(catalog, body.templates);
      const source = sourceNameOf(catalog, body.source);
      const externalId = body.external_id ?? null;
      const { row, created: isNew } = await migrations.create(database, account.accountId, { name: body.name, source, externalId, sheets });
      if (isNew) return created({ migration: presentMigration(row) });
      // Idempotent replay: the same external_id with the same source is the same migration (apis.md V1).
      if (row.source !== source) throw externalIdTaken(externalId!);
      return ok({ migration: presentMigration(row) });
    },

    listSources: async () => ok({ sources: catalog.sources }),

    listTemplates: async () => ok({ templates: catalog.activeTemplates().map(presentTemplate) }),

    getTemplate: async ({ params }) => {
      const template = catalog.activeTemplate(params.template_slug);
      if (!template) throw templateNotFound();
      return ok({ template: presentTemplate(template) });
    },
  };
}

/** One sheet per chosen template (each slug once, in the order given); omitted, every active template. */
function sheetsFor(catalog: VernCatalog, slugs: string[] | undefined): Sheet[] {
  const wanted = slugs === undefined ? catalog.activeTemplates().map((t) => t.slug) : [...new Set(slugs)];
  const unknown = wanted.filter((slug) => !catalog.activeTemplate(slug));
  if (unknown.length > 0) throw unknownTemplateSlugs(unknown);
  return wanted.map((slug) => ({ slug, name: catalog.activeTemplate(slug)!.name, sheet_id: randomUUID() }));
}

/** The source's canonical name; omitted, null or blank is a sourceless migration. */
function sourceNameOf(catalog: VernCatalog, source: string | null | undefined): string | null {
  if (source === undefined || source === null || source.trim() === "") return null;
  const found = catalog.sourceNamed(source);
  if (!found) throw sourceNotFound(source);
  return found.name;
}
