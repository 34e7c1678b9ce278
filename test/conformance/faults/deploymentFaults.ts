import type { Fault, ProxiedRequest, RawHeaders } from "./faultyServer.js";

/**
 * Servers unlike the reference server, as a platform engineer meets them in staging: each breaks
 * a promise the suite makes about itself (it leaves nothing behind, finds its own keys in answers,
 * and sees another account's writes), not only a rule of the contract.
 */

const header = (headers: RawHeaders, name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
const pathOf = (request: ProxiedRequest) => request.url.split("?")[0]!;
const jsonBody = (request: ProxiedRequest): unknown => {
  try {
    return JSON.parse(request.body.toString("utf8"));
  } catch {
    return undefined;
  }
};

/**
 * Merge: a POST /tool-packs/ whose body breaks the schema (a wrong-typed or missing name, unknown
 * fields) is not refused but "repaired" and created, under a name outside the run's prefix.
 */
export function acceptsWrongTypes(): Fault {
  return async (request, forward) => {
    if (request.method !== "POST" || !/\/tool-packs\/$/.test(pathOf(request))) return forward(request);
    const body = jsonBody(request);
    if (!body || typeof body !== "object" || Array.isArray(body)) return forward(request);
    const record = body as Record<string, unknown>;
    if (typeof record.name === "string" && Object.keys(record).every((k) => ["name", "description", "connectors"].includes(k))) return forward(request);
    const repaired = { name: `accepted-${JSON.stringify(record.name ?? "unnamed").slice(0, 40)}`, description: "made from a request the contract forbids" };
    return forward({ ...request, body: Buffer.from(JSON.stringify(repaired)), headers: request.headers.filter(([n]) => n.toLowerCase() !== "content-length") });
  };
}

/** Vern: every answer to GET /sources names the key that asked, in a header and in the body. */
export function echoesTheKey(): Fault {
  return async (request, forward) => {
    const answer = await forward(request);
    if (request.method !== "GET" || !pathOf(request).endsWith("/sources") || answer.status !== 200) return answer;
    const key = header(request.headers, "x-api-key") ?? "";
    const body = JSON.parse(answer.body.toString("utf8")) as Record<string, unknown>;
    return {
      ...answer,
      headers: [...answer.headers.filter(([n]) => n.toLowerCase() !== "content-length"), ["x-requested-by", key]],
      body: Buffer.from(JSON.stringify({ ...body, requested_by: key })),
    };
  };
}

/**
 * Vern: another account's key may write to a migration (upsert its connection, start, cancel,
 * answer, submit credentials to its runs): the request goes on with the owner's key. Reads stay
 * isolated, so only a check that sends writes sees it.
 */
export function letsAnotherAccountWrite(ownerKey: string, otherKey: string): Fault {
  return async (request, forward) => {
    const asOther = header(request.headers, "x-api-key") === otherKey;
    if (!asOther || request.method === "GET" || !/\/migrations\/[^/]+\//.test(pathOf(request))) return forward(request);
    return forward({ ...request, headers: request.headers.map(([n, v]) => [n, n.toLowerCase() === "x-api-key" ? ownerKey : v] as [string, string]) });
  };
}
