import type { components } from "../../../generated/vern.js";
import type { Fixtures } from "../../fixtures.js";

type Schemas = components["schemas"];

export type Source = Schemas["Source"];

/** A template column; `strictRule.options` lists the only values a strict column accepts. */
export type TemplateColumn = Schemas["TemplateColumn"];

/** A template as fixtures/vern/templates.json holds it: the contract's shape plus `active`. */
export type TemplateDefinition = Omit<Schemas["Template"], "columns"> & { columns: TemplateColumn[]; active: boolean };

/** A connector key that a source connection may use, with what a run asks for when it lacks credentials. */
export type SourceKeyDefinition = {
  name: string;
  category: string | null;
  enabled: boolean;
  /** The streams extracted when a connection selects none. */
  streams: string[];
  reason?: string;
  guidance: Schemas["CredentialGuidance"];
  schema: Record<string, Schemas["CredentialField"]>;
};

/**
 * Vern's global catalog: sources, templates and connector keys. They are the same for every
 * account and never change while the server runs, so they are read once from fixtures/vern/ and
 * held in memory rather than in tables.
 */
export class VernCatalog {
  private constructor(
    readonly sources: readonly Source[],
    private readonly templates: readonly TemplateDefinition[],
    private readonly sourceKeys: Readonly<Record<string, SourceKeyDefinition>>,
  ) {}

  static fromFixtures(fixtures: Fixtures): VernCatalog {
    return new VernCatalog(
      fixtures.read<Source[]>("vern", "sources"),
      fixtures.read<TemplateDefinition[]>("vern", "templates"),
      fixtures.read<Record<string, SourceKeyDefinition>>("vern", "source-keys"),
    );
  }

  /** Inactive templates are invisible: not listed, not fetched, not chosen by slug, not defaulted. */
  activeTemplates(): TemplateDefinition[] {
    return this.templates.filter((t) => t.active);
  }

  activeTemplate(slug: string): TemplateDefinition | undefined {
    return this.templates.find((t) => t.active && t.slug === slug);
  }

  /** Any template by slug, active or not: a migration keeps the sheets it was created with. */
  template(slug: string): TemplateDefinition | undefined {
    return this.templates.find((t) => t.slug === slug);
  }

  /** Sources are addressed by name; the match ignores case and surrounding spaces ("salesforce" is Salesforce). */
  sourceNamed(name: string): Source | undefined {
    const wanted = name.trim().toLowerCase();
    return this.sources.find((s) => s.name.toLowerCase() === wanted);
  }

  /** A connector key a new connection may use: known and enabled. */
  enabledSourceKey(key: string): SourceKeyDefinition | undefined {
    const definition = this.sourceKey(key);
    return definition?.enabled ? definition : undefined;
  }

  sourceKey(key: string): SourceKeyDefinition | undefined {
    return Object.hasOwn(this.sourceKeys, key) ? this.sourceKeys[key] : undefined;
  }
}
