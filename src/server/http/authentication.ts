import type { Request } from "express";
import type { ApiName } from "../../contracts/apiNames.js";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import { unauthorized } from "./apiError.js";

/** Who is calling: the account a key belongs to. Every resource is scoped to one account. */
export type Account = { api: ApiName; accountId: string; label: string };

export type KeyRegistry = ReadonlyMap<string, Account>;

/** The account of operations that have no security (EvalStudio: the vendor's server has no auth). */
export const PUBLIC_ACCOUNT_ID = "public";

type CredentialReader = (req: Request) => string | undefined;

/**
 * Reads the credential the way the contract's security scheme says, and maps it to an account.
 * Missing, malformed and unknown credentials are all 401 (RFC 9110 §15.5.2).
 */
export function createAuthenticator(api: ApiName, spec: OpenApiDocument, keys: KeyRegistry) {
  const schemes = (spec.components?.securitySchemes ?? {}) as Record<string, Record<string, string>>;
  const readers = new Map<string, CredentialReader>(
    Object.entries(schemes).map(([name, scheme]) => [name, credentialReader(scheme)]),
  );
  const publicAccount: Account = { api, accountId: PUBLIC_ACCOUNT_ID, label: "public" };

  return function authenticate(req: Request, security: ReadonlyArray<Record<string, unknown>>): Account {
    const required = security.filter((r) => Object.keys(r).length > 0);
    if (required.length === 0) return publicAccount;
    let sawCredential = false;
    for (const requirement of required) {
      for (const schemeName of Object.keys(requirement)) {
        const credential = readers.get(schemeName)?.(req);
        if (credential === undefined) continue;
        sawCredential = true;
        const account = keys.get(credential);
        if (account) return account;
      }
    }
    throw unauthorized(sawCredential ? "Invalid API key." : "Missing API key.");
  };
}

function credentialReader(scheme: Record<string, string>): CredentialReader {
  if (scheme.type === "apiKey" && scheme.in === "header") {
    const header = scheme.name!.toLowerCase();
    return (req) => {
      const value = req.headers[header];
      return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
    };
  }
  if (scheme.type === "http" && scheme.scheme?.toLowerCase() === "bearer") {
    // RFC 6750 §2.1: `Authorization: Bearer <token>`; the scheme name is case-insensitive (RFC 9110 §11.1).
    return (req) => {
      const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.headers.authorization ?? "");
      return match?.[1];
    };
  }
  throw new Error(`Unsupported security scheme ${JSON.stringify(scheme)}`);
}
