import { badRequest, conflict, notFound, type ApiError, type FieldProblem } from "../../http/apiError.js";

/**
 * Vern's error body: exactly `{"error": "<message>"}` [doc], plus `run_id` on the 409 of start a
 * run when another run is in flight (the one documented addition).
 */
export function vernErrorBody(error: ApiError): { error: string; run_id?: string } {
  const runId = error.extra.run_id;
  return typeof runId === "string" ? { error: error.message, run_id: runId } : { error: error.message };
}

// The messages the contract's examples give (openapi/vern.yaml components/examples).
const EXTERNAL_ID_INVALID = "external_id must contain only alphanumeric characters, hyphens, and underscores (max 255 chars)";
const NAME_REQUIRED = "name is required";
const SOURCE_KEY_REQUIRED = "source_key is required";
const SOURCE_KEY_MALFORMED = "source_key must be a lower-case connector key such as salesforce";
const KIND_INVALID = "kind must be one of: generate, update, clarify, execute";
const MESSAGE_REQUIRED = "message is required for update and clarify runs";
const EXTRACT_VIA_API_NOT_BOOLEAN = "extract_via_api must be a boolean";
const ONLY_CANCEL_REQUESTED = 'The only accepted body is {"status": "cancel_requested"}';
const CREDENTIALS_REQUIRED = "credentials must be a non-empty object";
const ANSWERS_REQUIRED = "answers must be a list of {id, value} or a string";

export const nameRequired = () => badRequest(NAME_REQUIRED);
export const unknownTemplateSlugs = (slugs: readonly string[]) => badRequest(`Unknown template slug(s): ${slugs.join(", ")}`);
export const sourceNotFound = (name: string) => notFound(`Source not found: ${name}`);
export const externalIdTaken = (externalId: string) => conflict(`external_id ${externalId} is already used by another migration`);
export const templateNotFound = () => notFound("Template not found");
export const migrationNotFound = () => notFound("Migration not found");
export const runNotFound = () => notFound("Run not found");
export const sourceConnectionNotFound = () => notFound("No source connection is configured for this migration");
export const unknownSourceKey = (key: string) => badRequest(`Unknown or not enabled source_key: ${key}`);
export const noDataSource = () => badRequest("Upload at least one file or configure a source connection before generating");
export const runInProgress = (runId: string) => conflict("A run is already in progress for this migration.", { run_id: runId });
export const noCurrentPreview = () => conflict("This migration has no current preview");
export const runAlreadyFinished = (status: string) => conflict(`Run is already ${status} and cannot be canceled`);
export const notBlockedForCredentials = () => conflict("This run is not blocked for credentials");
export const connectionMismatch = () => conflict("connection_id does not match the run's credential request");
export const blockedForCredentials = () =>
  conflict("This run is blocked for credentials; submit them to the credentials endpoint, never as a message");
export const notBlockedOnQuestion = () => conflict("This run is not blocked on a question");
export const answersRequired = () => badRequest(ANSWERS_REQUIRED);

/** Vern's wording for the requests the contract refuses before a handler runs (never echoing values). */
export function describeVernValidation(operationId: string, problems: readonly FieldProblem[], status: 400 | 404): string | undefined {
  if (status === 404) {
    if (problems.some((p) => p.field === "path/migration_id")) return "Migration not found";
    return problems.some((p) => p.field === "path/run_id") ? "Run not found" : undefined;
  }
  // The whole body absent or not an object (an if/then failure is also reported on "body": not this).
  const bodyMissing = problems.some((p) => p.field === "body" && (p.message.includes("body is required") || p.message === "must be object"));
  const about = (field: string) => problems.some((p) => p.field === `body/${field}` || p.field.startsWith(`body/${field}/`));
  const missing = (field: string) =>
    problems.some((p) => p.field === `body/${field}` && (p.message === "is required" || p.message.includes("fewer than")));
  switch (operationId) {
    case "createMigration":
      if (bodyMissing || missing("name")) return NAME_REQUIRED;
      return about("external_id") ? EXTERNAL_ID_INVALID : undefined;
    case "upsertSourceConnection":
      if (bodyMissing || missing("source_key")) return SOURCE_KEY_REQUIRED;
      return about("source_key") ? SOURCE_KEY_MALFORMED : undefined;
    case "createRun":
      if (bodyMissing || about("kind")) return KIND_INVALID;
      if (about("extract_via_api")) return EXTRACT_VIA_API_NOT_BOOLEAN;
      return missing("message") ? MESSAGE_REQUIRED : undefined;
    case "cancelRun":
      return ONLY_CANCEL_REQUESTED;
    case "submitRunCredentials":
      return bodyMissing || about("credentials") ? CREDENTIALS_REQUIRED : undefined;
    case "answerRun":
      return bodyMissing || about("answers") ? ANSWERS_REQUIRED : undefined;
    default:
      return undefined;
  }
}
