import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { credentialHeaders } from "../../clients/index.js";
import { API_NAMES, type ApiName } from "../../contracts/apiNames.js";
import { checkNamesFor, ConnectionError, renderHtml, renderJson, renderJunit, renderTerminal, runConformance, type Report, type RunInput } from "../../conformance/index.js";
import { causeOf, newFindings, readBaseline, writeBaseline } from "../../conformance/baseline.js";
import { DEFAULT_OPTIONS } from "../../conformance/options.js";
import { Redactor } from "../../conformance/redaction.js";
import { printable } from "../../conformance/reporters/printable.js";
import { defaultKeyEnv, resolveCredentials } from "../credentials.js";
import { EXIT, UsageError, type ExitCode } from "../exitCodes.js";
import type { CliIo } from "../io.js";

/** The flags of `check`, as commander hands them over (camelCase of the long flag). */
export type CheckFlags = {
  api: ApiName;
  baseUrl: string;
  readOnly?: boolean;
  rateLimit?: boolean;
  destructive?: boolean;
  strict?: boolean;
  header?: string[];
  keyEnv?: string;
  secondaryKeyEnv?: string;
  credentialsFile?: string;
  langgraphUrl?: string;
  langgraphAssistant?: string;
  fixture?: Record<string, string>;
  maxRequests?: number;
  rps?: number;
  timeoutMs?: number;
  only?: string[];
  seed?: number;
  examples?: number;
  baseline?: string;
  junit?: string;
  json?: string;
  html?: string;
  quiet?: boolean;
};

/** Every option of `check`, keyed by the CheckFlags field it fills. */
export const CHECK_OPTIONS = {
  api: new Option("--api <name>", "the API the deployment implements").choices(API_NAMES).makeOptionMandatory(),
  baseUrl: new Option("--base-url <url>", "the API's base URL, e.g. https://app.vern.so/api/v1").makeOptionMandatory(),
  readOnly: new Option("--read-only", "send no writes at all: only reads of what already exists"),
  rateLimit: new Option("--rate-limit", "probe the rate limit with a bounded burst (burns the key's quota)"),
  destructive: new Option("--destructive", "allow writes to data the run did not create: Wexa W4 changeConnectorStatus on an existing connector (replaces its data_loader_config and credentials; not restorable) and W3 deleteConnector of one existing connector. Without it those writes are skipped with the reason"),
  strict: new Option("--strict", "findings against rules this project only inferred (x-contract-source: inferred) fail the run too; by default they are warnings (exit 0)"),
  header: new Option("--header <NAME:VALUE>", "an extra header sent with every request, e.g. for an auth proxy in front of staging (repeatable; the value is redacted like a key; curl lines read it from $CC_HEADER_<NAME>)").argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
  keyEnv: new Option("--key-env <VAR>", "the environment variable holding the primary key (default CC_<API>_KEY)"),
  secondaryKeyEnv: new Option("--secondary-key-env <VAR>", "the variable holding a key of another account, for the isolation check (default CC_<API>_SECONDARY_KEY)"),
  credentialsFile: new Option("--credentials-file <file>", 'JSON file {"primary": "...", "secondary": "..."} instead of the environment'),
  langgraphUrl: new Option("--langgraph-url <url>", "a LangGraph server EvalStudio connectors made by the suite should call"),
  langgraphAssistant: new Option("--langgraph-assistant <name>", "the assistant (graph name or id) on that server").default(DEFAULT_OPTIONS.langgraphAssistant),
  fixture: new Option("--fixture <name=id>", "an id of the deployment's own data the API cannot create, e.g. wexa.projectID=67fd… (repeatable)").argParser(fixtureEntry),
  maxRequests: new Option("--max-requests <n>", "stop after this many requests (the default leaves room for every invalid-input case of a default run; a deeper --examples run may need more, and says so when it stops)").argParser(positiveInteger).default(DEFAULT_OPTIONS.maxRequests),
  rps: new Option("--rps <n>", "at most this many requests a second").argParser(positiveNumber).default(DEFAULT_OPTIONS.requestsPerSecond),
  timeoutMs: new Option("--timeout-ms <ms>", "timeout of one request").argParser(positiveInteger).default(DEFAULT_OPTIONS.timeoutMs),
  only: new Option("--only <checks>", "run only these checks (comma-separated names)").argParser(commaList),
  seed: new Option("--seed <n>", "seed of the generated requests (every run prints its seed; the same seed replays the same requests)").argParser(seedNumber),
  examples: new Option("--examples <n>", "how deep generation goes: 1 tries each rule of the contract once; N adds N-1 random values of each kind (a deep run)").argParser(positiveInteger).default(DEFAULT_OPTIONS.examples),
  baseline: new Option("--baseline <file>", "known findings by cause: recorded there when the file does not exist; otherwise only causes not in it fail the run"),
  junit: new Option("--junit <file>", "write a JUnit XML report (for CI)"),
  json: new Option("--json <file>", "write the report as JSON"),
  html: new Option("--html <file>", "write a self-contained HTML report"),
  quiet: new Option("--quiet", "no progress lines on stderr (the summary is still printed)"),
} satisfies Record<keyof CheckFlags, Option>;

