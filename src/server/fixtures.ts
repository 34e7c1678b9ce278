import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ApiName } from "../contracts/apiNames.js";
import type { DevKey } from "./http/apiModule.js";

export const FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/", import.meta.url));

/** Reads fixtures/<api>/<file>.json. Seed data is data on disk, not code. */
export function readFixture<T>(api: ApiName, file: string): T {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}${api}/${file}.json`, "utf8")) as T;
}

/** The development keys of an API (fixtures/<api>/keys.json); EvalStudio has none. */
export function readDevKeys(api: ApiName): DevKey[] {
  return readFixture<DevKey[]>(api, "keys");
}
