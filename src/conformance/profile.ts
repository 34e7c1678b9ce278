import type { ApiName } from "../contracts/apiNames.js";
import type { Check } from "./check.js";
import type { CheckContext } from "./context.js";

/** A request the generic checks can aim at an operation: real path parameters and a valid body. */
export type RequestLimit = { requests: number; windowMs: number; source: string };

export type Probe = { operationId: string; pathParams?: Record<string, string>; query?: Record<string, string>; body?: unknown };

/**
 * A resource the suite made that another key must not see (RFC 9110 §15.5.5: 404 for it): not by
 * reading it (`read`), not by changing it (`writes`: every update, delete, start, submit, answer or
 * cancel the API has for it, each aimed at the run's own resource), and not in any list the other
 * key can read (its `id`). When `unchanged` is set, the primary key reads it again after the other
 * key's writes and must see what it saw before (only for resources that do not change on their own).
 */
export type OwnedResource = { label: string; read: Probe; id?: string; writes?: Probe[]; unchanged?: boolean };

/**
 * A resource made to be deleted, then looked for again (use after free): read, deleted again, and
 * in `listedIn`, a list that showed it, by its `id` (a soft delete may hide it from reads only).
 */
export type DisposableResource = { label: string; read: Probe; remove: Probe; listedIn?: { list: Probe; id: string } };

/**
 * What the suite must know of one API beyond its contract: how to find or make the resources
 * that probes aim at, and its stateful flows. Everything else is read from the contract.
 */
export type ApiProfile = {
  api: ApiName;
  /**
   * Finds (read-only) or creates what the probes need, and returns, per operationId, a request
   * with real path parameters and a valid body. Resources it creates go on ctx.cleanup.
   */
  prepare: (ctx: CheckContext) => Promise<Record<string, Probe>>;
  /** The API's stateful flows and documented conflicts, as checks. */
  flows: readonly Check[];
  /**
   * The API's documented request limit per key per operation, which invalid requests count
   * against too (undefined: none documented). Generated cases stay within it, so none is lost to a 429.
   */
  requestLimit?: RequestLimit;
  /** A fresh resource to delete, for the use-after-free check (undefined: the API has none the suite may delete). */
  disposable?: (ctx: CheckContext) => Promise<DisposableResource[]>;
};
