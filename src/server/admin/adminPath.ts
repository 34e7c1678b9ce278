/** Where the admin API is mounted. */
export const ADMIN_PATH = "/__admin";

/**
 * Whether a request URL is the admin API's: `/__admin` exactly, in lower case, alone or followed by
 * `/` or `?`. Exact case, unlike Express's case-insensitive mounts: one spelling to guard, log and
 * document, and `/__ADMIN` is then an ordinary path (a 404, or an API's own path when an API is served
 * alone at the root).
 */
export function isAdminPath(url: string): boolean {
  if (!url.startsWith(ADMIN_PATH)) return false;
  const next = url.charCodeAt(ADMIN_PATH.length);
  return Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */;
}
