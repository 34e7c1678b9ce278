import { readFileSync } from "node:fs";
import type { ApiName } from "../contracts/apiNames.js";
import { PACKAGE_FILES } from "../packageFiles.js";
import type { DevKey } from "./http/apiModule.js";

export const FIXTURES_DIR = PACKAGE_FILES.fixtures;

/** Reads fixtures/<api>/<file>.json. Seed data is data on disk, not code. */
export function readFixture<T>(api: ApiName, file: string): T {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}${api}/${file}.json`, "utf8")) as T;
}

/** The development keys of an API (fixtures/<api>/keys.json); EvalStudio has none. */
export function readDevKeys(api: ApiName): DevKey[] {
  return readFixture<DevKey[]>(api, "keys");
}
