import type { ApiName } from "../contracts/apiNames.js";

/** Everything a run is told; the CLI builds it from flags, environment and a credentials file. */
export type RunOptions = {
  api: ApiName;
  baseUrl: string;
  /** The key the suite works with (none for EvalStudio). */
  primaryKey?: string;
  /** The environment variable curl lines in the report refer to for the key (default CC_<API>_KEY). */
  credentialEnv?: string;
  /** The variable curl lines read the secondary key from (default CC_<API>_SECONDARY_KEY). */
  secondaryCredentialEnv?: string;
  /** Extra headers sent with every request (--header, e.g. for an auth proxy in front of staging): redacted like keys. */
  headers?: Readonly<Record<string, string>>;
  /** Findings against rules this project inferred fail the run too (by default they are warnings). */
  strict?: boolean;
  /** Ctrl-C: the check in progress stops at once and only the cleanup's requests go out. */
  signal?: AbortSignal;
  /** A second key of another account: enables the cross-key isolation check. */
  secondaryKey?: string;
  /** Send no writes at all: only GETs against what already exists. */
  readOnly: boolean;
  /** Opt-in: probe the rate limit with a bounded burst (burns quota). */
  rateLimit: boolean;
  /**
   * Opt-in: allow writes to resources the suite did not create. Today that unlocks Wexa W4
   * (changeConnectorStatus) on an existing connector, which replaces its data_loader_config and
   * credentials with the run's canaries (they cannot be restored), and W3 (deleteConnector) of one
   * existing connector (the use-after-free check).
   */
  destructive: boolean;
  /** The LangGraph server EvalStudio connectors made by the suite should call. */
  langgraphUrl?: string;
  /** The assistant (graph name or id) on that server. */
  langgraphAssistant: string;
  /**
   * Ids of the deployment's own data that the API gives no way to create, by "<api>.<name>"
   * (e.g. "wexa.projectID", "wexa.connectorID", "wexa.agentflowID"); each profile documents its names.
   */
  fixtures?: Record<string, string>;
  maxRequests: number;
  requestsPerSecond: number;
  /** Upper bound of the rate-limit burst. */
  rateLimitBurst: number;
  timeoutMs: number;
  /** How long a flow waits for a state the server reaches on its own (runs, executions). */
  flowTimeoutMs: number;
  /** Seeds every generated input: the same seed against the same deployment replays the same requests. */
  seed: number;
  /** How deep generation goes: 1 is the quick default (each rule once); N adds N-1 seeded random values of each kind. */
  examples: number;
  /** Only these checks (all when empty). */
  only: string[];
  /** Send through this fetch (a test's that plants faults, a library user's own); by default Node's HTTP client (wire.ts). */
  fetch?: typeof fetch;
  /** Progress lines (the CLI prints them; tests collect them). */
  onProgress: (line: string) => void;
};

export const DEFAULT_OPTIONS = {
  readOnly: false,
  rateLimit: false,
  destructive: false,
  langgraphAssistant: "echo",
  // Room for every case a default run generates (Merge's request bodies give several thousand), with a bound a runaway run still meets.
  maxRequests: 20_000,
  requestsPerSecond: 50,
  rateLimitBurst: 200,
  timeoutMs: 30_000,
  flowTimeoutMs: 60_000,
  examples: 1,
  only: [] as string[],
} satisfies Partial<RunOptions>;
