import { HTTP_METHODS, resolveRef } from "../examples.js";
import type { OpenApiDocument } from "../loadSpec.js";

/**
 * One breaking change between two versions of a contract: a client written against OLD can fail
 * against NEW. Requests may only widen (accept more) and responses may only narrow (send less),
 * so the rules below look for the opposite.
 */
export type BreakingChange = {
  /** The rule that found it, e.g. `response-enum-widened`. */
  rule: RuleName;
  /** `GET /projects` */
  operation: string;
  /** Where in the operation, e.g. `response 200 body.status` or `request body.name`. */
  where: string;
  message: string;
};

type Schema = Record<string, any>;
type Side = { spec: OpenApiDocument; operation: Record<string, any>; pathItem: Record<string, any> };
type OperationPair = { key: string; old: Side; new: Side };
type Report = (where: string, message: string) => void;

/** A rule compares one operation in both versions and reports what breaks a client. */
type Rule = (pair: OperationPair, report: Report) => void;

const RULES = {
  /** A status the old version could answer is gone: a client's handling of it is dead, and the server now answers something else. */
  "status-removed": (pair, report) => {
    for (const status of Object.keys(pair.old.operation.responses ?? {})) {
      if (!(status in (pair.new.operation.responses ?? {}))) report(`response ${status}`, `status ${status} is no longer documented`);
    }
  },
  /** A new status is an answer the old client never handled. */
  "status-added": (pair, report) => {
    for (const status of Object.keys(pair.new.operation.responses ?? {})) {
      if (!(status in (pair.old.operation.responses ?? {}))) report(`response ${status}`, `status ${status} is new: clients built on the old contract do not handle it`);
    }
  },
  /** A parameter that is new and required, or became required, refuses requests that used to pass. */
  "parameter-required-added": (pair, report) => {
    const old = parameters(pair.old);
    for (const [key, parameter] of parameters(pair.new)) {
      if (parameter.required && !old.get(key)?.required) report(`parameter ${key}`, `parameter ${key} is now required`);
    }
  },
  /** A request body property that became required (or a body that became required). */
  "request-property-required": (pair, report) => {
    const [oldBody, newBody] = [requestSchema(pair.old), requestSchema(pair.new)];
    if (!newBody) return;
    const bodyRequired = (side: Side) => (resolveRef(side.spec, side.operation.requestBody) as Schema | undefined)?.required === true;
    if (!bodyRequired(pair.old) && bodyRequired(pair.new)) report("request body", "the request body is now required");
    walk(pair.old.spec, oldBody ?? {}, pair.new.spec, newBody, "body", (oldSchema, newSchema, where) => {
      const before = new Set<string>(oldSchema.required ?? []);
      for (const name of newSchema.required ?? []) if (!before.has(name)) report(`request ${where}.${name}`, `request property ${where}.${name} is now required`);
    });
  },
  /** A request value the old version accepted is refused: an enum value or a type removed. */
  "request-narrowed": (pair, report) => {
    const [oldBody, newBody] = [requestSchema(pair.old), requestSchema(pair.new)];
    if (!oldBody || !newBody) return;
    walk(pair.old.spec, oldBody, pair.new.spec, newBody, "body", (oldSchema, newSchema, where) => {
      if (!oldSchema.enum && newSchema.enum) report(`request ${where}`, `request ${where} is now restricted to ${JSON.stringify(newSchema.enum)}`);
      for (const value of removed(oldSchema.enum, newSchema.enum)) report(`request ${where}`, `request value ${JSON.stringify(value)} of ${where} is no longer accepted`);
      for (const type of removed(types(oldSchema), types(newSchema))) report(`request ${where}`, `request ${where} no longer accepts type ${type}`);
    });
  },
  /** A response enum value that is new: a client's exhaustive switch does not know it. */
  "response-enum-widened": (pair, report) => {
    eachResponseSchema(pair, (oldSchema, newSchema, where) => {
      if (oldSchema.enum && !newSchema.enum) report(`response ${where}`, `response ${where} is no longer limited to ${JSON.stringify(oldSchema.enum)}`);
      for (const value of removed(newSchema.enum, oldSchema.enum)) report(`response ${where}`, `response value ${JSON.stringify(value)} of ${where} is new`);
      for (const type of removed(types(newSchema), types(oldSchema))) report(`response ${where}`, `response ${where} may now be of type ${type}`);
    });
  },
  /** A response property that was always there may now be missing. */
  "response-required-dropped": (pair, report) => {
    eachResponseSchema(pair, (oldSchema, newSchema, where) => {
      const after = new Set<string>(newSchema.required ?? []);
      for (const name of oldSchema.required ?? []) if (!after.has(name)) report(`response ${where}.${name}`, `response property ${where}.${name} is no longer required`);
    });
  },
} satisfies Record<string, Rule>;

