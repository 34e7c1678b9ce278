import { sample } from "@stoplight/json-schema-sampler";
import { resolvePointer, resolveRef } from "../../contracts/examples.js";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import type { OperationSpec } from "../../contracts/operationTable.js";
import { SpecSchemaValidator } from "../../contracts/schemaValidator.js";

/** One status an operation documents, with its named examples (empty for a bodiless answer). */
export type DocumentedAnswer = { status: number; hasBody: boolean; examples: ReadonlyArray<readonly [string, unknown]> };

/**
 * The answers an operation documents, read from its contract, in the contract's order: what a
 * forced answer may be (Prefer: code=, example=, or a fault rule's status). The body is the
 * contract's own example (`npm run check-examples` proves each one valid); a JSON response without
 * one gets a body built from its schema by Prism's own sampler (named `fromSchema`), so a contract
 * that adds such a response still has a forced answer. `default` is not a status anyone can force.
 */
export function documentedAnswers(spec: OpenApiDocument, operation: OperationSpec): ReadonlyMap<number, DocumentedAnswer> {
  const answers = new Map<number, DocumentedAnswer>();
  for (const [status, raw] of Object.entries((operation.operation.responses ?? {}) as Record<string, unknown>)) {
    if (!/^\d{3}$/.test(status)) continue;
    const response = resolveRef(spec, raw) as { content?: Record<string, { example?: unknown; examples?: Record<string, unknown> }> } | undefined;
    const media = response?.content?.["application/json"];
    const examples: Array<readonly [string, unknown]> = [];
    if (media?.example !== undefined) examples.push(["example", media.example]);
    for (const [name, example] of Object.entries(media?.examples ?? {})) {
      const resolved = resolveRef(spec, example) as { value?: unknown } | undefined;
      if (resolved && "value" in resolved) examples.push([name, resolved.value]);
    }
    const schemaPointer = operation.responses[status]?.schemaPointer;
    if (media !== undefined && examples.length === 0 && schemaPointer) {
      const built = sampleOf(spec, schemaPointer);
      if (built !== undefined) examples.push(["fromSchema", built]);
    }
    answers.set(Number(status), { status: Number(status), hasBody: media !== undefined, examples });
  }
  return answers;
}

/**
 * The documented answer a `Prefer` picks, as Prism picks it: the status asked for (its first
 * example, or the one named), or without a code the first documented status that has the named
 * example. A string is the reason nothing fits.
 */
export function pickDocumentedAnswer(
  answers: ReadonlyMap<number, DocumentedAnswer>,
  wanted: { code?: number; example?: string },
): { status: number; body?: unknown } | string {
  const documented = [...answers.keys()].join(", ");
  const candidates = wanted.code !== undefined ? [answers.get(wanted.code)].filter((a) => a !== undefined) : [...answers.values()];
  if (wanted.code !== undefined && candidates.length === 0) return `Prefer: code=${wanted.code} is not documented for this operation; it documents ${documented}.`;
  for (const answer of candidates) {
    if (!answer.hasBody) {
      if (wanted.example === undefined) return { status: answer.status };
      continue;
    }
    const example = wanted.example === undefined ? answer.examples[0] : answer.examples.find(([name]) => name === wanted.example);
    if (example) return { status: answer.status, body: example[1] };
    if (wanted.example === undefined) return `Status ${answer.status} of this operation has no example to answer with.`;
  }
  const names = candidates.flatMap((a) => a.examples.map(([name]) => `${a.status}:${name}`)).join(", ");
  return `Prefer: example=${wanted.example} is not an example of ${wanted.code ?? "any status of"} this operation; it has ${names || "none"}.`;
}

const validators = new WeakMap<OpenApiDocument, SpecSchemaValidator>();

/**
 * A value of the schema at `pointer` that the schema accepts, or undefined (the forced answer then
 * says the status has no example): the sampler ignores some keywords (`pattern`, for one), so
 * what it builds is checked before it can be sent.
 */
function sampleOf(spec: OpenApiDocument, pointer: string): unknown {
  let built: unknown;
  try {
    built = sample(resolvePointer(spec, `#${pointer}`) as Parameters<typeof sample>[0], { skipWriteOnly: true, quiet: true }, spec);
  } catch {
    return undefined;
  }
  let validator = validators.get(spec);
  if (!validator) validators.set(spec, (validator = new SpecSchemaValidator(spec)));
  return validator.validate(pointer, built).length === 0 ? built : undefined;
}
