import { createHash, randomBytes } from "node:crypto";
import { API_NAMES, isApiName, type ApiName } from "../contracts/apiNames.js";

/** A development vault key, derived from a public phrase: fine for a laptop mock, never for real data. */
const DEVELOPMENT_VAULT_KEY = createHash("sha256").update("connector-contracts development vault key").digest();

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
  vaultKeyIsDevelopmentDefault: boolean;
  redisUrl: string | undefined;
  /** Prefix of every Redis key the server writes (separate deployments, or test runs, on one Redis). */
  redisKeyPrefix: string;
  /** Per API: requests allowed per key per operation in each window; absent = no limit. */
  rateLimits: Readonly<Partial<Record<ApiName, RateLimitConfig>>>;
  /** How long each simulated step of a Vern run or Wexa execution takes. */
  simulationStepMs: number;
  /** Bound of one EvalStudio call to a LangGraph server. */
  connectorTimeoutMs: number;
  logLevel: string;
  /** Validate every response against the contract: off, log a violation, or answer 500 (tests). */
  responseValidation: "off" | "log" | "enforce";
  bodyLimitBytes: number;
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
 * PORT, HOST, CC_API, DATABASE_URL, PGLITE_DIR, VAULT_KEY (base64 or hex, 32 bytes), REDIS_URL, REDIS_KEY_PREFIX,
 * VERN_RATE_LIMIT (requests/minute, 0 = off), MERGE_RATE_LIMIT, SIM_STEP_MS, CONNECTOR_TIMEOUT_MS,
 * LOG_LEVEL, RESPONSE_VALIDATION, BODY_LIMIT_BYTES, READ_CACHE (auto or off), ADMIN_TOKEN, LOG_FORMAT (json or pretty),
 * JOURNAL_SIZE (requests kept by /__admin/requests, 0 = none).
 */
export function loadConfig(env: Env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const onlyApi = env.CC_API ? parseApi(env.CC_API) : undefined;
  const vaultKey = env.VAULT_KEY ? parseKey(env.VAULT_KEY) : DEVELOPMENT_VAULT_KEY;
  const config: ServerConfig = {
    port: int(env.PORT, 4000, "PORT", 0, 65535),
    host: env.HOST ?? "127.0.0.1",
    onlyApi,
    databaseUrl: env.DATABASE_URL || undefined,
    pgliteDir: env.PGLITE_DIR === "memory" ? undefined : (env.PGLITE_DIR ?? ".data/pglite"),
    vaultKey,
    vaultKeyIsDevelopmentDefault: !env.VAULT_KEY,
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || "cc",
    rateLimits: rateLimits(env),
    simulationStepMs: int(env.SIM_STEP_MS, 250, "SIM_STEP_MS", 1, 3_600_000),
    connectorTimeoutMs: int(env.CONNECTOR_TIMEOUT_MS, 30_000, "CONNECTOR_TIMEOUT_MS", 1, 600_000),
    logLevel: env.LOG_LEVEL ?? "info",
    responseValidation: oneOf(env.RESPONSE_VALIDATION, ["off", "log", "enforce"] as const, "off", "RESPONSE_VALIDATION"),
    bodyLimitBytes: int(env.BODY_LIMIT_BYTES, 1_048_576, "BODY_LIMIT_BYTES", 1024, 100 * 1_048_576),
    readCache: oneOf(env.READ_CACHE, ["auto", "off"] as const, "auto", "READ_CACHE") === "auto",
    adminToken: env.ADMIN_TOKEN || randomBytes(24).toString("base64url"),
    adminTokenRequired: Boolean(env.ADMIN_TOKEN) || !isLoopbackHost(env.HOST ?? "127.0.0.1"),
    adminTokenFromEnvironment: Boolean(env.ADMIN_TOKEN),
    journalSize: int(env.JOURNAL_SIZE, 500, "JOURNAL_SIZE", 0, 100_000),
    logFormat: oneOf(env.LOG_FORMAT, ["json", "pretty"] as const, "json", "LOG_FORMAT"),
    ...overrides,
  };
  return Object.freeze(config);
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
