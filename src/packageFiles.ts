import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The one place that knows where the package's own files are. This module sits one folder below
 * the package root both as source (src/packageFiles.ts, which vitest and tsx run) and compiled
 * (dist/packageFiles.js, which `npm start` and an installed package run), so `../` is the root in
 * both, inside a clone and inside node_modules alike. Every path ends in `/`.
 */
const ROOT_URL = new URL("../", import.meta.url);

const at = (relative: string) => fileURLToPath(new URL(relative, ROOT_URL));

export const PACKAGE_FILES = {
  root: at("./"),
  /** The four contracts, openapi/<api>.yaml. */
  openapi: at("openapi/"),
  /** Seed data and sample payloads, fixtures/<api>/. */
  fixtures: at("fixtures/"),
  /** The numbered SQL migrations: kept beside the code that runs them and shipped as they are (tsc copies no .sql). */
  migrations: at("src/server/db/migrations/"),
  /** The four contracts parsed into JSON by `npm run build` (see loadSpec.ts); absent before the first build. */
  parsedContracts: at("dist/contracts/parsed/"),
  /** The admin console's static files (plain HTML, JS and CSS, shipped as they are: tsc copies none of them). */
  adminConsole: at("src/server/admin/console/"),
} as const;

/**
 * True when this code runs from the TypeScript sources (vitest, tsx) rather than from dist/: a
 * worker thread started from the sources must register a TypeScript loader itself.
 */
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith(".ts");

let manifest: { name: string; version: string } | undefined;

/** The package's name and version, from its package.json (which every install carries). */
export function packageManifest(): { name: string; version: string } {
  manifest ??= JSON.parse(readFileSync(new URL("package.json", ROOT_URL), "utf8")) as { name: string; version: string };
  return manifest;
}
