import createClient, { type Client } from "openapi-fetch";
import type { ApiName } from "../contracts/apiNames.js";
import type { paths as WexaPaths } from "../generated/wexa.js";
import type { paths as MergePaths } from "../generated/merge.js";
import type { paths as VernPaths } from "../generated/vern.js";
import type { paths as EvalstudioPaths } from "../generated/evalstudio.js";

/** The generated `paths` type of each contract. */
export type ApiPaths = {
  wexa: WexaPaths;
  merge: MergePaths;
  vern: VernPaths;
  evalstudio: EvalstudioPaths;
};

export type ApiClient<A extends ApiName> = Client<ApiPaths[A]>;

export type ClientOptions = {
  /** The API's base URL, e.g. http://localhost:4000/vern or https://app.vern.so/api/v1. */
  baseUrl: string;
  /** The credential, sent the way the contract's security scheme says (none for EvalStudio). */
  apiKey?: string;
  /** The transport (tests inject an in-process or recording fetch). */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
};

/** How each contract's security scheme carries a credential (checked against the specs in test/contracts). */
export function credentialHeaders(api: ApiName, apiKey: string | undefined): Record<string, string> {
  if (apiKey === undefined) return {};
  switch (api) {
    case "wexa":
    case "vern":
      return { "x-api-key": apiKey };
    case "merge":
      return { authorization: `Bearer ${apiKey}` };
    case "evalstudio":
      return {};
  }
}

/** A typed openapi-fetch client for one API. */
export function createApiClient<A extends ApiName>(api: A, options: ClientOptions): ApiClient<A> {
  return createClient<ApiPaths[A]>({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    fetch: options.fetch,
    headers: { ...credentialHeaders(api, options.apiKey), ...options.headers },
  });
}

export const createWexaClient = (options: ClientOptions) => createApiClient("wexa", options);
export const createMergeClient = (options: ClientOptions) => createApiClient("merge", options);
export const createVernClient = (options: ClientOptions) => createApiClient("vern", options);
export const createEvalstudioClient = (options: ClientOptions) => createApiClient("evalstudio", options);
