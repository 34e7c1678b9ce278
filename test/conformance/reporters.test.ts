import { describe, expect, it } from "vitest";
import { renderHtml, renderJson, renderJunit, renderTerminal } from "../../src/conformance/reporters/index.js";
import type { Report } from "../../src/conformance/types.js";
import { elementsNamed, parseXml } from "./minimalXml.js";
import { HOSTILE, sampleReport } from "./sampleReport.js";

const { report, secrets } = sampleReport();
const outputs: Record<string, string> = {
  terminal: renderTerminal(report, { color: false }),
  "terminal (colour)": renderTerminal(report, { color: true }),
  json: renderJson(report),
  junit: renderJunit(report),
  html: renderHtml(report),
};

describe("the minimal XML parser the JUnit tests rely on", () => {
  it.each([
    ["a mismatched closing tag", "<a><b></a></b>"],
    ["a bare ampersand", "<a>x & y</a>"],
    ["a raw < in an attribute", '<a t="<"/>'],
    ["an unquoted attribute", "<a t=1/>"],
    ["an unknown entity", "<a>&nbsp;</a>"],
    ["a control character", "<a>\u0001</a>"],
    ["two roots", "<a/><b/>"],
    ["a duplicate attribute", '<a t="1" t="2"/>'],
  ])("rejects %s", (_what, xml) => {
    expect(() => parseXml(xml)).toThrow();
  });

  it("reads elements, attributes and references", () => {
    const root = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a x="&quot;1&#10;&apos;"><b>&lt;&amp;&#x41;</b><!-- c --><b/></a>');
    expect(root.attributes.x).toBe("\"1\n'");
    expect(elementsNamed(root, "b").map((b) => b.text)).toEqual(["<&A", ""]);
  });
});

describe("JUnit report", () => {
  const root = parseXml(outputs.junit!);
  const suites = elementsNamed(root, "testsuite");
  const cases = elementsNamed(root, "testcase");

  it("is well-formed XML with one suite named after the API", () => {
    expect(root.name).toBe("testsuites");
    expect(suites.map((s) => s.attributes.name)).toEqual(["merge conformance"]);
  });

  it("counts tests, failures and skipped as the report does", () => {
    for (const element of [root, suites[0]!]) {
      expect(element.attributes).toMatchObject({
        tests: String(report.checks.length),
        failures: String(report.checks.filter((c) => c.status === "failed").length),
        skipped: String(report.checks.filter((c) => c.status === "skipped").length),
        errors: "0",
      });
    }
    expect(cases.map((c) => c.attributes.name)).toEqual(report.checks.map((c) => c.check));
  });

  it("has one <failure> per finding, carrying title, expected, received and curl unescaped", () => {
    for (const check of report.checks) {
      const testcase = cases.find((c) => c.attributes.name === check.check)!;
      const failures = elementsNamed(testcase, "failure");
      const findings = report.findings.filter((f) => f.check === check.check);
      expect(failures).toHaveLength(findings.length);
      findings.forEach((finding, i) => {
        expect(failures[i]!.attributes.message).toBe(finding.title);
        expect(failures[i]!.text).toContain(`expected: ${finding.expected}`);
        expect(failures[i]!.text).toContain(`received: ${finding.received}`);
        if (finding.curl) expect(failures[i]!.text).toContain(`curl: ${finding.curl}`);
      });
    }
  });

  it("marks a skipped check with its reason", () => {
    const skipped = cases.filter((c) => elementsNamed(c, "skipped").length > 0);
    expect(skipped.map((c) => elementsNamed(c, "skipped")[0]!.attributes.message)).toEqual(report.checks.filter((c) => c.status === "skipped").map((c) => c.reason));
  });

  it("gives a finding whose check is not in the list a failing case of its own", () => {
    const orphan: Report = { ...report, findings: [...report.findings, { ...report.findings[0]!, check: "unlisted_check", id: "unlisted_check/-/x" }] };
    const parsed = parseXml(renderJunit(orphan));
    expect(parsed.attributes.failures).toBe(String(report.checks.filter((c) => c.status === "failed").length + 1));
    expect(elementsNamed(parsed, "testcase").at(-1)?.attributes.name).toBe("unlisted_check");
  });

  it("replaces characters XML cannot carry instead of producing an invalid file", () => {
    const nasty: Report = { ...report, findings: [{ ...report.findings[0]!, received: "bell \u0007, NUL \u0000, lone surrogate \uD800" }] };
    expect(() => parseXml(renderJunit(nasty))).not.toThrow();
  });
});

describe("JSON report", () => {
  it("round-trips to the same report, with the findings also grouped by cause", () => {
    const { causes, ...rest } = JSON.parse(outputs.json!);
    expect(rest).toEqual(report);
    expect(causes.flatMap((c: { findings: string[] }) => c.findings).sort()).toEqual(report.findings.map((f) => f.id).sort());
    for (const cause of causes) expect(cause).toMatchObject({ operations: expect.any(Array), requests: expect.any(Array), evidence: expect.any(String) });
  });
});

describe("HTML report", () => {
  const html = outputs.html!;

  it("escapes every value that came from the server or the run", () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain("&lt;script&gt;alert(&quot;x &amp; &#39;y&#39;&quot;)&lt;/script&gt;");
    expect(html).not.toContain("<b>kept</b>");
    expect(html).toContain("&lt;angled&gt;");
  });

  it("is self-contained: no script, no external asset", () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|@import|url\(/i);
    expect(html).not.toMatch(/href="(?!#)/);
  });

  it("has a coverage row per operation and flags undocumented statuses", () => {
    expect(html.match(/<tr[^>]*>\s*<th scope="row">/g)).toHaveLength(report.coverage.length);
    expect(html).toMatch(/<td class="undocumented seen"><span class="status">500<\/span><\/td>/);
  });

  it("says for each finding whether it breaks the documented contract or an inferred behaviour", () => {
    expect(html).toContain("breaks the documented contract");
    expect(html).toContain("differs from behaviour this project inferred");
  });
});

describe("terminal summary", () => {
  it("has no colour codes unless asked", () => {
    expect(outputs.terminal).not.toContain("\u001b[");
    expect(outputs["terminal (colour)"]).toContain("\u001b[31m");
  });

  it("lists every check with its status and each finding with expected, received and the curl line", () => {
    for (const check of report.checks) expect(outputs.terminal).toMatch(new RegExp(`^${check.check}\\s+\\S+ ${check.status}`, "m"));
    for (const finding of report.findings) {
      expect(outputs.terminal).toContain(finding.title);
      expect(outputs.terminal).toContain(`expected   ${finding.expected.split("\n")[0]}`);
      if (finding.curl) expect(outputs.terminal).toContain(`reproduce  ${finding.curl}`);
    }
  });
});

describe("no report format discloses a credential or a planted secret", () => {
  const forms = (secret: string) => [secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64"), secret.slice(8, 28)];
  it.each(Object.keys(outputs))("%s", (format) => {
    for (const secret of secrets) for (const form of forms(secret)) expect(outputs[format]).not.toContain(form);
  });

  it("the sample did put them where a careless run would leak them", () => {
    const raw = JSON.stringify(sampleReport().report.findings.map((f) => f.exchange?.request.headers));
    expect(raw).toContain("<primary key>");
    expect(outputs.terminal).toContain("$CC_MERGE_KEY");
  });
});
