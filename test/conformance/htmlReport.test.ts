import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "../../src/conformance/reporters/html.js";
import type { Report } from "../../src/conformance/types.js";
import { sampleReport } from "./sampleReport.js";

/** Debian's chromium package; playwright-core drives it (no browser download). */
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = "/tmp/cc-report.png";

describe("the HTML report, as a person sees it in Chromium (no JavaScript)", () => {
  const { report } = sampleReport();
  let browser: Browser;
  let page: Page;
  let dir: string;
  const requested: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium`);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    dir = mkdtempSync(join(tmpdir(), "cc-html-"));
    page = await open(report, "findings");
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(shown: Report, name: string): Promise<Page> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtml(shown));
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const opened = await context.newPage();
    opened.on("request", (request) => requested.push(request.url()));
    await opened.goto(pathToFileURL(file).href);
    return opened;
  }

  const cardValue = (label: string) => page.locator("#summary .card", { has: page.locator(".label", { hasText: new RegExp(`^${label}$`) }) }).locator(".value").innerText();

  it("is titled with the API and the verdict", async () => {
    expect(await page.title()).toBe("merge conformance: 4 findings");
    expect(await page.locator("h1").innerText()).toBe("merge conformance: 4 findings");
  });

  it("shows the run's header: base URL, run id, requests", async () => {
    const header = await page.locator("header").innerText();
    for (const text of [report.baseUrl, report.runId, String(report.requests), "3.4 s"]) expect(header).toContain(text);
  });

  it("shows the summary counts", async () => {
    expect(await cardValue("findings")).toBe("4");
    expect(await cardValue("checks passed")).toBe("4");
    expect(await cardValue("checks failed")).toBe("4");
    expect(await cardValue("checks skipped")).toBe("1");
  });

  it("shows each finding's title, expected, received and curl line, with the hostile text as text", async () => {
    for (const finding of report.findings) {
      const card = page.locator("article.finding", { has: page.locator("h4", { hasText: finding.title }) });
      expect(await card.isVisible()).toBe(true);
      expect(await card.locator("pre.expected").innerText()).toBe(finding.expected);
      expect(await card.locator("pre.received").innerText()).toBe(finding.received);
      if (finding.curl) {
        expect(await card.locator("pre.curl").isVisible()).toBe(true);
        expect(await card.locator("pre.curl").innerText()).toBe(finding.curl);
      }
    }
    expect(await page.locator("script").count()).toBe(0);
  });

  it("has a coverage row per operation, and the undocumented status highlighted", async () => {
    const rows = page.locator("#coverage tbody tr");
    expect(await rows.count()).toBe(report.coverage.length);
    const seen = page.locator("#coverage td.undocumented.seen");
    expect(await seen.count()).toBe(1);
    expect(await seen.innerText()).toBe("500");
    const background = (selector: string) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await background("#coverage td.undocumented.seen")).toBe("rgb(255, 235, 233)");
    expect(await background("#coverage td.undocumented:not(.seen)")).not.toBe(await background("#coverage td.undocumented.seen"));
    expect(await seen.locator("xpath=..").locator("th").innerText()).toContain("createToolPack");
  });

  it("puts the notes on the run above the results", async () => {
    const notes = page.locator("#notes");
    expect(await notes.isVisible()).toBe(true);
    expect(await notes.innerText()).toContain('"quoted" & <angled>');
    const [notesTop, checksTop] = await Promise.all([notes.boundingBox(), page.locator("#checks").boundingBox()]);
    expect(notesTop!.y).toBeLessThan(checksTop!.y);
  });

  it("says so plainly when there are no findings", async () => {
    const clean = await open({ ...report, findings: [], notes: [], leftBehind: [], checks: report.checks.map((c) => (c.status === "failed" ? { ...c, status: "passed", findings: 0 } : c)) }, "clean");
    expect(await clean.title()).toBe("merge conformance: no findings");
    expect(await clean.getByText("No findings: the deployment kept every property the suite checked.").isVisible()).toBe(true);
  });

  it("loads nothing but itself, and a screenshot is taken for a person to look at", async () => {
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(requested.every((url) => url.startsWith("file://"))).toBe(true);
  });
});
