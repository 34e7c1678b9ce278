import { Command, CommanderError } from "commander";
import { checkCommand } from "./commands/check.js";
import { cleanupCommand } from "./commands/cleanup.js";
import { EXIT, type ExitCode } from "./exitCodes.js";
import type { CliIo } from "./io.js";

/**
 * Runs the CLI on `argv` (without node and the script) and returns its exit code. A thin shell
 * over the programmatic API (STYLE.md §8): each command lives in ./commands, one file each.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.clean;
  const program = new Command("connector-contracts")
    .description("Check a deployment of the Wexa, Merge, Vern or EvalStudio API against its contract")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(add --help for the options)")
    .exitOverride();
  program.addCommand(checkCommand(io, (code) => (exitCode = code)).exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).showHelpAfterError("(add --help for the options)"));
  program.addCommand(cleanupCommand(io, (code) => (exitCode = code)).exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).showHelpAfterError("(add --help for the options)"));
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