const EXIT_CODE_HELP = `
Credentials are read from the environment (CC_<API>_KEY, CC_<API>_SECONDARY_KEY, or the variables
named by --key-env/--secondary-key-env) or from --credentials-file; never from a flag's value.

Nothing the run did not create is changed without --destructive. What the run creates is named
cc-conformance-<run id>-…, removed at the end where the API can delete it, and listed in the
report where it cannot (Vern migrations and runs, Wexa executions); \`connector-contracts cleanup\`
removes an earlier run's leftovers.

Exit codes:
  0    no findings, or only warnings (rules this project inferred) without --strict
  1    findings against the deployment
  2    usage error, unreadable credentials, unreachable deployment, or a run that could not work
       with the deployment (setup failed, or every request answered 401/403/404): the diagnosis
       names the likely cause (the key, the base URL, its path prefix)
  130  interrupted (Ctrl-C): the run cleaned up what it created and reports what it did`;

export function checkCommand(io: CliIo, setExit: (code: ExitCode) => void): Command {
  const command = new Command("check").description("check a deployment of one API against its contract").addHelpText("after", EXIT_CODE_HELP);
  for (const option of Object.values(CHECK_OPTIONS)) command.addOption(option);
  return command.action(async (flags: CheckFlags) => setExit(await runCheck(flags, io)));
}

/** The run the flags describe, validated once and frozen; nothing below reads flags or environment again. */
export type CheckConfig = Readonly<{
  run: Omit<RunInput, "fetch" | "onProgress" | "signal">;
  reports: Readonly<{ junit?: string; json?: string; html?: string }>;
  baseline?: string;
  quiet: boolean;
}>;

