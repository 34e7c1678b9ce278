import { resolveRef } from "../../contracts/examples.js";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import type { OperationSpec } from "../../contracts/operationTable.js";

/** One status an operation documents, with its named examples (empty for a bodiless answer). */
export type DocumentedAnswer = { status: number; hasBody: boolean; examples: ReadonlyArray<readonly [string, unknown]> };

/**
 * The answers an operation documents, read from its contract, in the contract's order: what a
 * forced answer may be (Prefer: code=, example=, or a fault rule's status). Every JSON response of
 * the four contracts carries an example (`npm run check-examples` proves each one valid), so the
 * body is always the contract's own; `default` is not a status anyone can force.
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
