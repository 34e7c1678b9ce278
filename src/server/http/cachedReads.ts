import type { NextFunction, Request, Response } from "express";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import type { OperationResponse } from "./apiModule.js";
import { credentialHeaderNames, type Account } from "./authentication.js";
import { requestKey, type CachedAnswer, type ReadCache } from "./readCache.js";

/** One API's cache, as the app-level lane and the API's router both see it. */
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
 * The first stop of a GET, before any router: an answer the cache holds for this very request
 * (same credential, Host and URL, so the same account, operation and parameters, see ReadCache)
 * is sent at once; anything else goes on to routing, authentication, validation and the handler.
 * Only APIs without a rate limit take part: there every request must count against the limit.
 * `lanes` maps each such API's mount path to its cache.
 */
export function answerFromReadCaches(lanes: ReadonlyArray<{ mountPath: string; reads: CachedReadsOfApi }>) {
  return function answerFromReadCache(req: Request, res: Response, next: NextFunction) {
    if (req.method !== "GET") return next();
    for (const { mountPath, reads } of lanes) {
      if (!isUnder(req.url, mountPath)) continue;
      const key = reads.keyOf(req);
      const hit = reads.cache.get(key);
      if (hit) return sendSerialised(res, hit);
      missedInLane.set(req, key);
    }
    next();
  };
}

/** Requests the lane already looked up and missed, with their key: the router does not look again. */
const missedInLane = new WeakMap<Request, string>();

/** A repeatable read: the stored answer when there is one, else the handler's, stored for next time. */
export async function serveCachedRead(reads: CachedReadsOfApi, account: Account, req: Request, res: Response, run: () => Promise<OperationResponse>) {
  // A miss in the lane stays a miss (at worst, a concurrent request stored it meanwhile and this one runs the handler).
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

function isUnder(url: string, mountPath: string): boolean {
  if (mountPath === "") return true;
  const next = url.charCodeAt(mountPath.length);
  return url.startsWith(mountPath) && (Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */);
}
