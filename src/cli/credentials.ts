import { readFileSync } from "node:fs";
import type { ApiName } from "../contracts/apiNames.js";
import { UsageError } from "./exitCodes.js";

export type Credentials = { primary?: string; secondary?: string };

export type CredentialSources = {
  /** The name of the variable holding the primary key (not the key). */
  keyEnv?: string;
  secondaryKeyEnv?: string;
  credentialsFile?: string;
};

/** The variables read when no other is named: CC_<API>_KEY and CC_<API>_SECONDARY_KEY. */
export function defaultKeyEnv(api: ApiName): { primary: string; secondary: string } {
  const prefix = `CC_${api.toUpperCase()}`;
  return { primary: `${prefix}_KEY`, secondary: `${prefix}_SECONDARY_KEY` };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Credentials come from the environment or from a JSON file, never from a flag's value: flags end
 * up in shell history and process listings. No message here repeats what it read.
 */
export function resolveCredentials(api: ApiName, sources: CredentialSources, env: Readonly<Record<string, string | undefined>>): Credentials {
  if (sources.credentialsFile !== undefined) {
    if (sources.keyEnv !== undefined || sources.secondaryKeyEnv !== undefined) {
      throw new UsageError("--credentials-file cannot be combined with --key-env or --secondary-key-env: give the keys one way.");
    }
    return readCredentialsFile(sources.credentialsFile);
  }
  const defaults = defaultKeyEnv(api);
  return {
    primary: fromEnv(env, sources.keyEnv, defaults.primary, "--key-env"),
    secondary: fromEnv(env, sources.secondaryKeyEnv, defaults.secondary, "--secondary-key-env"),
  };
}

function fromEnv(env: Readonly<Record<string, string | undefined>>, named: string | undefined, fallback: string, flag: string): string | undefined {
  if (named === undefined) return nonEmpty(env[fallback]);
  // Said without echoing the value: it may be the key itself, pasted where its variable's name belongs.
  if (!ENV_NAME.test(named)) throw new UsageError(`${flag} takes the NAME of an environment variable (letters, digits and _), not a key.`);
  const value = nonEmpty(env[named]);
  // Not even the name is repeated: a key can look like a variable name (ah_prod_3f9c…, AKIA…).
  if (value === undefined) throw new UsageError(`${flag} names an environment variable that is not set or empty (give the variable's name, e.g. ${flag} MY_KEY, not the key).`);
  return value;
}

function readCredentialsFile(path: string): Credentials {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read the credentials file ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error, which may be a key.
    throw new UsageError(`The credentials file ${path} is not valid JSON; expected {"primary": "...", "secondary": "..."}.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`The credentials file ${path} must hold a JSON object {"primary": "...", "secondary": "..."}.`);
  }
  const record = parsed as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => k !== "primary" && k !== "secondary");
  if (unknown.length > 0) throw new UsageError(`The credentials file ${path} has unknown fields (${unknown.join(", ")}); only "primary" and "secondary" are read.`);
  for (const field of ["primary", "secondary"] as const) {
    if (record[field] !== undefined && typeof record[field] !== "string") throw new UsageError(`In the credentials file ${path}, "${field}" must be a string.`);
  }
  return { primary: nonEmpty(record.primary as string | undefined), secondary: nonEmpty(record.secondary as string | undefined) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
