import { describe, expect, it } from "vitest";
import type { ApiName } from "../../src/contracts/apiNames.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { masksSecrets, secretFields } from "../../src/contracts/secretFields.js";

/** The secret-bearing request fields the issue names, by operation, as the suite will plant canaries in them. */
const EXPECTED: Record<ApiName, string[]> = {
  wexa: ["changeConnectorStatus data_loader_config.auth"],
  merge: [],
  vern: ["upsertSourceConnection credentials", "submitRunCredentials credentials"],
  evalstudio: ["createConnector headers.*", "updateConnector headers.*"],
};

describe("secret-bearing fields are marked x-secret in the contracts, machine-readably", () => {
  it.each(Object.entries(EXPECTED) as Array<[ApiName, string[]]>)("%s marks exactly %j", (api, expected) => {
    const found = secretFields(loadSpec(api)).map((f) => `${f.operationId} ${f.path.join(".")}`);
    expect(found.sort()).toEqual([...expected].sort());
  });

  it.each(Object.keys(EXPECTED) as ApiName[])("%s: every x-secret schema is also writeOnly", (api) => {
    const walk = (node: unknown): Record<string, unknown>[] =>
      node && typeof node === "object" ? [node as Record<string, unknown>, ...Object.values(node).flatMap(walk)] : [];
    const secrets = walk(loadSpec(api)).filter((n) => n["x-secret"] === true);
    expect(secrets.length).toBeGreaterThanOrEqual(EXPECTED[api].length === 0 ? 0 : 1);
    expect(secrets.filter((n) => n.writeOnly !== true)).toEqual([]);
  });
});

describe("which contracts answer a secret masked rather than never", () => {
  it("EvalStudio masks header values (x-masked); Wexa, Merge and Vern never return a secret", () => {
    expect(masksSecrets(loadSpec("evalstudio"))).toBe(true);
    for (const api of ["wexa", "merge", "vern"] as const) expect(masksSecrets(loadSpec(api)), api).toBe(false);
  });
});
