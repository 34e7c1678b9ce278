import type { NextFunction, Request, RequestHandler, Response } from "express";
import { answerFromReadCache, type CachedReadsOfApi } from "./cachedReads.js";
import { isAdminPath } from "../admin/adminPath.js";
import type { RequestJournal } from "../admin/requestJournal.js";

/** One API as the entrance sees it: where it is mounted, its handler, and its cache lane if it has one. */
export type MountedApi = {
  api: string;
  mountPath: string;
  serve: (req: Request, res: Response) => void;
  /** Cached answers sent before the API's handler runs (none for an API with a rate limit: there every request counts). */
  lane?: CachedReadsOfApi;
};

/**
 * The app's one layer for API traffic: finds the API whose mount path the URL starts with (as
 * Express's `app.use(path, …)` would: case-insensitive, ending at a `/` or `?`, `req.baseUrl` and
 * `req.url` set as its mount sets them), answers a GET from the API's read cache when it holds the
 * answer, and otherwise hands the request to the API's handler. Anything else (the admin API, a
 * path no API is mounted at) goes on to the next layer. One layer instead of one per API and one
 * for the cache lane: every layer Express's router walks allocates per request, and what a request
 * holds while it waits is what each young-generation GC has to copy. A heap sample of Merge creates
 * under load (objects that outlived a scavenge) gave 21.7 KB a request before, 7.4 KB of it
 * Express's router and app.handle, and 20.1 KB with this entrance; CPU per request moved less than
 * the machine's noise.
 */
export function apiEntrance(apis: readonly MountedApi[], faults: { readonly active: boolean }, journal: Pick<RequestJournal, "track">): RequestHandler {
  // The admin API (exactly /__admin, see adminPath.ts) is never an API's path, even for an API served alone at the root.
  const apiAt = (url: string) => (isAdminPath(url) ? undefined : apis.find((api) => isUnder(url, api.mountPath)));
  return function enterApi(req: Request, res: Response, next: NextFunction) {
    const api = apiAt(req.url);
    if (!api) return next();
    journal.track(req, res, api.api);
    // A forced answer (Prefer, a fault rule) is never the cached one.
    if (api.lane && req.method === "GET" && req.headers.prefer === undefined && !faults.active && answerFromReadCache(api.lane, req, res)) return;
    if (api.mountPath !== "") {
      req.baseUrl = req.url.slice(0, api.mountPath.length);
      req.url = req.url.slice(api.mountPath.length);
      if (!req.url.startsWith("/")) req.url = `/${req.url}`;
    }
    api.serve(req, res);
  };
}

/** Whether the URL is the mount path itself or below it (case-insensitive, as Express mounts). */
function isUnder(url: string, mountPath: string): boolean {
  if (mountPath === "") return url.startsWith("/");
  const next = url.charCodeAt(mountPath.length);
  if (!(Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */)) return false;
  const prefix = url.slice(0, mountPath.length);
  return prefix === mountPath || prefix.toLowerCase() === mountPath.toLowerCase();
}
