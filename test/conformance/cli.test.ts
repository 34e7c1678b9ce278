import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECK_OPTIONS, checkConfigFrom } from "../../src/cli/commands/check.js";
import { freePort } from "../../src/process/freePort.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { elementsNamed, parseXml } from "./minimalXml.js";

const BIN = join(import.meta.dirname, "../../bin/connector-contracts.mjs");
/** fixtures/merge/keys.json: two keys of two accounts (the isolation check needs both). */
const [mergePrimary, mergeSecondary] = readDevKeys("merge").filter((k, i, all) => all.findIndex((o) => o.accountId.split("-")[0] === k.accountId.split("-")[0]) === i);

type CliRun = { code: number | null; stdout: string; stderr: string };

/** Runs the CLI as a user would (node bin/connector-contracts.mjs …), with only the CC_ variables given. */
function cli(args: string[], env: Record<string, string> = {}, whileRunning?: (child: ReturnType<typeof spawn>, stderrSoFar: () => string) => void): Promise<CliRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CC_")));
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  whileRunning?.(child, () => stderr);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The reference server behind a proxy that labels every answer text/plain: content_type_conformance must fire. */
async function startWrongContentTypeProxy(upstream: string): Promise<{ url: string; close: () => Promise<void> }> {
  const hopByHop = new Set(["host", "connection", "keep-alive", "content-length", "transfer-encoding", "content-encoding"]);
  const forward = (headers: IncomingHttpHeaders | Headers) =>
    Object.fromEntries([...(headers instanceof Headers ? headers.entries() : Object.entries(headers))].filter(([k, v]) => !hopByHop.has(k) && v !== undefined).map(([k, v]) => [k, String(v)]));
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await fetch(upstream + req.url, { method: req.method, headers: forward(req.headers), body: chunks.length > 0 ? Buffer.concat(chunks) : undefined });
    const headers = forward(answer.headers);
    if (headers["content-type"]) headers["content-type"] = "text/plain";
    res.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function reportFiles(dir: string, name: string) {
  return { junit: join(dir, `${name}.xml`), json: join(dir, `${name}.json`), html: join(dir, `${name}.html`) };
}

describe("connector-contracts check (the CLI, run as a child process)", () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    server = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), "cc-cli-"));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("names every option after the CheckFlags field it fills", () => {
    for (const [field, option] of Object.entries(CHECK_OPTIONS)) expect(option.attributeName()).toBe(field);
  });

  it("turns flags and environment into one frozen run configuration", () => {
    const config = checkConfigFrom(
      { api: "wexa", baseUrl: "https://wexa.example.test/v1", fixture: { "wexa.projectID": "p1", "wexa.agentflowID": "a1" }, only: ["read_operations"], rps: 5 },
      { CC_WEXA_KEY: "wx-primary-0001", CC_WEXA_SECONDARY_KEY: "wx-secondary-0002" },
    );
    expect(config.run).toMatchObject({
      api: "wexa", primaryKey: "wx-primary-0001", secondaryKey: "wx-secondary-0002", fixtures: { "wexa.projectID": "p1", "wexa.agentflowID": "a1" },
      only: ["read_operations"], requestsPerSecond: 5, readOnly: false, rateLimit: false, destructive: false,
    });
    expect(Object.isFrozen(config) && Object.isFrozen(config.run)).toBe(true);
  });

  it("exits 0 on a clean run, with progress on stderr, the summary on stdout and the three reports written", async () => {
    const files = reportFiles(dir, "clean");
    const run = await cli(["check", "--api", "evalstudio", "--base-url", server.apiUrls.evalstudio!, "--junit", files.junit, "--json", files.json, "--html", files.html]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("▶ evalstudio_connector_lifecycle");
    expect(run.stdout).toMatch(/^evalstudio_connector_lifecycle\s+✔ passed\s+0/m);
    expect(run.stdout).toMatch(/^rate_limit\s+– skipped\s+-\s+not asked for/m);
    expect(run.stdout).toContain("✔ no findings against evalstudio");

    const report = JSON.parse(readFileSync(files.json, "utf8"));
    expect(report).toMatchObject({ tool: "connector-contracts", api: "evalstudio", findings: [] });
    const junit = parseXml(readFileSync(files.junit, "utf8"));
    expect(elementsNamed(junit, "testsuite")[0]!.attributes).toMatchObject({ name: "evalstudio conformance", failures: "0", tests: String(report.checks.length) });
    expect(readFileSync(files.html, "utf8")).toMatch(/^<!DOCTYPE html>[\s\S]*evalstudio conformance: no findings/);
  });

  describe.concurrent("exits 2 on a usage or connection error, saying what is wrong", () => {
    const cases: Array<[string, () => Promise<string[]>, RegExp, Record<string, string>?]> = [
      ["no command", async () => [], /Usage: connector-contracts/],
      ["a missing --api", async () => ["check", "--base-url", "http://127.0.0.1:1/x"], /required option '--api <name>'/],
      ["an unknown api", async () => ["check", "--api", "acme", "--base-url", "http://127.0.0.1:1/x"], /Allowed choices are wexa, merge, vern, evalstudio/],
      ["an unreachable base URL", async () => ["check", "--api", "evalstudio", "--base-url", `http://127.0.0.1:${await freePort()}/evalstudio`], /Cannot reach http:\/\/127\.0\.0\.1:\d+\/evalstudio \(ECONNREFUSED\)/],
      ["a base URL that is not a URL", async () => ["check", "--api", "evalstudio", "--base-url", "localhost:4000"], /--base-url must be an http or https URL|--base-url is not a URL/],
      ["a check --only does not know", async () => ["check", "--api", "evalstudio", "--base-url", "http://127.0.0.1:1/x", "--only", "read_operations,no_such_check"], /--only: no check named no_such_check for evalstudio/],
      ["a request cap that is not a number", async () => ["check", "--api", "evalstudio", "--base-url", "http://127.0.0.1:1/x", "--max-requests", "many"], /Expected a whole number above 0/],
      ["a keyed API without a key", async () => ["check", "--api", "merge", "--base-url", "http://127.0.0.1:1/x"], /merge needs an API key: set CC_MERGE_KEY/],
      ["--key-env naming an unset variable", async () => ["check", "--api", "merge", "--base-url", "http://127.0.0.1:1/x", "--key-env", "CC_TEST_UNSET_VARIABLE"], /--key-env names an environment variable that is not set or empty/],
      ["an unreadable credentials file", async () => ["check", "--api", "merge", "--base-url", "http://127.0.0.1:1/x", "--credentials-file", join(dir, "missing.json")], /Cannot read the credentials file .*missing\.json \(ENOENT\)/],
      ["a fixture that is not name=id", async () => ["check", "--api", "evalstudio", "--base-url", "http://127.0.0.1:1/x", "--fixture", "projectID"], /Expected name=id/],
      ["a fixture of another API", async () => ["check", "--api", "evalstudio", "--base-url", "http://127.0.0.1:1/x", "--fixture", "wexa.projectID=1"], /--fixture wexa\.projectID: fixture names of evalstudio start with "evalstudio\."/],
      ["the same key twice", async () => ["check", "--api", "merge", "--base-url", "http://127.0.0.1:1/x"], /The secondary key is the primary key/, { CC_MERGE_KEY: mergePrimary!.key, CC_MERGE_SECONDARY_KEY: mergePrimary!.key }],
    ];
    it.each(cases)("%s", async (_what, args, message, env) => {
      const run = await cli(await args(), env);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  });

  it("never echoes a key pasted where a variable name belongs, nor one in a broken credentials file", async () => {
    const mergeKey = mergePrimary!.key; // ah_prod_…: could be a variable's name
    const wexaKey = readDevKeys("wexa")[0]!.key; // wx-dev-…: cannot
    const pastedMerge = await cli(["check", "--api", "merge", "--base-url", server.apiUrls.merge!, "--key-env", mergeKey]);
    expect(pastedMerge.stderr).toContain("--key-env names an environment variable that is not set");
    const pastedWexa = await cli(["check", "--api", "wexa", "--base-url", server.apiUrls.wexa!, "--secondary-key-env", wexaKey]);
    expect(pastedWexa.stderr).toContain("--secondary-key-env takes the NAME of an environment variable");
    const broken = join(dir, "broken.json");
    writeFileSync(broken, `{"primary": ${mergeKey}}`);
    const unparsable = await cli(["check", "--api", "merge", "--base-url", server.apiUrls.merge!, "--credentials-file", broken]);
    expect(unparsable.stderr).toContain("is not valid JSON");
    for (const run of [pastedMerge, pastedWexa, unparsable]) {
      expect(run.code).toBe(2);
      for (const key of [mergeKey, wexaKey]) expect(run.stdout + run.stderr).not.toContain(key.slice(8));
    }
  });

  it.each([
    ["environment variables", () => ({ args: [], env: { CC_MERGE_KEY: mergePrimary!.key, CC_MERGE_SECONDARY_KEY: mergeSecondary!.key } })],
    ["variables named by --key-env/--secondary-key-env", () => ({ args: ["--key-env", "MY_PRIMARY", "--secondary-key-env", "MY_SECONDARY"], env: { MY_PRIMARY: mergePrimary!.key, MY_SECONDARY: mergeSecondary!.key } })],
    ["a credentials file", () => {
      const file = join(dir, "credentials.json");
      writeFileSync(file, JSON.stringify({ primary: mergePrimary!.key, secondary: mergeSecondary!.key }));
      return { args: ["--credentials-file", file], env: {} };
    }],
  ])("takes Merge's keys from %s, runs clean, and never prints them", async (source, given) => {
    const { args, env } = given();
    const files = reportFiles(dir, `keyed-${source.split(" ")[0]}`);
    // Paced above the default 50 a second: Merge's generated invalid inputs are several thousand requests, and this test is about the keys.
    const run = await cli(["check", "--api", "merge", "--base-url", server.apiUrls.merge!, "--rps", "2000", ...args, "--junit", files.junit, "--json", files.json, "--html", files.html], env);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^cross_key_isolation\s+✔ passed/m);
    const everything = [run.stdout, run.stderr, ...Object.values(files).map((f) => readFileSync(f, "utf8"))].join("\n");
    for (const key of [mergePrimary!.key, mergeSecondary!.key]) expect(everything).not.toContain(key);
  });

  it("exits 1 with each finding, its expected and received, and a curl line that names the key's variable, not the key", async () => {
    const proxy = await startWrongContentTypeProxy(server.url);
    try {
      const files = reportFiles(dir, "findings");
      const run = await cli(["check", "--api", "merge", "--base-url", `${proxy.url}/merge`, "--only", "read_operations,content_type_conformance", "--junit", files.junit, "--json", files.json, "--html", files.html], { CC_MERGE_KEY: mergePrimary!.key });

      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toMatch(/^content_type_conformance\s+✖ failed\s+[1-9]/m);
      expect(run.stdout).toMatch(/expected\s+\S/);
      expect(run.stdout).toMatch(/received\s+\S/);
      expect(run.stdout).toMatch(/reproduce\s+curl -i -X GET '.*' .*"authorization: Bearer \$CC_MERGE_KEY"/);
      const junit = parseXml(readFileSync(files.junit, "utf8"));
      // One <failure> per cause (findings of one cause on several operations share it).
      expect(elementsNamed(junit, "failure").length).toBe(JSON.parse(readFileSync(files.json, "utf8")).causes.length);
      const everything = [run.stdout, run.stderr, ...Object.values(files).map((f) => readFileSync(f, "utf8"))].join("\n");
      expect(everything).not.toContain(mergePrimary!.key);
    } finally {
      await proxy.close();
    }
  });

  it("on Ctrl-C stops, removes what it created, prints what it did and exits 130", async () => {
    const files = reportFiles(dir, "interrupted");
    let interrupted = false;
    const run = await cli(["check", "--api", "evalstudio", "--base-url", server.apiUrls.evalstudio!, "--rps", "10", "--json", files.json], {}, (child, stderr) => {
      const poll = setInterval(() => {
        if (!interrupted && stderr().includes("▶ evalstudio_duplicate_name_conflict")) {
          interrupted = true;
          child.kill("SIGINT");
          clearInterval(poll);
        }
      }, 20);
      child.on("close", () => clearInterval(poll));
    });

    expect(interrupted).toBe(true);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain("interrupted: stopping the current request and removing what the run created");
    expect(run.stdout).toMatch(/^evalstudio_connector_lifecycle\s+✔ passed/m);
    // Passive checks send nothing, so they still read what was recorded before the interrupt.
    expect(run.stdout).toMatch(/^secret_non_disclosure\s+✔ passed/m);
    expect(run.stdout).toMatch(/^not_found\s+– skipped\s+-\s+run interrupted \(Ctrl-C\)/m);
    expect(run.stdout).toContain("The run was interrupted (Ctrl-C); what it created was cleaned up.");
    const { runId } = JSON.parse(readFileSync(files.json, "utf8"));
    const projects = (await (await fetch(`${server.apiUrls.evalstudio}/projects`)).json()) as Array<{ name: string }>;
    expect(projects.filter((p) => p.name.startsWith(`cc-conformance-${runId}`))).toEqual([]);
  });

  it("`npx connector-contracts` finds the bin from the repository", async () => {
    expect(existsSync(BIN)).toBe(true);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8"));
    expect(pkg.bin).toEqual({ "connector-contracts": "bin/connector-contracts.mjs" });
    // The bin runs the compiled JavaScript: nothing compiles TypeScript at run time.
    expect(pkg.dependencies.tsx).toBeUndefined();
  });
});
