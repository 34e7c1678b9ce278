import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { isApiName, type ApiName } from "../contracts/apiNames.js";
import { PACKAGE_FILES } from "../packageFiles.js";
import type { DevKey } from "./http/apiModule.js";

export const FIXTURES_DIR = PACKAGE_FILES.fixtures;

/** Seed data a user's folder holds that the server cannot use: the message names the file. */
export class SeedDataError extends Error {}

/**
 * Where each API's seed data comes from: fixtures/<api>/<file>.json, or the same file in the
 * user's own folder (--seed-dir / SEED_DIR, same layout) when it has one. Seed data is data on
 * disk, not code; the folder is checked whole when the server starts, so a typo stops it there.
 */
export class Fixtures {
  private constructor(readonly seedDir: string | undefined) {}

  static builtIn(): Fixtures {
    return new Fixtures(undefined);
  }

  /** The user's folder, checked: only known APIs and files, each valid JSON of the built-in file's shape. */
  static withSeedDir(seedDir: string): Fixtures {
    const dir = resolve(seedDir);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SeedDataError(`Seed folder ${dir} does not exist or is not a folder.`);
    for (const api of readdirSync(dir)) {
      if (api.startsWith(".")) continue;
      if (!isApiName(api) || !existsSync(join(FIXTURES_DIR, api))) throw new SeedDataError(`${join(dir, api)}: not an API's folder (expected wexa, merge, vern or evalstudio).`);
      const known = readdirSync(join(FIXTURES_DIR, api)).filter((f) => f.endsWith(".json"));
      for (const file of readdirSync(join(dir, api))) {
        if (file.startsWith(".")) continue;
        const path = join(dir, api, file);
        if (!known.includes(file)) throw new SeedDataError(`${path}: not a seed file of ${api} (expected one of ${known.join(", ")}).`);
        const expected = shapeOf(parseJson(join(FIXTURES_DIR, api, file)));
        const found = shapeOf(parseJson(path));
        if (found !== expected) throw new SeedDataError(`${path}: must hold a JSON ${expected}, as fixtures/${api}/${file} does; it holds a JSON ${found}.`);
      }
    }
    return new Fixtures(dir);
  }

  /** The path <api>/<file>.json is read from. */
  pathOf(api: ApiName, file: string): string {
    const own = this.seedDir && join(this.seedDir, api, `${file}.json`);
    return own && existsSync(own) ? own : join(FIXTURES_DIR, api, `${file}.json`);
  }

  read<T>(api: ApiName, file: string): T {
    return parseJson(this.pathOf(api, file)) as T;
  }

  /** The development keys of an API (<api>/keys.json); EvalStudio has none. */
  devKeys(api: ApiName): DevKey[] {
    return this.read<DevKey[]>(api, "keys");
  }

  /** Says which files a refusal of the seed data came from, when they are the user's. */
  explain(api: ApiName, error: unknown): unknown {
    if (!this.seedDir || !existsSync(join(this.seedDir, api))) return error;
    const files = readdirSync(join(this.seedDir, api)).map((f) => join(this.seedDir!, api, f));
    return new SeedDataError(`The seed data of ${api} in ${files.join(", ")} was refused: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new SeedDataError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

const shapeOf = (value: unknown) => (Array.isArray(value) ? "array" : value === null ? "null" : typeof value);

const builtIn = Fixtures.builtIn();

/** Reads fixtures/<api>/<file>.json (the built-in seed data; tests use it to know the seed). */
export function readFixture<T>(api: ApiName, file: string): T {
  return builtIn.read<T>(api, file);
}

/** The built-in development keys of an API (fixtures/<api>/keys.json). */
export function readDevKeys(api: ApiName): DevKey[] {
  return builtIn.devKeys(api);
}
