import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import { readAcceptedChanges, unaccepted } from "../../contracts/diff/acceptedChanges.js";
import { breakingChanges } from "../../contracts/diff/breakingChanges.js";
import { renderChangesJson, renderChangesText } from "../../contracts/diff/renderChanges.js";
import { loadSpecFile } from "../../contracts/loadSpec.js";
import { EXIT, UsageError, type ExitCode } from "../exitCodes.js";
import type { CliIo } from "../io.js";

/** The flags of `diff`. */
export type DiffFlags = { json?: boolean; accepted?: string };

export const DIFF_OPTIONS = {
  json: new Option("--json", "print the changes as JSON on stdout"),
  accepted: new Option("--accepted <file>", "a YAML list of deliberate breaking changes with their reasons (e.g. openapi/releases/accepted-changes.yaml); they do not fail the run"),
} satisfies Record<keyof DiffFlags, Option>;

const HELP = `
Breaking changes: an operation or a status removed, a request narrowed (a new required property
or parameter, an enum value or type no longer accepted), a response widened (a new enum value or
type, a required property dropped, a new status).

Exit codes: 0 no breaking change (or all accepted), 1 breaking changes, 2 usage error or a file
that cannot be read.
`;

/** `connector-contracts diff OLD NEW`: the breaking changes between two versions of a contract. */
export function diffCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const command = new Command("diff")
    .description("List the breaking changes between two versions of a contract (OpenAPI 3.1 YAML or JSON)")
    .argument("<old>", "the previous version of the contract")
    .argument("<new>", "the new version")
    .addHelpText("after", HELP);
  for (const option of Object.values(DIFF_OPTIONS)) command.addOption(option);
  return command.action((oldFile: string, newFile: string, flags: DiffFlags) => {
    for (const file of [oldFile, newFile, flags.accepted]) if (file && !existsSync(file)) throw new UsageError(`no such file: ${file}`);
    const [oldSpec, newSpec] = [loadSpecFile(oldFile), loadSpecFile(newFile)];
    for (const [file, spec] of [[oldFile, oldSpec], [newFile, newSpec]] as const) {
      if (!spec || typeof spec.paths !== "object") throw new UsageError(`${file} is not an OpenAPI document (no paths)`);
    }
    const api = String(newSpec.info?.["x-api-name"] ?? "*");
    const all = breakingChanges(oldSpec, newSpec);
    const changes = flags.accepted ? unaccepted(api, all, readAcceptedChanges(flags.accepted)) : all;
    io.stdout(flags.json ? renderChangesJson(changes) : renderChangesText(changes));
    setExitCode(changes.length > 0 ? EXIT.findings : EXIT.clean);
  });
}
