import { spawn } from "node:child_process";
import { freePort } from "../process/freePort.js";
import { stopChild } from "../process/stopChild.js";
import { waitUntilAnswering } from "../process/waitUntilAnswering.js";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PACKAGE_FILES } from "../packageFiles.js";

const require = createRequire(import.meta.url);
const CLI_PACKAGE = require.resolve("@langchain/langgraph-cli/package.json");
const CLI = join(dirname(CLI_PACKAGE), (require(CLI_PACKAGE) as { bin: { langgraphjs: string } }).bin.langgraphjs);

/** fixtures/langgraph: the deterministic echo graph EvalStudio's connectors are tested against. */
export const ECHO_GRAPH_CONFIG = `${PACKAGE_FILES.fixtures}langgraph/langgraph.json`;

export type LangGraphServer = { url: string; close: () => Promise<void> };

/**
 * A real LangGraph API server (`langgraphjs dev`, the in-memory @langchain/langgraph-api), serving
 * the graphs of a langgraph.json on 127.0.0.1. No Python, no Docker. Takes about 10 s to start.
 */
export async function startLangGraphServer(config = ECHO_GRAPH_CONFIG, port?: number): Promise<LangGraphServer> {
  const listenPort = port ?? (await freePort());
  const child = spawn(process.execPath, [CLI, "dev", "--port", String(listenPort), "--host", "127.0.0.1", "--no-browser", "--no-reload", "-c", config], {
    cwd: dirname(config),
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LANGSMITH_TRACING: "false", LANGCHAIN_TRACING_V2: "false", FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${listenPort}`;
  await waitUntilAnswering(child, { url: `${url}/ok`, what: "langgraphjs dev", timeoutMs: 90_000, intervalMs: 250, output: () => output });
  return { url, close: () => stopChild(child) };
}
