import type { Request } from "express";
import type { ApiName } from "../../contracts/apiNames.js";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";

/** Who is calling: the account a key belongs to. Every resource is scoped to one account. */
export type Account = { api: ApiName; accountId: string; label: string };

/** Finds the account of a key (a ReadonlyMap of dev keys is one; so is an API's view of AccountKeys). */
export type KeyRegistry = { get(key: string): Account | undefined };

/** A key issued through `/__admin/accounts` (persisted in mock_account_keys). */
export type IssuedKey = { key: string; api: ApiName; accountId: string; label: string };

/**
 * Every key the server accepts: each API's dev keys (fixtures or the seed folder) and the keys of
 * accounts made through `/__admin/accounts`. The issued ones are replaced as a whole when the
 * database changes under them (start, reset, snapshot restore); a key of one API never opens another.
 */
export class AccountKeys {
  private issued = new Map<string, Account>();

  private readonly devKeys: ReadonlyMap<ApiName, ReadonlyMap<string, Account>>;

  constructor(apis: ReadonlyArray<{ api: ApiName; devKeys: ReadonlyArray<{ key: string; accountId: string; label: string }> }>) {
    this.devKeys = new Map(apis.map(({ api, devKeys }) => [api, new Map(devKeys.map((k) => [k.key, { api, accountId: k.accountId, label: k.label }]))]));
  }

  /** What one API's authenticator looks keys up in. */
  forApi(api: ApiName): KeyRegistry {
    return {
      get: (key) => {
        const issued = this.issued.get(key);
        return issued?.api === api ? issued : this.devKeys.get(api)?.get(key);
      },
    };
  }

  add(keys: readonly IssuedKey[]): void {
    for (const { key, api, accountId, label } of keys) this.issued.set(key, { api, accountId, label });
  }

  replaceIssued(keys: readonly IssuedKey[]): void {
    this.issued = new Map();
    this.add(keys);
  }
}

/** The account of operations that have no security (EvalStudio: the vendor's server has no auth). */
export const PUBLIC_ACCOUNT_ID = "public";

/** Why a request was refused: no credential, one in the wrong form, or one nobody was issued. */
export type AuthFailure = "missing" | "malformed" | "unknown";

/** What a request carries for one scheme: nothing, something unusable, or a credential to look up. */
type CredentialReading = { kind: "absent" } | { kind: "malformed" } | { kind: "credential"; value: string };
type CredentialReader = (req: Request) => CredentialReading;

/** The 401 the router answers; `failure` lets an API word it as its vendor does. */
export class AuthenticationError extends Error {
  constructor(readonly failure: AuthFailure) {
    super(failure === "missing" ? "Missing API key." : failure === "malformed" ? "Malformed API key." : "Invalid API key.");
  }
}

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
    let failure: AuthFailure = "missing";
    for (const requirement of required) {
      for (const schemeName of Object.keys(requirement)) {
        const reading = readers.get(schemeName)?.(req) ?? { kind: "absent" };
        if (reading.kind === "absent") continue;
        if (reading.kind === "malformed") {
          failure = failure === "unknown" ? failure : "malformed";
          continue;
        }
        const account = keys.get(reading.value);
        if (account) return account;
        failure = "unknown";
      }
    }
    throw new AuthenticationError(failure);
  };
}

/** The request headers that carry a credential in any of the contract's security schemes. */
export function credentialHeaderNames(spec: OpenApiDocument): string[] {
  const schemes = Object.values((spec.components?.securitySchemes ?? {}) as Record<string, Record<string, string>>);
  const names = schemes.map((scheme) => (scheme.type === "apiKey" && scheme.in === "header" ? scheme.name!.toLowerCase() : scheme.type === "http" ? "authorization" : undefined));
  return [...new Set(names.filter((name) => name !== undefined))].sort();
}

function credentialReader(scheme: Record<string, string>): CredentialReader {
  if (scheme.type === "apiKey" && scheme.in === "header") {
    const header = scheme.name!.toLowerCase();
    return (req) => {
      const value = req.headers[header];
      if (value === undefined) return { kind: "absent" };
      if (typeof value !== "string" || value.trim() === "" || /\s/.test(value.trim())) return { kind: "malformed" };
      return { kind: "credential", value: value.trim() };
    };
  }
  if (scheme.type === "http" && scheme.scheme?.toLowerCase() === "bearer") {
    // RFC 6750 §2.1: `Authorization: Bearer <token>`; the scheme name is case-insensitive (RFC 9110 §11.1).
    return (req) => {
      const header = req.headers.authorization;
      if (header === undefined) return { kind: "absent" };
      const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
      return match ? { kind: "credential", value: match[1]! } : { kind: "malformed" };
    };
  }
  throw new Error(`Unsupported security scheme ${JSON.stringify(scheme)}`);
}
