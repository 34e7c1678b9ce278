import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestServer, type TestServer } from "../support/testServer.js";
import { launchChromium, startPageServer } from "./crossOriginPage.js";

/**
 * A real browser decides what a page on another origin may do: a page served from
 * http://localhost:<other port> tries to read and reset /__admin the three ways a browser allows
 * without a preflight, and calls an API route the way front-end apps do (credentials included,
 * OpenTelemetry and Sentry headers added).
 */
describe("a page on another origin, in headless Chromium", () => {
  let server: TestServer;
  let pageServer: Awaited<ReturnType<typeof startPageServer>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer();
    pageServer = await startPageServer();
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(pageServer.url);
  });
  afterAll(async () => {
    await browser?.close();
    await pageServer?.close();
    await server?.stop();
  });

  it("cannot read GET /__admin (the dev keys)", async () => {
    const outcome = await page.evaluate(async (url) => {
      try {
        const answer = await fetch(url);
        return `read: ${answer.status} ${await answer.text()}`;
      } catch (error) {
        return `blocked: ${String(error)}`;
      }
    }, `${server.url}/__admin`);
    expect(outcome).toMatch(/^blocked:/);
    expect(outcome).not.toContain("keys");
  });

  it("cannot reset with a no-preflight text/plain POST to /__admin/reset", async () => {
    const project = await createProject();
    const sent = await page.evaluate(async (url) => {
      const answer = await fetch(url, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: "{}" });
      return answer.type;
    }, `${server.url}/__admin/reset`);
    expect(sent).toBe("opaque");
    await waitForAdminRequestLogged("/__admin/reset");
    expect(await projectExists(project)).toBe(true);
  });

  it("cannot reset with a form POST to /__admin/reset", async () => {
    const project = await createProject();
    const before = adminResetsLogged();
    await page.evaluate((url) => {
      const frame = document.createElement("iframe");
      frame.name = "sink";
      document.body.append(frame);
      const form = document.createElement("form");
      form.method = "POST";
      form.action = url;
      form.target = "sink";
      form.enctype = "text/plain";
      const field = document.createElement("input");
      field.name = '{"a":"';
      field.value = '"}';
      form.append(field);
      document.body.append(form);
      form.submit();
    }, `${server.url}/__admin/reset`);
    await eventually(async () => adminResetsLogged(), (count) => count > before);
    expect(await projectExists(project)).toBe(true);
  });

  it("can call an API route with credentials: 'include' and tracing headers, and read its headers", async () => {
    const outcome = await page.evaluate(async (url) => {
      const answer = await fetch(url, {
        credentials: "include",
        headers: {
          traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
          "sentry-trace": "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
          baggage: "sentry-environment=dev",
          "X-Request-Id": "browser-request-1",
        },
      });
      return { status: answer.status, isArray: Array.isArray(await answer.json()), requestId: answer.headers.get("x-request-id") };
    }, `${server.apiUrls.evalstudio}/projects`);
    expect(outcome).toEqual({ status: 200, isArray: true, requestId: "browser-request-1" });
  });

  it("can read Allow from a 405 (an exposed header)", async () => {
    const key = server.modules.find((m) => m.api === "merge")!.devKeys[0]!.key;
    const outcome = await page.evaluate(
      async ({ url, key }) => {
        const answer = await fetch(url, { method: "DELETE", headers: { authorization: `Bearer ${key}` } });
        return { status: answer.status, allow: answer.headers.get("allow") };
      },
      { url: `${server.apiUrls.merge}/tool-packs/`, key },
    );
    expect(outcome).toEqual({ status: 405, allow: "GET, HEAD, POST" });
  });

  /** A project made through EvalStudio's API (no key needed): its name is what a reset would remove. */
  async function createProject(): Promise<string> {
    const name = `kept-${Math.random().toString(36).slice(2)}`;
    const answer = await fetch(`${server.apiUrls.evalstudio}/projects`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
    expect(answer.status).toBe(201);
    return name;
  }

  async function projectExists(name: string): Promise<boolean> {
    return (await (await fetch(`${server.apiUrls.evalstudio}/projects`)).text()).includes(name);
  }

  function adminResetsLogged(): number {
    return server.logs.filter((line) => line.includes('"url":"/__admin/reset"')).length;
  }

  /** The browser's no-cors request reached the server (its log line is written when the answer is sent). */
  async function waitForAdminRequestLogged(url: string) {
    await eventually(async () => server.logs.filter((line) => line.includes(`"url":"${url}"`)).length, (count) => count > 0);
  }
});