export type RuleName = keyof typeof RULES | "operation-removed";
export const RULE_NAMES = ["operation-removed", ...Object.keys(RULES)] as RuleName[];

/** The breaking changes from OLD to NEW, in path, method and rule order. */
export function breakingChanges(oldSpec: OpenApiDocument, newSpec: OpenApiDocument): BreakingChange[] {
  const changes: BreakingChange[] = [];
  for (const [path, oldItem] of Object.entries(oldSpec.paths ?? {})) {
    const newItem = newSpec.paths?.[path] as Record<string, any> | undefined;
    for (const method of HTTP_METHODS) {
      const oldOperation = (oldItem as Record<string, any>)[method];
      if (!oldOperation) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const newOperation = newItem?.[method];
      if (!newOperation) {
        changes.push({ rule: "operation-removed", operation: key, where: "operation", message: `${key} (${oldOperation.operationId ?? "no operationId"}) is removed` });
        continue;
      }
      const pair: OperationPair = { key, old: { spec: oldSpec, operation: oldOperation, pathItem: oldItem }, new: { spec: newSpec, operation: newOperation, pathItem: newItem! } };
      for (const [rule, check] of Object.entries(RULES) as Array<[keyof typeof RULES, Rule]>) {
        check(pair, (where, message) => changes.push({ rule, operation: key, where, message }));
      }
    }
  }
  return changes;
}

function parameters(side: Side): Map<string, Record<string, any>> {
  const all = [...(side.pathItem.parameters ?? []), ...(side.operation.parameters ?? [])].map((p) => resolveRef(side.spec, p) as Record<string, any>);
  return new Map(all.map((p) => [`${p.in}.${p.name}`, p]));
}

function requestSchema(side: Side): Schema | undefined {
  const body = resolveRef(side.spec, side.operation.requestBody) as Schema | undefined;
  return body?.content?.["application/json"]?.schema;
}

function eachResponseSchema(pair: OperationPair, visit: (oldSchema: Schema, newSchema: Schema, where: string) => void): void {
  for (const [status, oldResponse] of Object.entries(pair.old.operation.responses ?? {})) {
    const newResponse = pair.new.operation.responses?.[status];
    const oldSchema = (resolveRef(pair.old.spec, oldResponse) as Schema | undefined)?.content?.["application/json"]?.schema;
    const newSchema = (resolveRef(pair.new.spec, newResponse) as Schema | undefined)?.content?.["application/json"]?.schema;
    if (oldSchema && newSchema) walk(pair.old.spec, oldSchema, pair.new.spec, newSchema, `${status} body`, visit);
  }
}

/**
 * Visits two versions of a schema side by side: the schemas themselves, then each property both
 * have, the array items and the allOf members (by position). Refs are followed; a schema already
 * on the path is not entered again, so recursive schemas end.
 */
function walk(oldSpec: OpenApiDocument, oldNode: Schema, newSpec: OpenApiDocument, newNode: Schema, where: string, visit: (o: Schema, n: Schema, where: string) => void, seen = new Set<Schema>()): void {
  const oldSchema = resolveRef(oldSpec, oldNode) as Schema | undefined;
  const newSchema = resolveRef(newSpec, newNode) as Schema | undefined;
  if (!oldSchema || !newSchema || typeof oldSchema !== "object" || typeof newSchema !== "object" || seen.has(newSchema)) return;
  const inner = new Set(seen).add(newSchema);
  visit(oldSchema, newSchema, where);
  for (const [name, property] of Object.entries((oldSchema.properties ?? {}) as Record<string, Schema>)) {
    const counterpart = newSchema.properties?.[name];
    if (counterpart) walk(oldSpec, property, newSpec, counterpart, `${where}.${name}`, visit, inner);
  }
  if (oldSchema.items && newSchema.items) walk(oldSpec, oldSchema.items, newSpec, newSchema.items, `${where}[]`, visit, inner);
  (oldSchema.allOf ?? []).forEach((member: Schema, i: number) => {
    if (newSchema.allOf?.[i]) walk(oldSpec, member, newSpec, newSchema.allOf[i], where, visit, inner);
  });
}

function types(schema: Schema): string[] | undefined {
  if (schema.type === undefined) return undefined;
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** The values of `before` that `after` lacks; nothing when either is unconstrained (undefined). */
function removed(before: unknown[] | undefined, after: unknown[] | undefined): unknown[] {
  if (!before || !after) return [];
  const kept = new Set(after.map((v) => JSON.stringify(v)));
  return before.filter((v) => !kept.has(JSON.stringify(v)));
}