export function checkConfigFrom(flags: CheckFlags, env: CliIo["env"]): CheckConfig {
  assertHttpUrl("--base-url", flags.baseUrl);
  if (flags.langgraphUrl !== undefined) assertHttpUrl("--langgraph-url", flags.langgraphUrl);
  const credentials = resolveCredentials(flags.api, flags, env);
  const needsKey = Object.keys(credentialHeaders(flags.api, "any")).length > 0;
  if (needsKey && credentials.primary === undefined) {
    throw new UsageError(`${flags.api} needs an API key: set ${defaultKeyEnv(flags.api).primary}, name another variable with --key-env, or use --credentials-file.`);
  }
  if (credentials.secondary !== undefined && credentials.secondary === credentials.primary) {
    throw new UsageError("The secondary key is the primary key: the isolation check needs a key of another account.");
  }
  const foreign = Object.keys(flags.fixture ?? {}).filter((name) => !name.startsWith(`${flags.api}.`));
  if (foreign.length > 0) throw new UsageError(`--fixture ${foreign.join(", ")}: fixture names of ${flags.api} start with "${flags.api}."`);
  const only = flags.only ?? [];
  if (only.length > 0) {
    const known = checkNamesFor(flags.api);
    const unknown = only.filter((name) => !known.includes(name));
    if (unknown.length > 0) throw new UsageError(`--only: no check named ${unknown.join(", ")} for ${flags.api}. Its checks: ${known.join(", ")}.`);
  }
  return Object.freeze({
    run: Object.freeze({
      api: flags.api,
      baseUrl: flags.baseUrl,
      primaryKey: needsKey ? credentials.primary : undefined,
      // Curl lines name the variable the user chose; only a conventional name (a key pasted by mistake is not repeated).
      credentialEnv: flags.keyEnv && /^[A-Z_][A-Z0-9_]*$/.test(flags.keyEnv) ? flags.keyEnv : undefined,
      secondaryCredentialEnv: flags.secondaryKeyEnv && /^[A-Z_][A-Z0-9_]*$/.test(flags.secondaryKeyEnv) ? flags.secondaryKeyEnv : undefined,
      headers: Object.freeze(headersFrom(flags.header ?? [])),
      strict: flags.strict ?? false,
      secondaryKey: needsKey ? credentials.secondary : undefined,
      readOnly: flags.readOnly ?? false,
      rateLimit: flags.rateLimit ?? false,
      destructive: flags.destructive ?? false,
      langgraphUrl: flags.langgraphUrl,
      langgraphAssistant: flags.langgraphAssistant ?? DEFAULT_OPTIONS.langgraphAssistant,
      fixtures: Object.freeze({ ...flags.fixture }),
      maxRequests: flags.maxRequests ?? DEFAULT_OPTIONS.maxRequests,
      requestsPerSecond: flags.rps ?? DEFAULT_OPTIONS.requestsPerSecond,
      timeoutMs: flags.timeoutMs ?? DEFAULT_OPTIONS.timeoutMs,
      only,
      seed: flags.seed,
      examples: flags.examples ?? DEFAULT_OPTIONS.examples,
    }),
    reports: Object.freeze({ junit: flags.junit, json: flags.json, html: flags.html }),
    baseline: flags.baseline,
    quiet: flags.quiet ?? false,
  });
}

async function runCheck(flags: CheckFlags, io: CliIo): Promise<ExitCode> {
  const config = checkConfigFrom(flags, io.env);
  // The core redacts keys from everything it reports; the CLI does it once more on what it writes.
  const redactor = new Redactor();
  redactor.add(config.run.primaryKey, "<primary key>");
  redactor.add(config.run.secondaryKey, "<secondary key>");
  for (const [name, value] of Object.entries(config.run.headers ?? {})) redactor.add(value, `<header ${name}>`);
  const out = (text: string) => io.stdout(redactor.redact(text));
  // What goes to stderr may quote the server (a diagnosis, an error): its control characters are shown escaped.
  const err = (text: string) => io.stderr(printable(redactor.redact(text)));

  const controller = new AbortController();
  const stopListening = io.onInterrupt(() => {
    err("\ninterrupted: stopping the current request and removing what the run created (Ctrl-C again to quit at once)\n");
    controller.abort();
  });
  let report: Report;
  try {
    report = await runConformance({
      ...config.run,
      onProgress: config.quiet ? () => undefined : (line) => err(`${line}\n`),
      signal: controller.signal,
    });
  } catch (error) {
    // Unreachable at the start, or a failure no check could turn into a finding (e.g. preparing the probes).
    err(`error: ${error instanceof ConnectionError ? error.message : `the run could not complete: ${(error as Error).message}`}\n`);
    return EXIT.usageOrConnection;
  } finally {
    stopListening();
  }

  out(renderTerminal(report, { color: io.color }));
  if (report.diagnosis) err(`error: the run could not work with the deployment: ${report.diagnosis}\n`);
  try {
    for (const [format, path] of writeReports(report, config.reports, redactor)) if (!config.quiet) err(`${format} report written to ${path}\n`);
  } catch (error) {
    err(`error: ${(error as Error).message}\n`);
    return EXIT.usageOrConnection;
  }
  if (controller.signal.aborted) return EXIT.interrupted;
  if (report.diagnosis) return EXIT.usageOrConnection;
  // Warnings (inferred rules, without --strict) are reported but do not fail the run.
  if (config.baseline === undefined) return report.findings.some((f) => f.severity === "error") ? EXIT.findings : EXIT.clean;
  try {
    return judgeAgainstBaseline(report, config.baseline, err);
  } catch (error) {
    err(`error: ${(error as Error).message}\n`);
    return EXIT.usageOrConnection;
  }
}

