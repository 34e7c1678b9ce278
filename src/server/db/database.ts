import { createHash } from "node:crypto";
import type { ServerPresence } from "./serverPresence.js";

/** The one query interface both engines implement: PGlite (embedded) and PostgreSQL (pg). */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export type DatabaseKind = "pglite" | "postgres";

export interface Database extends Sql {
  readonly kind: DatabaseKind;
  /** A human-readable description of where the data lives (no credentials). */
  readonly location: string;
  /** Whether this process is the only server writing to the database (then it may cache reads). */
  readonly presence: ServerPresence;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PostgreSQL's SQLSTATE for a unique_violation (Appendix A of the PostgreSQL manual). */
export const UNIQUE_VIOLATION = "23505";

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Whether the database refused a statement for the data it carried: SQLSTATE class 22 (data
 * exception) or 23 (integrity constraint violation), Appendix A of the PostgreSQL manual. Such a
 * statement wrote nothing, and the same statement with other data may succeed.
 */
export function refusedForItsData(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith("22") || state.startsWith("23"));
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (sqlState(error) !== UNIQUE_VIOLATION) return false;
  if (!constraint) return true;
  const named = (error as { constraint?: string }).constraint;
  // pg reports the constraint name; PGlite puts it in the message.
  return named === constraint || String((error as Error).message ?? "").includes(constraint);
}

/** Redacts the password of a connection URL for logs and banners. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString();
  } catch {
    return "postgres (unparseable URL)";
  }
}

const statementNames = new Map<string, string>();

/**
 * The name a query's text is prepared under, on either engine: the same text always gets the
 * same name, so each connection parses and plans it once (PostgreSQL's extended protocol).
 */
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `cc_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}
