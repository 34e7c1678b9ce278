import { loadSpec } from "../src/contracts/loadSpec.js";
import { readDevKeys, readFixture } from "../src/server/fixtures.js";

/**
 * The routes every target is loaded with: Merge Agent Handler's tool packs (M1 list, M3 get, M2
 * create). Merge is the API where all three are natural and every layer works on each request:
 * a Bearer key is checked (EvalStudio has no auth), the body of a create is validated against a
 * closed schema with catalogue lookups, every answer joins two tables scoped to the key's account,
 * and no rate limit is on by default (Vern's 100 requests a minute would turn the load into 429s).
 */
export const BENCH_API = "merge" as const;

export type RouteName = "list" | "get" | "create";

export type Route = Readonly<{
  name: RouteName;
  kind: "read" | "write";
  method: "GET" | "POST";
  /** Relative to the API's base URL on a target. */
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
}>;

type ToolPackFixture = { id: string };
type MediaType = { examples?: Record<string, { value?: unknown }> };
type Operation = { requestBody?: { content?: Record<string, MediaType> } };

/** The three routes, built from the contract and the seed data so that Prism (from its examples) and the reference server (from its seed) both answer 2xx. */
export function benchRoutes(): readonly Route[] {
  // Reads use the primary key, whose account owns the seeded packs; creates use the second key,
  // so the rows they add never change what the reads return, whatever the order of the routes.
  const [reader, writer] = readDevKeys(BENCH_API);
  if (!reader || !writer) throw new Error(`fixtures/${BENCH_API}/keys.json needs two keys`);
  // The first seeded pack's id is also the contract's example id, so Prism answers it with 200.
  const seededPack = readFixture<ToolPackFixture[]>(BENCH_API, "tool_packs")[0];
  if (!seededPack) throw new Error(`fixtures/${BENCH_API}/tool_packs.json is empty`);
  const create = loadSpec(BENCH_API).paths["/tool-packs/"]?.post as Operation | undefined;
  // The vendor's own request example: valid for both servers by construction.
  const createBody = create?.requestBody?.content?.["application/json"]?.examples?.fromDocs?.value;
  if (createBody === undefined) throw new Error("openapi/merge.yaml: POST /tool-packs/ has no request example named fromDocs");

  const bearer = (key: string) => ({ authorization: `Bearer ${key}`, accept: "application/json" });
  return [
    { name: "list", kind: "read", method: "GET", path: "/tool-packs/", headers: bearer(reader.key) },
    { name: "get", kind: "read", method: "GET", path: `/tool-packs/${seededPack.id}/`, headers: bearer(reader.key) },
    {
      name: "create",
      kind: "write",
      method: "POST",
      path: "/tool-packs/",
      headers: { ...bearer(writer.key), "content-type": "application/json" },
      body: JSON.stringify(createBody),
    },
  ];
}
