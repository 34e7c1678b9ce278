import type { OperationSpec } from "../contracts/operationTable.js";

/** Finds which operation of the contract a request was for, from its method and path. */
export function createOperationMatcher(operations: readonly OperationSpec[], basePath: string) {
  const compiled = operations.map((operation) => ({
    operation,
    pattern: new RegExp(`^${operation.path.split(/\{[^}]+\}/).map(escapeRegExp).join("[^/]+")}$`),
  }));
  return (method: string, pathname: string): OperationSpec | undefined => {
    const relative = pathname.startsWith(basePath) ? pathname.slice(basePath.length) || "/" : pathname;
    const lower = method.toLowerCase();
    // The table is ordered most specific first, so a static segment wins over a parameter.
    return compiled.find(({ operation, pattern }) => operation.method === lower && pattern.test(relative))?.operation;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
