import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { launchChromium } from "../security/crossOriginPage.js";

/** The web console at /__admin/, used as a person uses it, in headless Chromium. */
describe("the admin console (GET /__admin/)", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error" && !/404/.test(message.text())) pageErrors.push(message.text());
    });
    page.on("dialog", (dialog) => void dialog.accept());
    const answer = await page.goto(`${server.url}/__admin/`);
    expect(answer?.status()).toBe(200);
    expect(answer?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await page.waitForSelector("#status:text('Ready.')");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows each API with its base URL and dev keys", async () => {
    for (const module of server.modules) {
      const row = page.locator(`#apis tr[data-api="${module.api}"]`);
      await expect.poll(() => row.textContent()).toContain(server.apiUrls[module.api]!);
      for (const key of module.devKeys) expect(await row.textContent()).toContain(key.key);
    }
  });

  it("adds a fault rule that the API then applies, and removes it", async () => {
    await page.fill("#fault-form [name=operationId]", "listProjects");
    await page.fill("#fault-form [name=status]", "503");
    await page.click("#fault-form button[type=submit]");
    await page.waitForSelector("#faults tbody tr");
    expect((await fetch(`${server.apiUrls.evalstudio}/projects`)).status).toBe(503);
    await page.click("#faults tbody tr button");
    await expect.poll(() => page.locator("#faults tbody tr").count()).toBe(0);
    const rules = (await (await fetch(`${server.url}/__admin/faults`)).json()) as { faults: unknown[] };
    expect(rules.faults).toEqual([]);
    expect((await fetch(`${server.apiUrls.evalstudio}/projects`)).status).toBe(200);
  });

  it("shows a request an app makes in the journal", async () => {
    await (await fetch(`${server.apiUrls.evalstudio}/projects?from=console-test`)).arrayBuffer();
    await page.click("#journal-filter button[type=submit]");
    await expect.poll(() => page.locator("#journal tbody").textContent()).toContain("/evalstudio/projects?from=console-test");
  });

  it("resets the data to the seed", async () => {
    const name = `made-before-reset-${Date.now()}`;
    expect((await fetch(`${server.apiUrls.evalstudio}/projects`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) })).status).toBe(201);
    await page.click("#reset");
    await page.waitForSelector("#status:text('Reset:')");
    expect(await (await fetch(`${server.apiUrls.evalstudio}/projects`)).text()).not.toContain(name);
  });

  it("says so when a scenario control is not on this server, instead of failing", async () => {
    await page.click("[data-clock]");
    await expect.poll(() => page.locator("#scenario-result").textContent()).not.toBe("");
    expect(pageErrors).toEqual([]);
  });

  it("is not served to another origin's page, nor framed (the guard and CSP)", async () => {
    const refused = await fetch(`${server.url}/__admin/`, { headers: { accept: "text/html", origin: "http://evil.example" } });
    expect(refused.status).toBe(403);
    // Without the trailing slash, or asking for JSON, /__admin stays the JSON description.
    expect((await fetch(`${server.url}/__admin`, { headers: { accept: "text/html" } })).headers.get("content-type")).toContain("application/json");
  });
});
