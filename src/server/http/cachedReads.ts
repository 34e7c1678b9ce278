import type { Request, Response } from "express";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import type { OperationResponse } from "./apiModule.js";
import { credentialHeaderNames, type Account } from "./authentication.js";
import { requestKey, type CachedAnswer, type ReadCache } from "./readCache.js";

/** One API's cache, as the entrance (apiEntrance.ts) and the API's handler both see it. */
export type CachedReadsOfApi = {
  cache: ReadCache;
  /** What makes two GETs of this API the same read (see requestKey). */
  keyOf: (req: Request) => string;
};

export function cachedReadsOf(spec: OpenApiDocument, cache: ReadCache): CachedReadsOfApi {
  const credentialHeaders = credentialHeaderNames(spec);
  return { cache, keyOf: (req) => requestKey(req.headers, credentialHeaders, req.originalUrl) };
}

/**
 * The first stop of a GET, before authentication (see apiEntrance.ts): an answer the cache holds
 * for this very request (same credential, Host and URL, so the same account, operation and
 * parameters, see ReadCache) is sent at once and true returned; otherwise the miss is remembered,
 * so the API's handler does not look again, and the request goes on to authentication, validation
 * and the handler.
 */
export function answerFromReadCache(reads: CachedReadsOfApi, req: Request, res: Response): boolean {
  const key = reads.keyOf(req);
  const hit = reads.cache.get(key);
  if (hit) {
    sendSerialised(res, hit);
    return true;
  }
  missedInLane.set(req, key);
  return false;
}

/** Requests the entrance already looked up and missed, with their key: the handler does not look again. */
const missedInLane = new WeakMap<Request, string>();

/** A repeatable read: the stored answer when there is one, else the handler's, stored for next time. */
export async function serveCachedRead(reads: CachedReadsOfApi, account: Account, req: Request, res: Response, run: () => Promise<OperationResponse>) {
  // A miss at the entrance stays a miss (at worst, a concurrent request stored it meanwhile and this one runs the handler).
  const missed = missedInLane.get(req);
  const key = missed ?? reads.keyOf(req);
  const hit = missed === undefined ? reads.cache.get(key) : undefined;
  if (hit) return sendSerialised(res, hit);
  const version = reads.cache.version(account.accountId);
  const result = await run();
  if (result.status !== 200 || result.body === undefined) return sendResult(res, result);
  const answer = { status: 200, headers: result.headers ?? {}, body: Buffer.from(JSON.stringify(result.body)) };
  reads.cache.store(key, account.accountId, version, answer);
  sendSerialised(res, answer);
}

/** An operation's answer as the handler returned it: the same bytes and headers as res.json(), serialised once. */
export function sendResult(res: Response, result: OperationResponse) {
  if (result.body === undefined) {
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    return void res.status(result.status).end();
  }
  sendSerialised(res, { status: result.status, headers: result.headers ?? {}, body: Buffer.from(JSON.stringify(result.body)) });
}

/** The bytes res.json() would send (same Content-Type), without serialising or encoding again. */
function sendSerialised(res: Response, answer: CachedAnswer) {
  for (const name in answer.headers) res.setHeader(name, answer.headers[name]!);
  res.statusCode = answer.status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", answer.body.length);
  res.end(answer.body);
}
