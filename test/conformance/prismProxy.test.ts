import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_NAMES, type ApiName } from "../../src/contracts/apiNames.js";
import { runConformance } from "../../src/conformance/index.js";
import { startPrismProxy } from "../../src/mock/prismMocks.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";

/**
 * A second opinion on the reference server's answers from a validator this project did not write:
 * Prism, as a validating proxy of each contract, sits in front of the reference server while the
 * conformance suite runs through it, and logs every answer that breaks the contract. It must log
 * none. (Its request violations are the suite's own deliberately invalid requests; the suite's
 * findings here are not asserted, because Prism answers malformed JSON itself instead of
 * forwarding it.)
 */
const BASE_PORT = 4660;
/**
 * Prism forwards some of the suite's deliberately broken bodies (a JSON null) without the body but
 * with its Content-Length; the server answers those 408 (documented, in the API's error body) once
 * BODY_TIMEOUT_MS has passed, so it is short here.
 */
const BODY_TIMEOUT_MS = 1_000;

/** Each API's first two dev keys, of two accounts (none for EvalStudio), as the other suite runs take them. */
const keys = (api: ApiName) => {
  const [primary, secondary] = readDevKeys(api);
  return { primaryKey: primary?.key, secondaryKey: secondary?.key };
};

describe("Prism's own validator, as a proxy in front of the reference server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS) } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(API_NAMES)("%s: Prism sees no answer that breaks the contract during a full conformance run", async (api) => {
    const lines: string[] = [];
    const proxy = await startPrismProxy(api, server.apiUrls[api]!, BASE_PORT + API_NAMES.indexOf(api), (line) => lines.push(line));
    try {
      const report = await runConformance({ api, baseUrl: proxy.url, ...keys(api), requestsPerSecond: 500 });
      const violations = lines.filter((line) => /Violation: /.test(line));
      const responseViolations = violations.filter((line) => /Violation: response/.test(line));
      const forwarded = lines.filter((line) => /Forwarding "/.test(line)).length;
      const timedOut = report.sent.filter((r) => r.status === 408).length;
      console.log(
        `[prism proxy] ${api}: ${report.requests} requests through Prism (${forwarded} forwarded, ${timedOut} answered 408), ` +
          `${violations.length - responseViolations.length} request violations (the suite's invalid requests), ${responseViolations.length} response violations`,
      );
      expect(forwarded, "Prism forwarded the suite's requests").toBeGreaterThan(20);
      expect(responseViolations).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 300_000);
});
