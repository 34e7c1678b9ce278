import { API_NAMES, type ApiName } from "../contracts/apiNames.js";
import { loadSpec } from "../contracts/loadSpec.js";
import type { Exchange } from "./types.js";

/**
 * Checks whose requests are meant to fail (no key, unknown ids, invalid input, a method the path
 * lacks): their 4xx say nothing about the setup. Invalid input may be refused before the key is
 * looked at (a malformed body or a wrong content type), and a method before either, so with a bad
 * key those answer 400, 405 or 415, not 401.
 */
const MEANT_TO_FAIL = new Set(["auth_required", "not_found", "method_not_allowed", "negative_data_rejection", "cleanup"]);

/**
 * Why a run could not work with the deployment, when its answers say so: every request the run
 * meant to succeed answered 401/403 (the key) or 404 (the base URL or its path prefix). A run so
 * misconfigured proves nothing about the contract, so it exits 2 with this instead of findings.
 */
export function misconfiguration(api: ApiName, baseUrl: string, exchanges: readonly Exchange[], credentialEnv: string): string | undefined {
  const meant = exchanges.filter((e) => !MEANT_TO_FAIL.has(e.sentBy));
  if (meant.length === 0) return undefined;
  const statuses = new Set(meant.map((e) => e.response.status));
  const denied = [...statuses].every((s) => s === 401 || s === 403);
  const missing = [...statuses].every((s) => s === 401 || s === 403 || s === 404);
  if (!denied && !missing) return undefined;
  const seen = [...statuses].sort().join("/");
  const where = baseUrlHint(api, baseUrl);
  if (denied && !where) {
    return `every request of the run answered ${seen}: the key is not accepted. Check ${credentialEnv} (a rotated, revoked or other-environment key), and that the base URL ${baseUrl} is the ${api} API's.`;
  }
  return `every request of the run answered ${seen}: ${where ?? `the base URL ${baseUrl} does not seem to serve the ${api} API (check the host and its path prefix: the contract's servers are ${serverUrls(api).join(", ")})`}${denied ? `, or the key in ${credentialEnv} is not accepted` : ""}.`;
}

/** A likely cause read from the base URL alone: another API's path, or a missing path prefix (e.g. /api/v1). */
export function baseUrlHint(api: ApiName, baseUrl: string): string | undefined {
  const path = new URL(baseUrl).pathname.replace(/\/+$/, "");
  const own = serverPaths(api);
  for (const other of API_NAMES.filter((name) => name !== api)) {
    const theirs = serverPaths(other).filter((p) => p !== "" && !own.includes(p));
    const match = theirs.find((p) => path.endsWith(p));
    if (match) return `the base URL ${baseUrl} ends with ${match}, the ${other} API's path, not the ${api} API's (${own.filter(Boolean).join(" or ")})`;
  }
  const prefixes = own.filter((p) => p !== "");
  // An API served at a host's root (Wexa's api.wexa.ai) has no prefix to miss.
  if (prefixes.length > 0 && !own.includes("") && !prefixes.some((p) => path.endsWith(p))) {
    return `the base URL ${baseUrl} lacks the ${api} API's path prefix (the contract's servers end with ${prefixes.join(" or ")}, e.g. ${serverUrls(api)[0]})`;
  }
  return undefined;
}

function serverUrls(api: ApiName): string[] {
  return ((loadSpec(api).servers ?? []) as Array<{ url: string }>).map((s) => s.url);
}

function serverPaths(api: ApiName): string[] {
  return serverUrls(api).map((url) => new URL(url).pathname.replace(/\/+$/, ""));
}
