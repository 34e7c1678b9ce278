import { notFound } from "../../http/apiError.js";
import type { OperationRequest } from "../../http/apiModule.js";

/** `page` and `page_size` as the router hands them over: validated, defaults applied (1 and 25). */
export type PageQuery = { page?: number; page_size?: number };

export type Page = { page: number; pageSize: number; limit: number; offset: number };

const DEFAULT_PAGE_SIZE = 25;

/** The page a query asks for, before it is known whether that page exists. */
export function requestedPage(query: PageQuery): Page {
  const page = query.page ?? 1;
  const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

/**
 * The page a query asks for, given how many items there are. A page after the last one is a 404,
 * as Django REST framework answers it; page 1 of an empty list is not [ours].
 */
export function pageFor(query: PageQuery, count: number): Page {
  const page = requestedPage(query);
  if (page.page > 1 && page.offset >= count) throw notFound("Invalid page.");
  return page;
}

/**
 * The paginated envelope (`count`, `next`, `previous`, `results`). Links are absolute, built from
 * the request's own Host and mount path, so they work wherever the server is reached; like Django
 * REST framework, the link back to page 1 drops `page`. `page_size` is always carried along
 * (the router has applied its default by now, so a link cannot tell "omitted" from "25").
 */
export function paginated<T>(request: OperationRequest, listPath: string, page: Page, count: number, results: T[]) {
  const base = baseUrl(request, listPath);
  const link = (target: number) => {
    const url = new URL(base);
    if (target > 1) url.searchParams.set("page", String(target));
    url.searchParams.set("page_size", String(page.pageSize));
    return url.toString();
  };
  const hasNext = page.offset + page.limit < count;
  return { count, next: hasNext ? link(page.page + 1) : null, previous: page.page > 1 ? link(page.page - 1) : null, results };
}

function baseUrl(request: OperationRequest, listPath: string): string {
  const forwarded = String(request.headers["x-forwarded-proto"] ?? "").split(",")[0]!.trim();
  const protocol = forwarded === "https" ? "https" : "http";
  const path = `${request.mountPath}${listPath}`;
  try {
    return new URL(path, `${protocol}://${request.headers.host ?? "localhost"}`).toString();
  } catch {
    // A Host header that is no host cannot make a link; the links still name the path.
    return new URL(path, `${protocol}://localhost`).toString();
  }
}
