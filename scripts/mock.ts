// `npm run mock`: the static Prism mock of all four contracts, one port per API.
//   npm run mock -- --dynamic [--seed s] [--port 4010]
import { Command } from "commander";
import { API_NAMES } from "../src/contracts/apiNames.js";
import { DEFAULT_MOCK_BASE_PORT, startPrismMocks } from "../src/mock/prismMocks.js";

const options = new Command("mock")
  .description("Start Prism on the four contracts (one port per API, CORS on)")
  .option("--port <port>", "first port (the APIs take consecutive ports)", String(DEFAULT_MOCK_BASE_PORT))
  .option("--dynamic", "generate answers from the schemas instead of serving the examples", false)
  .option("--seed <seed>", "seed for --dynamic, so answers repeat")
  .option("--verbose", "print Prism's own request log", false)
  .parse()
  .opts<{ port: string; dynamic: boolean; seed?: string; verbose: boolean }>();

const mocks = await startPrismMocks({
  basePort: Number(options.port),
  dynamic: options.dynamic,
  seed: options.seed,
  onLog: options.verbose ? (api, line) => console.log(`[${api}] ${line}`) : undefined,
});
console.log(`Prism mocks (${options.dynamic ? "dynamic" : "static: the documented examples"}), CORS enabled:`);
for (const api of API_NAMES) console.log(`  ${api.padEnd(11)} ${mocks.urls[api]}`);
console.log('Pick an example or status per request with the header  Prefer: code=404, example=<name>');
console.log("Ctrl-C stops them.");
const shutdown = () => void mocks.close().then(() => process.exit(0));
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
