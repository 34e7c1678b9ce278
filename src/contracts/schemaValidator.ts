import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { OpenApiDocument } from "./loadSpec.js";

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** OpenAPI keywords that are annotations, not JSON Schema assertions. */
const OPENAPI_VOCABULARY = ["example", "discriminator", "xml", "externalDocs"];

const SPEC_ID = "urn:connector-contracts:spec";

/** JSON pointer escaping (RFC 6901). */
export function pointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Validates values against schemas inside one OpenAPI 3.1 document with Ajv's JSON Schema 2020-12
 * dialect (OpenAPI 3.1 §4.8.24). Schemas are addressed by JSON pointer into the document, so
 * `$ref: '#/components/schemas/X'` resolves as it does for every other tool.
 */
export class SpecSchemaValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(spec: OpenApiDocument, options: { coerceTypes?: boolean; useDefaults?: boolean } = {}) {
    this.ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      validateSchema: false,
      validateFormats: true,
      coerceTypes: options.coerceTypes ?? false,
      useDefaults: options.useDefaults ?? false,
    });
    addFormats(this.ajv);
    this.ajv.addVocabulary(OPENAPI_VOCABULARY);
    this.ajv.addSchema({ ...spec, $id: SPEC_ID }, SPEC_ID);
  }

  /** Returns the Ajv errors (empty when valid) of `value` against the schema at `pointer`. */
  validate(pointer: string, value: unknown): ErrorObject[] {
    const validateFn = this.compile(pointer);
    return validateFn(value) ? [] : [...(validateFn.errors ?? [])];
  }

  /** A reference to the schema at `pointer`, for composing larger schemas. */
  static ref(pointer: string): { $ref: string } {
    return { $ref: `${SPEC_ID}#${pointer}` };
  }

  /** Compiles a schema that may refer into the spec with SpecSchemaValidator.ref(). */
  compileSchema(schema: object): ValidateFunction {
    return this.ajv.compile(schema);
  }

  compile(pointer: string): ValidateFunction {
    let validateFn = this.compiled.get(pointer);
    if (!validateFn) {
      validateFn = this.ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
      this.compiled.set(pointer, validateFn);
    }
    return validateFn;
  }
}

export function formatAjvErrors(errors: ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`).join("; ");
}
