import cors from "cors";
import type { NextFunction, Request, Response } from "express";

/**
 * Response headers a page on another origin may read: what the contracts document (Allow on a 405,
 * Retry-After on a 429, Location on a create), the request id every answer carries, and
 * Preference-Applied when a `Prefer` was honoured (RFC 7240 §3).
 */
export const EXPOSED_HEADERS = ["Allow", "Retry-After", "Location", "X-Request-Id", "Preference-Applied", "Link", "ETag", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];

/**
 * CORS for browser apps on another origin (a front-end dev server on localhost:5173, say), at
 * least as open as Prism's mock: the caller's origin echoed with credentials allowed (a page using
 * `credentials: 'include'` is refused a `*`, https://fetch.spec.whatwg.org/#cors-protocol-and-credentials),
 * and every header the preflight asks for echoed back, so the tracing headers OpenTelemetry and
 * Sentry add (traceparent, tracestate, sentry-trace, baggage) pass along with the auth headers and
 * Prefer. These are a mock's dev keys; the admin API is the part that stays same-origin
 * (admin/guard.ts) and gets none of this.
 */
const corsHeaders = cors({
  origin: true,
  credentials: true,
  methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  // Left unset, the package echoes Access-Control-Request-Headers (and adds Vary for it).
  allowedHeaders: undefined,
  exposedHeaders: EXPOSED_HEADERS,
  maxAge: 600,
});

/**
 * A request without an Origin header is not a browser's cross-origin request, and the cors
 * package would only add `Vary: Origin` to its answer: that header is set here directly, since
 * the package's callbacks and option copies were 3% of a Merge create's CPU profile under load.
 * Preflights (OPTIONS) always go to the package.
 */
export function corsForBrowserApps(req: Request, res: Response, next: NextFunction) {
  if (req.headers.origin !== undefined || req.method === "OPTIONS") return corsHeaders(req, res, next);
  res.vary("Origin");
  next();
}
