import type { ApiName } from "../contracts/apiNames.js";

export type Severity = "error" | "warning";

/** Whether a finding breaks what the vendor documents, or a behaviour this project inferred (x-contract-source). */
export type ContractBasis = "documented" | "inferred";

/** One HTTP request and its answer, as the suite sent and received it (credentials already redacted). */
export type Exchange = {
  seq: number;
  /** The check or flow that sent it. */
  sentBy: string;
  operationId?: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body: string; durationMs: number };
};

/**
 * What a check reports (STYLE.md §2): a stable id, a severity, what came back, what the contract
 * says, which operation and request produced it, and how to reproduce it. No findings = pass.
 */
export type Finding = {
  /** Stable across runs: `<check>/<operationId>/<what>`. */
  id: string;
  check: string;
  severity: Severity;
  basis: ContractBasis;
  operationId?: string;
  /** apis.md number, e.g. V8. */
  ref?: string;
  title: string;
  expected: string;
  received: string;
  /** Where the rule comes from: a spec pointer, an RFC, a vendor doc. */
  source: string;
  exchange?: Exchange;
  /** A curl line that reproduces the request, secrets replaced by placeholders. */
  curl?: string;
};

export type CheckStatus = "passed" | "failed" | "skipped";

export type CheckResult = { check: string; description: string; status: CheckStatus; findings: number; reason?: string; durationMs: number };

/** Per operation: the documented status codes, those seen, and the undocumented ones seen. */
export type CoverageRow = { operationId: string; ref: string; method: string; path: string; documented: string[]; observed: string[]; undocumented: string[] };

export type SentRecord = { seq: number; sentBy: string; method: string; path: string; operationId?: string; status: number };

/**
 * What negative_data_rejection generated and sent, to compare with another tool's count (Specmatic's
 * `-ve` requests): distinct invalid requests (method, path, query, content type and body bytes).
 */
export type InvalidInputTally = {
  /** Distinct invalid requests the contract gave for the operations the run could reach. */
  generated: number;
  /** Sent to the server. */
  sent: number;
  /** Answered with something other than 429: passed or found wrong. */
  judged: number;
  /** Still 429 after the transport backed off: neither pass nor finding. */
  rateLimited: number;
  /** Not sent, to stay within the API's documented per-operation request limit. */
  leftOut: number;
  /** Not sent: they would write to data the run did not create (without --destructive). */
  refused: number;
};

export type Report = {
  tool: "connector-contracts";
  api: ApiName;
  baseUrl: string;
  runId: string;
  startedAt: string;
  durationMs: number;
  options: Record<string, unknown>;
  checks: CheckResult[];
  findings: Finding[];
  coverage: CoverageRow[];
  requests: number;
  /** Every request the run sent, in order (secrets redacted): what --read-only did can be audited. */
  sent: SentRecord[];
  /**
   * Set when the run could not work with the deployment (setup failed, or every request answered
   * 401/403/404): the likely cause. Such a run has no findings and the CLI exits 2.
   */
  diagnosis?: string;
  /** Resources the suite created and could not remove (the API has no delete for them), each with why. */
  leftBehind: string[];
  /** Resources the suite did not create but changed (only with --destructive), and what stays changed. */
  modified: string[];
  /** Problems of the run itself (budget reached, connection lost): not findings against the server. */
  notes: string[];
  /** Set when negative_data_rejection ran. */
  invalidInputs?: InvalidInputTally;
};
