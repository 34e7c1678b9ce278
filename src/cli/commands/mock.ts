import { Command, Option } from "commander";
import { API_NAMES, type ApiName } from "../../contracts/apiNames.js";
import { DEFAULT_MOCK_BASE_PORT, startPrismMocks, type PrismMocks } from "../../mock/prismMocks.js";
import { EXIT, type ExitCode } from "../exitCodes.js";
import type { CliIo } from "../io.js";

export type MockFlags = { port: string; host: string; api?: ApiName; dynamic: boolean; seed?: string; verbose: boolean };

const EXIT_CODE_HELP = `
Pick an example or status per request with the header  Prefer: code=404, example=<name>

Exit codes:
  0    stopped by Ctrl-C or SIGTERM
  1    Prism could not start (a port in use)
  2    usage error`;

/** `connector-contracts mock` (and `npm run mock`): Prism's static mock of the contracts, one port per API. */
export function mockCommand(io: CliIo, setExit: (code: ExitCode) => void): Command {
  return new Command("mock")
    .description("run Prism's mock of the contracts (one port per API, CORS on)")
    .option("--port <port>", "first port (the APIs take consecutive ports in the order " + API_NAMES.join(", ") + ")", String(DEFAULT_MOCK_BASE_PORT))
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--api <name>", "mock this API alone (still on its own port of the range)").choices(API_NAMES))
    .option("--dynamic", "generate answers from the schemas instead of serving the examples", false)
    .option("--seed <seed>", "seed for --dynamic, so answers repeat")
    .option("--verbose", "print Prism's own request log", false)
    .addHelpText("after", EXIT_CODE_HELP)
    .action(async (flags: MockFlags) => setExit(await runMock(flags, io)));
}

async function runMock(flags: MockFlags, io: CliIo): Promise<ExitCode> {
  const basePort = Number(flags.port);
  if (!Number.isInteger(basePort) || basePort < 1 || basePort + API_NAMES.length - 1 > 65_535) {
    io.stderr(`error: --port must be a port number from 1 to ${65_535 - API_NAMES.length + 1} (Prism needs fixed ports)\n`);
    return EXIT.usageOrConnection;
  }
  const apis = flags.api ? [flags.api] : API_NAMES;
  let mocks: PrismMocks;
  try {
    mocks = await startPrismMocks({
      basePort,
      host: flags.host,
      apis,
      dynamic: flags.dynamic,
      seed: flags.seed,
      onLog: flags.verbose ? (api, line) => io.stdout(`[${api}] ${line}\n`) : undefined,
    });
  } catch (error) {
    io.stderr(`Could not start the mock: ${(error as Error).message}\n`);
    return EXIT.couldNotStart;
  }
  const lines = [`Prism mocks (${flags.dynamic ? "dynamic" : "static: the documented examples"}), CORS enabled:`];
  for (const api of apis) lines.push(`  ${api.padEnd(11)} ${mocks.urls[api]}`);
  lines.push("Pick an example or status per request with the header  Prefer: code=404, example=<name>", "Ctrl-C stops them.");
  io.stdout(`${lines.join("\n")}\n`);
  await new Promise<void>((stopped) => {
    const stopListening = io.onInterrupt(() => {
      stopListening();
      void mocks.close().then(stopped);
    });
  });
  return EXIT.clean;
}
