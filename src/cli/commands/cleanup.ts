import { Command, Option } from "commander";
import { credentialHeaders } from "../../clients/index.js";
import { API_NAMES, type ApiName } from "../../contracts/apiNames.js";
import { removeLeftovers } from "../../conformance/leftovers.js";
import { Redactor } from "../../conformance/redaction.js";
import { printable } from "../../conformance/reporters/printable.js";
import { defaultKeyEnv, resolveCredentials } from "../credentials.js";
import { EXIT, UsageError, type ExitCode } from "../exitCodes.js";
import type { CliIo } from "../io.js";
import { assertHttpUrl, CHECK_OPTIONS, headersFrom } from "./check.js";

type CleanupFlags = { api: ApiName; baseUrl: string; runId?: string; keyEnv?: string; credentialsFile?: string; header?: string[] };

/**
 * `connector-contracts cleanup`: removes what earlier runs left behind (names starting with
 * cc-conformance-[<run id>-]) where the API can delete it, and says what it cannot remove.
 */
export function cleanupCommand(io: CliIo, setExit: (code: ExitCode) => void): Command {
  const command = new Command("cleanup")
    .description("remove what earlier runs left behind (named cc-conformance-…) where the API allows; never anything without that name")
    .addOption(new Option("--api <name>", "the API the deployment implements").choices(API_NAMES).makeOptionMandatory())
    .addOption(new Option("--base-url <url>", "the API's base URL").makeOptionMandatory())
    .addOption(new Option("--run-id <id>", "only what this run made (its id is in the run's report); every earlier run's otherwise"))
    .addOption(CHECK_OPTIONS.keyEnv)
    .addOption(CHECK_OPTIONS.credentialsFile)
    .addOption(CHECK_OPTIONS.header);
  return command.action(async (flags: CleanupFlags) => setExit(await runCleanup(flags, io)));
}

async function runCleanup(flags: CleanupFlags, io: CliIo): Promise<ExitCode> {
  assertHttpUrl("--base-url", flags.baseUrl);
  if (flags.runId !== undefined && !/^[0-9a-f]{8}$/.test(flags.runId)) throw new UsageError("--run-id takes a run id as reports show it: 8 hexadecimal characters.");
  const credentials = resolveCredentials(flags.api, { keyEnv: flags.keyEnv, credentialsFile: flags.credentialsFile }, io.env);
  const needsKey = Object.keys(credentialHeaders(flags.api, "any")).length > 0;
  if (needsKey && credentials.primary === undefined) throw new UsageError(`${flags.api} needs an API key: set ${defaultKeyEnv(flags.api).primary}, name another variable with --key-env, or use --credentials-file.`);
  const headers = headersFrom(flags.header ?? []);
  const redactor = new Redactor();
  redactor.add(credentials.primary, "<primary key>");
  for (const [name, value] of Object.entries(headers)) redactor.add(value, `<header ${name}>`);
  const say = (text: string) => io.stdout(printable(redactor.redact(text)));

  const result = await removeLeftovers({ api: flags.api, baseUrl: flags.baseUrl, primaryKey: needsKey ? credentials.primary : undefined, runId: flags.runId, headers });
  say(`${flags.api} at ${flags.baseUrl}: ${result.removed.length} removed${flags.runId ? ` (run ${flags.runId})` : " (every earlier run)"}\n`);
  for (const line of result.removed) say(`  removed   ${line}\n`);
  for (const line of result.failed) say(`  FAILED    ${line}\n`);
  for (const line of result.cannot) say(`  cannot    ${line}\n`);
  return result.failed.length > 0 ? EXIT.usageOrConnection : EXIT.clean;
}
