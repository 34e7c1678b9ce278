import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { API_NAMES, type ApiName } from "../contracts/apiNames.js";
import { stopChild } from "../process/stopChild.js";
import { specPath } from "../contracts/loadSpec.js";

/** Prism's CLI entry, resolved from our own dependency so `npx` and PATH play no part. */
const PRISM_CLI = createRequire(import.meta.url).resolve("@stoplight/prism-cli/dist/index.js");

/** The default port of each API's static mock: 4010 + its position in API_NAMES. */
export const DEFAULT_MOCK_BASE_PORT = 4010;

export type PrismMockOptions = {
  /** The first port; the APIs take consecutive ports in API_NAMES order (0 is not allowed: Prism needs a fixed port). */
  basePort?: number;
  host?: string;
  /** Prism's dynamic mode (-d): answers generated from the schemas instead of the examples. */
  dynamic?: boolean;
  /** Seed for dynamic mode, so generated answers repeat (Prism's --seed). */
  seed?: string;
  apis?: readonly ApiName[];
  /** Where Prism's own log lines go (default: discarded). */
  onLog?: (api: ApiName, line: string) => void;
};

export type PrismMocks = {
  urls: Record<ApiName, string>;
  close: () => Promise<void>;
};

/** Starts one Prism mock per API contract and resolves once every one of them is listening. */
export async function startPrismMocks(options: PrismMockOptions = {}): Promise<PrismMocks> {
  const host = options.host ?? "127.0.0.1";
  const basePort = options.basePort ?? DEFAULT_MOCK_BASE_PORT;
  const apis = options.apis ?? API_NAMES;
  const children: ChildProcess[] = [];
  const urls = Object.fromEntries(apis.map((api) => [api, `http://${host}:${basePort + API_NAMES.indexOf(api)}`])) as Record<ApiName, string>;
  const close = async () => {
    await Promise.all(children.map(stopChild));
  };
  try {
    await Promise.all(
      apis.map(async (api) => {
        const port = basePort + API_NAMES.indexOf(api);
        const child = spawnPrism(prismArguments(api, port, host, options));
        children.push(child);
        await waitUntilListening(child, api, options.onLog);
      }),
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { urls, close };
}

/** The node arguments that run Prism's mock of one contract (also used by the benchmark). */
export function prismArguments(api: ApiName, port: number, host: string, options: Pick<PrismMockOptions, "dynamic" | "seed"> = {}): string[] {
  const args = [PRISM_CLI, "mock", specPath(api), "--port", String(port), "--host", host, "--cors", "true"];
  if (options.dynamic) args.push("--dynamic");
  if (options.seed) args.push("--seed", options.seed);
  return args;
}

export type PrismProxy = { url: string; close: () => Promise<void> };

/**
 * Prism as a validating proxy of one contract in front of `upstream` (a deployment, or the
 * reference server): it forwards each request, checks request and answer against the contract
 * with its own validator, and logs each violation ("Violation: response…") through `onLog`.
 */
export async function startPrismProxy(api: ApiName, upstream: string, port: number, onLog: (line: string) => void, host = "127.0.0.1"): Promise<PrismProxy> {
  const child = spawnPrism([PRISM_CLI, "proxy", specPath(api), upstream, "--port", String(port), "--host", host]);
  const close = () => stopChild(child);
  try {
    await waitUntilListening(child, api, (_api, line) => onLog(line));
  } catch (error) {
    await close();
    throw error;
  }
  return { url: `http://${host}:${port}`, close };
}

/** Prism's CLI with `args` (the CLI's path first), its output piped and uncoloured for waitUntilListening. */
function spawnPrism(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
}

function waitUntilListening(child: ChildProcess, api: ApiName, onLog?: PrismMockOptions["onLog"]): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`Prism (${api}) did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split("\n").filter(Boolean)) onLog?.(api, line);
      if (/Prism is listening/.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism (${api}) exited with code ${code}:\n${output}`));
    });
  });
}
