import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { migrate } from "../../src/server/db/migrate.js";
import { openPgliteDatabase } from "../../src/server/db/pgliteDatabase.js";
import { templateKey, treeHash } from "../../src/server/db/pgliteTemplate.js";
import { makePrivateTree } from "../../src/server/db/privateFiles.js";
import { startTestServer } from "../support/testServer.js";

/**
 * The on-disk twin of dataAtRest.test.ts's tarball attack: a fresh ON-DISK data directory starts
 * as a file copy of `<templateDir>/<key>.pgdata`, so a planted one would carry its triggers into
 * every new database. Each attack plants a real migrated data directory with a trigger that
 * sends every EvalStudio connector (and its secret headers) to the attacker.
 */
const SEEDED_PROJECT = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const HONEST_URL = "http://localhost:8123";
const ATTACKER_URL = "http://attacker.invalid:8123";
/** A file the attacker's template carries and a template this server builds does not. */
const PLANTED_MARKER = "planted-by-attacker";

/** Creates a connector through the API and reads back its baseUrl. */
async function storedBaseUrl(evalstudioUrl: string): Promise<string | undefined> {
  const client = createApiClient("evalstudio", { baseUrl: evalstudioUrl });
  const created = await client.POST("/projects/{projectId}/connectors", {
    params: { path: { projectId: SEEDED_PROJECT } },
    body: { name: `c-${Date.now()}-${Math.random()}`, type: "langgraph", baseUrl: HONEST_URL, config: { assistantId: "a" } },
  });
  expect(created.response.status).toBe(201);
  const read = await client.GET("/projects/{projectId}/connectors/{id}", { params: { path: { projectId: SEEDED_PROJECT, id: created.data!.id } } });
  return read.data?.baseUrl;
}

/** Starts a server on `dataDir` with templates in `templateDir`, and reports the baseUrl a new connector ends up with. */
async function baseUrlOnServer(dataDir: string, templateDir: string): Promise<string | undefined> {
  const server = await startTestServer({ env: { PGLITE_DIR: dataDir, PGLITE_TEMPLATE_DIR: templateDir } });
  try {
    return await storedBaseUrl(server.apiUrls.evalstudio!);
  } finally {
    await server.stop();
  }
}

type Plant = { name: string; hash: (template: string) => string | undefined; folderMode: number };

const plants: Plant[] = [
  { name: "with no recorded hash", hash: () => undefined, folderMode: 0o700 },
  { name: "with a hash that does not match its files", hash: () => createHash("sha256").update("something else").digest("hex"), folderMode: 0o700 },
  // The attacker can compute treeHash as well as we can; what they cannot do is write into a folder that is ours alone.
  { name: "with a matching hash, in a template folder others could write to (0777)", hash: (template) => treeHash(template), folderMode: 0o777 },
];

describe("a planted PGlite template data directory is never copied into a fresh on-disk data directory", () => {
  const key = templateKey();
  let root: string;
  let poisonedSource: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "cc-template-dirs-"));
    poisonedSource = join(root, "poisoned-source");
    const db = await openPgliteDatabase(poisonedSource);
    try {
      await migrate(db);
      await db.query(`create function poison() returns trigger language plpgsql as $$ begin new.base_url := '${ATTACKER_URL}'; return new; end $$`);
      await db.query("create trigger poison before insert or update on evalstudio_connectors for each row execute function poison()");
    } finally {
      await db.close();
    }
    writeFileSync(join(poisonedSource, PLANTED_MARKER), "");
  }, 120_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("the attack works when nothing checks it: the planted directory copied in by hand rewrites a new connector's baseUrl", async () => {
    const dataDir = join(root, "copied-by-hand");
    cpSync(poisonedSource, dataDir, { recursive: true });
    expect(await baseUrlOnServer(dataDir, join(root, "unused-templates"))).toBe(ATTACKER_URL);
  }, 120_000);

  it.each(plants)("a template directory planted $name is not used, and is rebuilt", async ({ name, hash, folderMode }) => {
    const index = plants.findIndex((plant) => plant.name === name);
    const templateDir = join(root, `templates-${index}`);
    const template = join(templateDir, `${key}.pgdata`);
    const hashFile = join(templateDir, `${key}.pgdata.sha256`);
    mkdirSync(templateDir, { mode: 0o700 });
    cpSync(poisonedSource, template, { recursive: true });
    makePrivateTree(template); // as tidy as a template of ours: only the defect named above tells them apart
    const recorded = hash(template);
    if (folderMode !== 0o700) expect(recorded).toMatch(/^[0-9a-f]{64}$/); // a real hash of a tree treeHash accepts
    if (recorded !== undefined) writeFileSync(hashFile, recorded, { mode: 0o600 });
    chmodSync(templateDir, folderMode);

    expect(await baseUrlOnServer(join(root, `fresh-${index}`), templateDir)).toBe(HONEST_URL);

    // Rebuilt in place: this server's own template, with the hash of its own files, in a private folder.
    expect(existsSync(join(template, PLANTED_MARKER))).toBe(false);
    expect(readFileSync(hashFile, "utf8")).toBe(treeHash(template));
    expect((lstatSync(templateDir).mode & 0o777).toString(8)).toBe("700");
  }, 180_000);

  it("a template tree holding a symbolic link or a file others may write has no hash, so it is never copied", () => {
    const tree = join(root, "tree");
    mkdirSync(join(tree, "base"), { recursive: true, mode: 0o700 });
    writeFileSync(join(tree, "base", "1259"), "pg_class", { mode: 0o600 });
    expect(treeHash(tree)).toMatch(/^[0-9a-f]{64}$/);
    // A copied link would point the new data directory at a file outside it (and its target is not hashed).
    symlinkSync(join(root, "elsewhere"), join(tree, "base", "2608"));
    expect(treeHash(tree)).toBeUndefined();
    rmSync(join(tree, "base", "2608"));
    chmodSync(join(tree, "base", "1259"), 0o666);
    expect(treeHash(tree)).toBeUndefined();
  });

  it("a good template is reused by the next fresh data directory, not rebuilt", async () => {
    const templateDir = join(root, "templates-good");
    const template = join(templateDir, `${key}.pgdata`);
    const hashFile = join(templateDir, `${key}.pgdata.sha256`);
    expect(await baseUrlOnServer(join(root, "first-fresh"), templateDir)).toBe(HONEST_URL);
    const built = lstatSync(template);
    const recorded = readFileSync(hashFile, "utf8");
    expect(recorded).toBe(treeHash(template));

    expect(await baseUrlOnServer(join(root, "second-fresh"), templateDir)).toBe(HONEST_URL);
    const after = lstatSync(template);
    expect({ ino: after.ino, mtimeMs: after.mtimeMs }).toEqual({ ino: built.ino, mtimeMs: built.mtimeMs });
    expect(readFileSync(hashFile, "utf8")).toBe(recorded);
    expect(treeHash(template)).toBe(recorded);
  }, 180_000);
});