/** With --baseline: the first run records the causes found; later runs fail only on causes not recorded. */
function judgeAgainstBaseline(report: Report, path: string, err: (text: string) => void): ExitCode {
  const baseline = readBaseline(path, report.api);
  if (!baseline) {
    const written = writeBaseline(path, report);
    err(`baseline of ${written.causes.length} cause(s) recorded in ${path}; later runs fail only on new causes\n`);
    return EXIT.clean;
  }
  const fresh = newFindings(report, baseline).filter((f) => f.severity === "error");
  err(`baseline ${path}: ${report.findings.length - fresh.length} finding(s) of known causes, ${fresh.length} new${fresh.length > 0 ? `: ${[...new Set(fresh.map(causeOf))].join(", ")}` : ""}\n`);
  return fresh.length > 0 ? EXIT.findings : EXIT.clean;
}

/** Writes each report asked for, one at a time, yielding [format, path] after each. */
function* writeReports(report: Report, paths: CheckConfig["reports"], redactor: Redactor): Generator<[string, string]> {
  const formats = [["JUnit", paths.junit, renderJunit], ["JSON", paths.json, renderJson], ["HTML", paths.html, renderHtml]] as const;
  for (const [format, path, render] of formats) {
    if (path === undefined) continue;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, redactor.redact(render(report)));
    } catch (error) {
      throw new UsageError(`Cannot write the ${format} report to ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    yield [format, path];
  }
}

/** Checked here rather than by commander, whose message would repeat the value: it may carry a password. */
export function assertHttpUrl(flag: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} is not a URL (expected e.g. https://host/base/path).`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${flag} must be an http or https URL.`);
  if (url.username || url.password) throw new UsageError(`${flag} must not carry credentials: give them by environment or --credentials-file.`);
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError("Expected a whole number above 0.");
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("Expected a number above 0.");
  return n;
}

/** name=id, collected over repeated --fixture flags. */
function fixtureEntry(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const match = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError("Expected name=id, e.g. wexa.projectID=67fdea40aac77be632954f13.");
  return { ...previous, [match[1]!]: match[2]! };
}

function seedNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > 0x7fffffff) throw new InvalidArgumentError("Expected a whole number from 0 to 2147483647.");
  return n;
}

/**
 * NAME:VALUE of each --header. Checked here rather than by commander, whose message would repeat
 * the value (usually a credential); no message here repeats it either.
 */
export function headersFrom(entries: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf(":");
    const name = entry.slice(0, Math.max(at, 0)).trim();
    if (at <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || entry.slice(at + 1).trim() === "") {
      throw new UsageError("--header takes NAME:VALUE with a header name before the colon and a value after it, e.g. --header 'X-Proxy-Token: …'.");
    }
    headers[name] = entry.slice(at + 1).trim();
  }
  return headers;
}

function commaList(value: string): string[] {
  const names = [...new Set(value.split(",").map((name) => name.trim()).filter(Boolean))];
  if (names.length === 0) throw new InvalidArgumentError("Expected at least one check name.");
  return names;
}
