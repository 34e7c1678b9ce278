import { Command, CommanderError } from "commander";
import { packageManifest } from "../packageFiles.js";
import { checkCommand } from "./commands/check.js";
import { diffCommand } from "./commands/diff.js";
import { mockCommand } from "./commands/mock.js";
import { serveCommand } from "./commands/serve.js";
import { cleanupCommand } from "./commands/cleanup.js";
import { EXIT, type ExitCode } from "./exitCodes.js";
import type { CliIo } from "./io.js";

/** Makes a command of the CLI, given the io and how to set the exit code (one file per command in ./commands). */
type CommandFactory = (io: CliIo, setExit: (code: ExitCode) => void) => Command;

/**
 * Runs the CLI on `argv` (without node and the script) and returns its exit code. A thin shell
 * over the programmatic API (STYLE.md §8): each command lives in ./commands, one file each.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.clean;
  const setExit = (code: ExitCode) => (exitCode = code);
  const program = new Command("connector-contracts")
    .description("Contracts, reference server, mock and conformance suite of the Wexa, Merge, Vern and EvalStudio connector APIs")
    .version(packageManifest().version, "-V, --version")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(add --help for the options)")
    .exitOverride();
  const add = (factory: CommandFactory) =>
    program.addCommand(factory(io, setExit).exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).showHelpAfterError("(add --help for the options)"));
  // One line per command.
  add(serveCommand);
  add(mockCommand);
  add(checkCommand);
  add(diffCommand);
  add(cleanupCommand);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message already; help and version asked for are not errors.
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" ? EXIT.clean : EXIT.usageOrConnection;
    }
    io.stderr(`error: ${(error as Error).message}\n`);
    return EXIT.usageOrConnection;
  }
}
