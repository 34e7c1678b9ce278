// The project's own lint rules for the four contracts, on top of Spectral's OpenAPI ruleset.
// Each rule is one entry with a small function (see ../openapi/CONVENTIONS.md for the why).
import { oas } from "@stoplight/spectral-rulesets";
import { truthy, pattern, enumeration, schema } from "@stoplight/spectral-functions";

const OPERATIONS =
  "$.paths[*][get,put,post,delete,patch,options,head,trace]";

/** Every operation answers at least one 4xx, so a client knows how it fails. */
function hasErrorResponse(responses) {
  const codes = Object.keys(responses ?? {});
  return codes.some((code) => /^4(\d\d|XX)$/.test(code))
    ? []
    : [{ message: "Operation documents no 4xx response." }];
}

/** Every operation states its security: [] (none) is a decision, a missing key is not. */
function securityDecided(operation) {
  return Array.isArray(operation?.security)
    ? []
    : [{ message: "Operation has no explicit `security` (use [] for none)." }];
}

/** Every media type that has a schema also has at least one named example. */
function hasNamedExamples(mediaType) {
  if (!mediaType?.schema) return [];
  const named = mediaType.examples && Object.keys(mediaType.examples).length > 0;
  return named ? [] : [{ message: "Media type has a schema but no named `examples`." }];
}

/** Error responses use the API's one error body (components/schemas/Error). */
function usesErrorSchema(response, _opts, context) {
  const content = response?.content ?? {};
  const refs = Object.values(content).map((m) => m?.schema?.$ref);
  if (refs.length === 0) return [{ message: "Error response has no body." }];
  const document = context.document.data;
  const ok = refs.every((ref) => ref === "#/components/schemas/Error" ||
    (typeof ref === "string" && refersToError(document, ref)));
  return ok ? [] : [{ message: "Error response does not use #/components/schemas/Error." }];
}

function refersToError(document, ref) {
  const name = ref.replace("#/components/schemas/", "");
  const target = document?.components?.schemas?.[name];
  return (target?.allOf ?? []).some((s) => s?.$ref === "#/components/schemas/Error");
}

export default {
  extends: [[oas, "all"]],
  overrides: [
    {
      // Merge's documented paths all end in "/" (apis.md §2: "Every path ends in a slash"); the
      // vendor's contract wins over the generic style rule.
      files: ["../openapi/merge.yaml"],
      rules: { "path-keys-no-trailing-slash": "off" },
    },
  ],
  rules: {
    // The project has no public URL or mailbox; an invented one would send readers nowhere.
    "contact-properties": "off",
    "cc-operation-id": {
      description: "Every operation has an operationId (used by every folder of the project).",
      given: OPERATIONS,
      severity: "error",
      then: { field: "operationId", function: truthy },
    },
    "cc-operation-ref": {
      description: "Every operation names its apis.md number in x-operation-ref (W1..E12).",
      given: OPERATIONS,
      severity: "error",
      then: { field: "x-operation-ref", function: pattern, functionOptions: { match: "^[WMVE]\\d{1,2}$" } },
    },
    "cc-error-response": {
      description: "Every operation documents at least one 4xx response.",
      given: OPERATIONS,
      severity: "error",
      then: { field: "responses", function: hasErrorResponse },
    },
    "cc-security-decided": {
      description: "Every operation carries an explicit security requirement.",
      given: OPERATIONS,
      severity: "error",
      then: { function: securityDecided },
    },
    "cc-response-examples": {
      description: "Every response body has named examples (Prism serves them; Prefer picks one).",
      given: `${OPERATIONS}.responses[*].content[*]`,
      severity: "error",
      then: { function: hasNamedExamples },
    },
    "cc-request-examples": {
      description: "Every request body has named examples.",
      given: `${OPERATIONS}.requestBody.content[*]`,
      severity: "error",
      then: { function: hasNamedExamples },
    },
    "cc-contract-source": {
      description: "Every response says where its fact comes from (doc, sdk, code or inferred).",
      given: `${OPERATIONS}.responses[*]`,
      severity: "error",
      resolved: true,
      then: { field: "x-contract-source", function: enumeration, functionOptions: { values: ["doc", "sdk", "code", "inferred"] } },
    },
    "cc-error-schema": {
      description: "Every 4xx/5xx response uses the API's named Error schema.",
      given: "$.components.responses[?(@property != 'NoContent')]",
      severity: "error",
      resolved: false,
      then: { function: usesErrorSchema },
    },
    "cc-inline-error-schema": {
      description: "An error response written inline in an operation uses the Error schema too.",
      given: `${OPERATIONS}.responses[?(@property >= '400' && @property < '600')]`,
      severity: "error",
      resolved: false,
      then: { function: (r, o, c) => (r?.$ref ? [] : usesErrorSchema(r, o, c)) },
    },
    "cc-api-name": {
      description: "info.x-api-name is one of the four API names used in every folder.",
      given: "$.info",
      severity: "error",
      then: { field: "x-api-name", function: enumeration, functionOptions: { values: ["wexa", "merge", "vern", "evalstudio"] } },
    },
  },
};
