import { homedir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { API_NAMES, isApiName, type ApiName } from "../contracts/apiNames.js";
import { DEVELOPMENT_VAULT_KEY, MAKE_A_KEY, developmentKeyRefusal } from "./secrets/vaultKey.js";

/** One AGENT_ALLOWED_HOSTS entry: a host name or IP address, and a port when the entry names one. */
export type AllowedAgentHost = Readonly<{ host: string; port: number | undefined }>;
export type AllowedAgentHosts = "any" | readonly AllowedAgentHost[];

export type RateLimitConfig = Readonly<{ limit: number; windowMs: number }>;

export type ServerConfig = Readonly<{
  port: number;
  host: string;
  /** Serve only this API, at the root of the port with the vendor's own base path. */
  onlyApi: ApiName | undefined;
  databaseUrl: string | undefined;
  /** PGlite data directory; undefined = in memory. Ignored when databaseUrl is set. */
  pgliteDir: string | undefined;
  vaultKey: Buffer;
  /** True when VAULT_KEY is unset and the start qualifies for the public development key (see vaultKey.ts). */
  vaultKeyIsDevelopmentDefault: boolean;
  /** Where fresh PGlite databases' templates are cached: a directory private to this user (0700). */
  pgliteTemplateDir: string;
  redisUrl: string | undefined;
  /** Prefix of every Redis key the server writes (separate deployments, or test runs, on one Redis). */
  redisKeyPrefix: string;
  /** Per API: requests allowed per key per operation in each window; absent = no limit. */
  rateLimits: Readonly<Partial<Record<ApiName, RateLimitConfig>>>;
  /** A folder of seed data laid out as fixtures/ (<api>/<file>.json); its files replace the built-in ones. */
  seedDir: string | undefined;
  /** How long each simulated step of a Vern run or Wexa execution takes. */
  simulationStepMs: number;
  /** Bound of one EvalStudio call to a LangGraph server. */
  connectorTimeoutMs: number;
  /** Where EvalStudio agent calls may go besides loopback: named hosts (port optional), or "any". */
  agentAllowedHosts: AllowedAgentHosts;
  /** Largest agent-server answer read; past it the call is cut and fails. */
  agentMaxResponseBytes: number;
  /** Agent calls in flight at once, and how many more may wait for a slot before "busy". */
  agentMaxConcurrent: number;
  agentMaxQueued: number;
  logLevel: string;
  /** Validate every response against the contract: off, log a violation, or answer 500 (tests). */
  responseValidation: "off" | "log" | "enforce";
  bodyLimitBytes: number;
  /** How long an API request's announced body may take to arrive after its headers (408 in the API's error body past it). */
  bodyTimeoutMs: number;
  /** Keep answers of repeatable reads while this process sees every change to its data (READ_CACHE=off: never). */
  readCache: boolean;
  /**
   * Bearer token of /__admin: ADMIN_TOKEN, or a fresh random one per start (printed by `npm start`).
   * Required when the server listens on anything but loopback, or when ADMIN_TOKEN is set.
   */
  adminToken: string;
  adminTokenRequired: boolean;
  /** The token came from ADMIN_TOKEN: the operator knows it, so the banner does not print it. */
  adminTokenFromEnvironment: boolean;
  /** How many API requests /__admin/requests keeps (0 = no journal). */
  journalSize: number;
  /** How log lines are written: JSON for machines (default), or one readable line per request. */
  logFormat: "json" | "pretty";
}>;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/**
 * Turns the environment (and flags already merged into it by the entry point) into one frozen,
 * validated configuration. Nothing else in the server reads process.env.
 *
 * PORT, HOST, CC_API, DATABASE_URL, PGLITE_DIR, PGLITE_TEMPLATE_DIR, VAULT_KEY (base64 or hex, 32 bytes), REDIS_URL, REDIS_KEY_PREFIX,
 * VERN_RATE_LIMIT (requests/minute, 0 = off), MERGE_RATE_LIMIT, SEED_DIR, SIM_STEP_MS, CONNECTOR_TIMEOUT_MS,
 * LOG_LEVEL, RESPONSE_VALIDATION, BODY_LIMIT_BYTES, BODY_TIMEOUT_MS, READ_CACHE (auto or off),
 * AGENT_ALLOWED_HOSTS (host[:port],... or *), AGENT_MAX_RESPONSE_BYTES, AGENT_MAX_CONCURRENT, AGENT_MAX_QUEUED,
 * ADMIN_TOKEN, LOG_FORMAT (json or pretty), JOURNAL_SIZE (requests kept by /__admin/requests, 0 = none).
 */
export function loadConfig(env: Env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const onlyApi = env.CC_API ? parseApi(env.CC_API) : undefined;
  const vaultKey = env.VAULT_KEY ? parseKey(env.VAULT_KEY) : DEVELOPMENT_VAULT_KEY;
  const defaultTemplateDir = join(homedir(), ".cache", "connector-contracts", "pglite-templates");
  const config: ServerConfig = {
    port: int(env.PORT, 4000, "PORT", 0, 65535),
    host: env.HOST ?? "127.0.0.1",
    onlyApi,
    databaseUrl: env.DATABASE_URL || undefined,
    pgliteDir: env.PGLITE_DIR === "memory" ? undefined : (env.PGLITE_DIR ?? ".data/pglite"),
    vaultKey,
    vaultKeyIsDevelopmentDefault: !env.VAULT_KEY,
    pgliteTemplateDir: env.PGLITE_TEMPLATE_DIR || defaultTemplateDir,
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || "cc",
    rateLimits: rateLimits(env),
    seedDir: env.SEED_DIR || undefined,
    simulationStepMs: int(env.SIM_STEP_MS, 250, "SIM_STEP_MS", 1, 3_600_000),
    connectorTimeoutMs: int(env.CONNECTOR_TIMEOUT_MS, 30_000, "CONNECTOR_TIMEOUT_MS", 1, 600_000),
    agentAllowedHosts: allowedAgentHosts(env.AGENT_ALLOWED_HOSTS),
    agentMaxResponseBytes: int(env.AGENT_MAX_RESPONSE_BYTES, 1_048_576, "AGENT_MAX_RESPONSE_BYTES", 1024, 100 * 1_048_576),
    agentMaxConcurrent: int(env.AGENT_MAX_CONCURRENT, 8, "AGENT_MAX_CONCURRENT", 1, 1000),
    agentMaxQueued: int(env.AGENT_MAX_QUEUED, 16, "AGENT_MAX_QUEUED", 0, 10_000),
    logLevel: env.LOG_LEVEL ?? "info",
    responseValidation: oneOf(env.RESPONSE_VALIDATION, ["off", "log", "enforce"] as const, "off", "RESPONSE_VALIDATION"),
    bodyLimitBytes: int(env.BODY_LIMIT_BYTES, 1_048_576, "BODY_LIMIT_BYTES", 1024, 100 * 1_048_576),
    bodyTimeoutMs: int(env.BODY_TIMEOUT_MS, 10_000, "BODY_TIMEOUT_MS", 1, 600_000),
    readCache: oneOf(env.READ_CACHE, ["auto", "off"] as const, "auto", "READ_CACHE") === "auto",
    adminToken: env.ADMIN_TOKEN || randomBytes(24).toString("base64url"),
    adminTokenRequired: Boolean(env.ADMIN_TOKEN) || !isLoopbackHost(env.HOST ?? "127.0.0.1"),
    adminTokenFromEnvironment: Boolean(env.ADMIN_TOKEN),
    journalSize: int(env.JOURNAL_SIZE, 500, "JOURNAL_SIZE", 0, 100_000),
    logFormat: oneOf(env.LOG_FORMAT, ["json", "pretty"] as const, "json", "LOG_FORMAT"),
    ...overrides,
  };
  if (config.vaultKeyIsDevelopmentDefault) refuseDevelopmentKey(config);
  return Object.freeze(config);
}

/** A start that would keep real data under the public development key does not happen. */
function refuseDevelopmentKey(config: ServerConfig): void {
  const refusal = developmentKeyRefusal({ host: config.host, databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir });
  if (!refusal) return;
  throw new ConfigError(
    `VAULT_KEY is not set, and ${refusal}. The built-in development key is public (it is in the source), so it is used only ` +
      `for data in memory or for PGlite data on a loopback address. Make a key with \`${MAKE_A_KEY}\`, keep it somewhere safe, ` +
      "and start with VAULT_KEY=<that key>; every later start on this data needs the same key.",
  );
}

function rateLimits(env: Env): Partial<Record<ApiName, RateLimitConfig>> {
  const limits: Partial<Record<ApiName, RateLimitConfig>> = {};
  // Vern documents about 100 requests a minute per key per endpoint; the others document none for REST.
  const vern = int(env.VERN_RATE_LIMIT, 100, "VERN_RATE_LIMIT", 0, 1_000_000);
  if (vern > 0) limits.vern = { limit: vern, windowMs: 60_000 };
  const merge = int(env.MERGE_RATE_LIMIT, 0, "MERGE_RATE_LIMIT", 0, 1_000_000);
  if (merge > 0) limits.merge = { limit: merge, windowMs: 60_000 };
  return limits;
}

/**
 * AGENT_ALLOWED_HOSTS: comma-separated `host`, `host:port`, `[ipv6]:port`, or `*` for any host.
 * Parsed with the WHATWG URL parser, as the agent call's own URL is, so both spell a host alike.
 */
function allowedAgentHosts(value: string | undefined): AllowedAgentHosts {
  const entries = (value ?? "").split(",").map((e) => e.trim()).filter((e) => e !== "");
  if (entries.includes("*")) return "any";
  return entries.map((entry) => {
    let url: URL | undefined;
    try {
      url = new URL(`http://${entry}`);
    } catch {
      url = undefined;
    }
    if (!url || url.pathname !== "/" || url.search !== "" || url.username !== "" || /[/?#@]/.test(entry)) {
      throw new ConfigError(`AGENT_ALLOWED_HOSTS must list host or host:port entries separated by commas, or *; got "${entry}".`);
    }
    return Object.freeze({ host: url.hostname.replace(/^\[|\]$/g, ""), port: portOf(entry) });
  });
}

/** The entry's own port, even the scheme's default one (which URL would report as ""). */
function portOf(entry: string): number | undefined {
  const port = /:(\d+)$/.exec(entry)?.[1];
  return port === undefined ? undefined : Number(port);
}

function parseApi(value: string): ApiName {
  if (!isApiName(value)) throw new ConfigError(`CC_API must be one of ${API_NAMES.join(", ")}; got "${value}".`);
  return value;
}

function parseKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  if (key.length !== 32) throw new ConfigError("VAULT_KEY must be 32 bytes, as 64 hex digits or base64.");
  return key;
}

function int(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}; got "${value}".`);
  }
  return parsed;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, name: string): T {
  if (value === undefined || value === "") return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${allowed.join(", ")}.`);
  return value as T;
}

/** Whether a listen address is reachable only from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare) || bare === "::ffff:127.0.0.1";
}
