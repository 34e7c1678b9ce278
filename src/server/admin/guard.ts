import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { isConsoleRequest } from "./console.js";

/**
 * What the admin API needs to know about where it listens: the address it was told to bind to
 * and, when the operator asked for one or the server is reachable from other machines, the token.
 */
export type AdminGuardOptions = {
  bindHost: string;
  /** Required bearer token, or undefined when loopback needs none. */
  token: string | undefined;
};

/** Why an admin request was refused: the status and the one sentence the caller sees. */
export type AdminRefusal = { status: 401 | 403 | 415; error: string };

/** The facts of a request the checks look at, read once from the socket and headers. */
export type AdminRequestFacts = {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  contentType: string | undefined;
  adminRequestHeader: boolean;
  authorization: string | undefined;
  /** The port and address the request actually arrived on. */
  localPort: number;
  localAddress: string | undefined;
  /** One of the console's files (GET /__admin/ as HTML, its script and style): static, no data, so no token. */
  isConsoleFile: boolean;
};

type AdminCheck = (facts: AdminRequestFacts, options: AdminGuardOptions) => AdminRefusal | undefined;

/**
 * The host names a browser may use to reach this server's admin API: loopback by name and
 * number, the bind address and the address the request arrived on, each with the port it arrived
 * on. A DNS-rebinding page reaches us under its own host name, which is none of these
 * (https://en.wikipedia.org/wiki/DNS_rebinding; the same defence as webpack-dev-server's allowedHosts).
 */
export function hostIsOneWeListenOn(facts: AdminRequestFacts, options: AdminGuardOptions): AdminRefusal | undefined {
  if (facts.host === undefined) return { status: 403, error: "A Host header is required." };
  const port = String(facts.localPort);
  const names = ["127.0.0.1", "localhost", "[::1]", bracketed(options.bindHost)];
  if (facts.localAddress) names.push(bracketed(facts.localAddress.replace(/^::ffff:/, "")));
  const allowed = names.flatMap((name) => (port === "80" ? [name, `${name}:80`] : [`${name}:${port}`]));
  if (allowed.includes(facts.host.toLowerCase())) return undefined;
  return { status: 403, error: `The admin API answers only at the addresses it listens on (e.g. 127.0.0.1:${port}), not at Host ${JSON.stringify(facts.host.slice(0, 100))}.` };
}

/**
 * No cross-origin caller, ever: the admin API lists every dev key and resets the data, so a page
 * on another origin (another port of localhost included: that is "same-site", not same-origin)
 * must neither read nor change it. Fetch Metadata (https://www.w3.org/TR/fetch-metadata/) names
 * the relation where the browser sends it; Origin (RFC 6454) covers the browsers that do not.
 */
export function requestIsSameOrigin(facts: AdminRequestFacts): AdminRefusal | undefined {
  const refusal: AdminRefusal = { status: 403, error: "The admin API answers same-origin requests only." };
  if (facts.secFetchSite !== undefined && facts.secFetchSite !== "same-origin" && facts.secFetchSite !== "none") return refusal;
  if (facts.origin === undefined) return undefined;
  if (facts.host === undefined) return refusal;
  return facts.origin.toLowerCase() === `http://${facts.host.toLowerCase()}` ? undefined : refusal;
}

/**
 * A change of state needs a JSON body or the X-Admin-Request header: a browser sends neither
 * across origins without a CORS preflight, which this API never answers. A text/plain or form
 * POST (a "simple request", https://fetch.spec.whatwg.org/#cors-safelisted-request-header) is refused.
 */
export function changeIsNotASimpleRequest(facts: AdminRequestFacts): AdminRefusal | undefined {
  if (facts.method === "GET" || facts.method === "HEAD") return undefined;
  const json = facts.contentType !== undefined && /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i.test(facts.contentType);
  if (json || facts.adminRequestHeader) return undefined;
  return { status: 415, error: "Admin requests that change state need Content-Type: application/json (or the X-Admin-Request header)." };
}

/** The bearer token, when one is required (a server reachable from other machines, or ADMIN_TOKEN set). */
export function callerHoldsTheToken(facts: AdminRequestFacts, options: AdminGuardOptions): AdminRefusal | undefined {
  if (options.token === undefined || facts.isConsoleFile) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(facts.authorization ?? "");
  if (match && sameSecret(match[1]!, options.token)) return undefined;
  return { status: 401, error: "The admin API needs Authorization: Bearer <admin token> (printed by npm start, or ADMIN_TOKEN)." };
}

/** Every check an admin request passes, in the order a refusal is reported. */
export const ADMIN_CHECKS: readonly AdminCheck[] = [hostIsOneWeListenOn, requestIsSameOrigin, callerHoldsTheToken, changeIsNotASimpleRequest];

export function adminRefusal(facts: AdminRequestFacts, options: AdminGuardOptions): AdminRefusal | undefined {
  for (const check of ADMIN_CHECKS) {
    const refusal = check(facts, options);
    if (refusal) return refusal;
  }
  return undefined;
}

/** The admin router's first layer: refuses what the checks refuse, as `{"error": "..."}`. */
export function adminGuard(options: AdminGuardOptions) {
  return function guardAdmin(req: Request, res: Response, next: NextFunction) {
    const refusal = adminRefusal(factsOf(req), options);
    if (!refusal) return next();
    if (refusal.status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="__admin"');
    res.status(refusal.status).json({ error: refusal.error });
  };
}

function factsOf(req: Request): AdminRequestFacts {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(",") : value;
  };
  return {
    method: req.method,
    host: header("host"),
    origin: header("origin"),
    secFetchSite: header("sec-fetch-site"),
    contentType: header("content-type"),
    adminRequestHeader: req.headers["x-admin-request"] !== undefined,
    authorization: header("authorization"),
    localPort: req.socket.localPort ?? 0,
    localAddress: req.socket.localAddress,
    isConsoleFile: isConsoleRequest(req),
  };
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]`.toLowerCase() : host.toLowerCase();
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
