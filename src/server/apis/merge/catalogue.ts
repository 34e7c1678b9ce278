import type { components } from "../../../generated/merge.js";
import type { Fixtures } from "../../fixtures.js";

type ConnectorDetail = components["schemas"]["ConnectorDetail"];

/** A catalogue tool: the contract's `Tool` (with its input schema), from which `ToolSummary` is cut. */
type CatalogueTool = components["schemas"]["Tool"];

/** A catalogue connector as fixtures/merge/catalogue.json holds it: `ConnectorDetail` with full tools. */
export type CatalogueConnector = Omit<ConnectorDetail, "tools"> & { tools: CatalogueTool[] };

/**
 * The connector catalogue (M10, M11): global, read-only data, the same for every key, so it is
 * loaded once from fixtures/merge/catalogue.json and kept in memory rather than in tables. A tool
 * pack's connector rows refer to it by slug.
 */
export class Catalogue {
  /** In slug order, the order M10 lists them in [ours]. */
  readonly connectors: readonly CatalogueConnector[];
  private readonly bySlug: ReadonlyMap<string, CatalogueConnector>;
  private readonly byId: ReadonlyMap<string, CatalogueConnector>;

  constructor(connectors: readonly CatalogueConnector[]) {
    this.connectors = [...connectors].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
    this.bySlug = new Map(this.connectors.map((c) => [c.slug, c]));
    this.byId = new Map(this.connectors.map((c) => [c.id.toLowerCase(), c]));
  }

  static fromFixture(fixtures: Fixtures): Catalogue {
    return new Catalogue(fixtures.read<CatalogueConnector[]>("merge", "catalogue"));
  }

  findBySlug(slug: string): CatalogueConnector | undefined {
    return this.bySlug.get(slug);
  }

  /** The deprecated `connector_id` (a uuid, so compared without regard to case). */
  findById(id: string): CatalogueConnector | undefined {
    return this.byId.get(id.toLowerCase());
  }
}
