import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";
import type { AllowedAgentHosts } from "../../config.js";

export type ResolvedAddress = { address: string; family: 4 | 6 };

/**
 * Where an agent call goes: its URL and the addresses it may connect to (all checked, then pinned;
 * more than one so `localhost` still reaches a server bound to only one of 127.0.0.1 and ::1).
 */
export type AgentDestination = { url: URL; addresses: readonly [ResolvedAddress, ...ResolvedAddress[]] };

export type DestinationVerdict = { ok: true; destination: AgentDestination } | { ok: false; error: string };

export type DestinationPolicy = {
  allowedHosts: AllowedAgentHosts;
  /** The port this server listens on: calls back into its own APIs are refused. */
  ownPort: number | undefined;
  timeoutMs: number;
  /** How a host name becomes addresses; the system resolver unless a test names its own. */
  resolveHost?: (host: string) => Promise<Array<{ address: string; family: number }>>;
};

const systemResolver = (host: string) => lookup(host, { all: true, verbatim: true });

/** The one text for every way of not reaching an allowed agent server, so it never tells ports apart. */
export const unreachable = (timeoutMs: number) =>
  `Could not reach the agent server: check that it runs at the connector's baseUrl and answers within CONNECTOR_TIMEOUT_MS (${timeoutMs} ms).`;

const notAllowed = (url: URL) =>
  `Calls to ${url.host} are not allowed: agent calls go to loopback addresses and the hosts the operator lists in AGENT_ALLOWED_HOSTS.`;

/**
 * Why a `baseUrl` cannot be stored (the API's 400), or undefined. A query or fragment would turn
 * the fixed `/threads/{id}/runs/wait` suffix into part of itself, so the caller would pick the
 * path; userinfo would keep a credential in plaintext in a URL the API echoes.
 */
export function baseUrlProblem(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return "Base URL must be an absolute http:// or https:// URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "Base URL must be an http:// or https:// URL";
  if (url.username !== "" || url.password !== "") return "Base URL must not contain a user name or password: send credentials as connector headers";
  if (baseUrl.includes("?") || baseUrl.includes("#")) {
    return "Base URL must not contain a query (?) or fragment (#): the agent call appends /threads/{id}/runs/wait to its path";
  }
  return undefined;
}

/** Whether two base URLs share scheme, host and port (RFC 6454 origin): stored secrets are bound to one. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * Decides whether an agent call may go to `baseUrl`, resolving its host once: the address checked
 * is the address the call connects to, so a DNS answer that changes between check and connect
 * (rebinding) cannot move it. Allowed: loopback addresses, and hosts named in AGENT_ALLOWED_HOSTS
 * (by name, or by address for an IP entry), never the unspecified address nor this server's port.
 */
export async function resolveDestination(baseUrl: string, policy: DestinationPolicy): Promise<DestinationVerdict> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { ok: false, error: "The connector's baseUrl is not a URL: update it." };
  }
  // Rows stored before baseUrl was checked at create/update are held to the same rule here.
  const problem = baseUrlProblem(baseUrl);
  if (problem) return { ok: false, error: `Calls to this baseUrl are not allowed. ${problem}; update the connector.` };
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const family = isIP(host);
  let addresses: ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: host, family: family as 4 | 6 }];
  } else {
    try {
      const resolved = await withTimeout((policy.resolveHost ?? systemResolver)(host), policy.timeoutMs);
      addresses = resolved.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    } catch {
      return { ok: false, error: unreachable(policy.timeoutMs) };
    }
  }
  const [first, ...others] = addresses;
  if (!first) return { ok: false, error: unreachable(policy.timeoutMs) };
  if (addresses.some((a) => isUnspecified(a) || (port === policy.ownPort && isThisMachine(a)))) return { ok: false, error: notAllowed(url) };
  const named = policy.allowedHosts;
  const allowed = named === "any" || namedByOperator(named, host, port) || addresses.every((a) => isLoopback(a) || namedByOperator(named, a.address, port));
  return allowed ? { ok: true, destination: { url, addresses: [first, ...others] } } : { ok: false, error: notAllowed(url) };
}

function namedByOperator(allowed: Exclude<AllowedAgentHosts, "any">, host: string, port: number): boolean {
  return allowed.some((entry) => (entry.port === undefined || entry.port === port) && sameHost(entry.host, host));
}

function sameHost(entry: string, host: string): boolean {
  const family = isIP(entry);
  if (family === 0 || isIP(host) === 0) return entry.toLowerCase() === host;
  const list = new BlockList();
  list.addAddress(entry, family === 6 ? "ipv6" : "ipv4");
  return list.check(host, isIP(host) === 6 ? "ipv6" : "ipv4");
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

// 0.0.0.0 and :: connect to this machine on Linux; no agent server is reached that way on purpose.
const UNSPECIFIED = new BlockList();
UNSPECIFIED.addSubnet("0.0.0.0", 8, "ipv4");
UNSPECIFIED.addAddress("::", "ipv6");

const isLoopback = (a: ResolvedAddress) => LOOPBACK.check(a.address, a.family === 6 ? "ipv6" : "ipv4");
const isUnspecified = (a: ResolvedAddress) => UNSPECIFIED.check(a.address, a.family === 6 ? "ipv6" : "ipv4");

/** Loopback or an address of one of this machine's interfaces: where this server's own port is. */
function isThisMachine(a: ResolvedAddress): boolean {
  if (isLoopback(a)) return true;
  const own = new BlockList();
  for (const infos of Object.values(networkInterfaces())) {
    for (const info of infos ?? []) own.addAddress(info.address.replace(/%.*$/, ""), info.family === "IPv6" ? "ipv6" : "ipv4");
  }
  return own.check(a.address, a.family === 6 ? "ipv6" : "ipv4");
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error("timeout")), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
