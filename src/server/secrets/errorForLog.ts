/**
 * What of an error may reach a log line. pino's default `err` serializer copies every enumerable
 * field, and a database error carries the failing row in `detail` ("Key (id)=(…) already
 * exists", secrets included), the statement position in `where`, and, from PGlite, the `query`
 * and its `params`; body-parser's errors carry the raw `body`. So the serializer keeps a short
 * list of fields that describe the error without its data, and cleans the message too: PostgreSQL
 * puts values in the message itself for data exceptions (`invalid input syntax for type uuid:
 * "…"`, `value "…" is out of range`), and JSON.parse quotes the text it could not parse.
 */
const SAFE_FIELDS = ["code", "constraint", "table", "column", "schema", "dataType", "routine", "severity", "status", "statusCode", "errno", "syscall"] as const;

/** Links followed into `cause` and an AggregateError's `errors`, no deeper. */
const MAX_DEPTH = 3;

export type LoggedError = { type: string; message: string; stack?: string; cause?: LoggedError; errors?: LoggedError[] } & Record<string, unknown>;

export function errorForLog(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) {
    // A thrown string or object could hold anything: only its kind is kept.
    return { type: typeof error, message: "[a thrown non-Error value, not logged]" };
  }
  const fields = error as unknown as Record<string, unknown>;
  const message = safeMessage(error);
  const logged: LoggedError = { type: error.name, message };
  for (const name of SAFE_FIELDS) {
    const value = fields[name];
    if (typeof value === "string") logged[name] = value.slice(0, 200);
    else if (typeof value === "number") logged[name] = value;
  }
  // The stack's first line repeats the raw message: rebuilt from the clean one, frames kept.
  if (error.stack) logged.stack = [`${error.name}: ${message}`, ...error.stack.split("\n").filter((line) => /^\s+at /.test(line))].join("\n");
  if (depth < MAX_DEPTH && error.cause !== undefined) logged.cause = errorForLog(error.cause, depth + 1);
  if (depth < MAX_DEPTH && error instanceof AggregateError) logged.errors = error.errors.slice(0, 10).map((e) => errorForLog(e, depth + 1));
  return logged;
}

function safeMessage(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return databaseMessage(error.message, code);
  if (error instanceof SyntaxError && /JSON/i.test(error.message)) return "the text is not valid JSON (the text is not logged)";
  return error.message;
}

/**
 * A PostgreSQL message without the values some messages carry: everything after the first ": "
 * (where PostgreSQL appends the offending value), and, outside integrity and syntax errors
 * (classes 23 and 42, whose quoted words are constraint, table and column names), every quoted
 * word as well.
 */
export function databaseMessage(message: string, sqlState: string): string {
  const colon = message.indexOf(": ");
  let text = colon >= 0 ? `${message.slice(0, colon)}: [value not logged]` : message;
  if (!sqlState.startsWith("23") && !sqlState.startsWith("42")) text = text.replace(/"(?:[^"]|"")*"/g, '"[value not logged]"');
  return text.slice(0, 500);
}
