import { randomBytes } from "node:crypto";
import type { Router } from "express";
import type { Database } from "../db/database.js";
import { badRequest } from "../http/apiError.js";
import type { ApiModule } from "../http/apiModule.js";
import type { AccountKeys, IssuedKey } from "../http/authentication.js";
import { insertIssuedKey, loadIssuedKeys, type IssuedKeyRow } from "../issuedKeys.js";
import { bodyObject, jsonBody } from "./jsonInput.js";

export type AccountDeps = {
  database: Database;
  modules: readonly ApiModule[];
  mountPaths: Readonly<Record<string, string>>;
  accountKeys: AccountKeys;
};

/**
 * POST /__admin/accounts {"label"}: a fresh, empty account with one key per API that has keys,
 * usable at once and as isolated from every other account as the dev keys are, so parallel
 * end-to-end tests each get their own state; GET /__admin/accounts lists them. The keys are
 * persisted (mock_account_keys); a reset removes them with the rest of the non-seed state.
 */
export function registerAccountRoutes(router: Router, deps: AccountDeps): void {
  const keyed = deps.modules.filter((m) => m.devKeys.length > 0);

  router.get("/accounts", async function listAccounts(req, res) {
    res.json({ accounts: groupByAccount(await loadIssuedKeys(deps.database, keyed.map((m) => m.api)), origin(req), deps.mountPaths) });
  });

  router.post("/accounts", jsonBody, async function createAccount(req, res) {
    const { label = "end-to-end test account" } = bodyObject(req);
    if (typeof label !== "string" || label.trim() === "" || label.length > 200) throw badRequest('label must be a non-empty string of at most 200 characters.');
    if (keyed.length === 0) throw badRequest("None of the APIs served here has keys: every caller already shares one public account.");
    // Random, so two test workers never collide; the prefix says where a key came from when it shows up in a log.
    const accountId = `acct_e2e_${randomBytes(8).toString("hex")}`;
    const issued: IssuedKey[] = keyed.map((m) => ({ key: `${m.api}_e2e_${randomBytes(20).toString("hex")}`, api: m.api, accountId, label }));
    await deps.database.transaction(async (tx) => {
      for (const [i, module] of keyed.entries()) {
        const provisioned = (await module.provisionAccount?.(tx, accountId)) ?? {};
        await insertIssuedKey(tx, issued[i]!, provisioned);
      }
    });
    deps.accountKeys.add(issued);
    const rows = (await loadIssuedKeys(deps.database, keyed.map((m) => m.api))).filter((r) => r.accountId === accountId);
    res.status(201).json(groupByAccount(rows, origin(req), deps.mountPaths)[0]);
  });
}

const origin = (req: { protocol: string; get(name: string): string | undefined }) => `${req.protocol}://${req.get("host")}`;

function groupByAccount(rows: readonly IssuedKeyRow[], origin: string, mountPaths: Readonly<Record<string, string>>) {
  const accounts = new Map<string, { accountId: string; label: string; createdAt: string; apis: Record<string, Record<string, string>> }>();
  for (const row of rows) {
    const account = accounts.get(row.accountId) ?? { accountId: row.accountId, label: row.label, createdAt: row.createdAt, apis: {} };
    account.apis[row.api] = { baseUrl: `${origin}${mountPaths[row.api]}`, key: row.key, ...row.provisioned };
    accounts.set(row.accountId, account);
  }
  return [...accounts.values()];
}
