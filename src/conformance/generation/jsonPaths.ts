/** A place inside a JSON value: object keys and array indexes, outermost first. */
export type JsonPath = Array<string | number>;

/** A copy of `root` with the value at `path` replaced (containers on the way copied, not changed). */
export function setAt(root: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...JsonPath];
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[head as number] = setAt(copy[head as number], rest, value);
    return copy;
  }
  const record = root && typeof root === "object" ? (root as Record<string, unknown>) : {};
  return { ...record, [head]: setAt(record[head as string], rest, value) };
}

/** A copy of `root` without the value at `path`. */
export function removeAt(root: unknown, path: JsonPath): unknown {
  if (path.length === 0) return undefined;
  const [head, ...rest] = path as [string | number, ...JsonPath];
  if (rest.length > 0) return setAt(root, [head], removeAt((root as Record<string | number, unknown>)?.[head], rest));
  if (Array.isArray(root)) return root.filter((_, i) => i !== head);
  const { [head as string]: _removed, ...kept } = (root ?? {}) as Record<string, unknown>;
  return kept;
}

/** The value at `path`, or undefined. */
export function getAt(root: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string | number, unknown>)[key] : undefined), root);
}
