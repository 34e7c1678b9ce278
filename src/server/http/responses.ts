import type { OperationResponse } from "./apiModule.js";

export const ok = (body: unknown): OperationResponse => ({ status: 200, body });
export const created = (body: unknown): OperationResponse => ({ status: 201, body });
export const noContent = (): OperationResponse => ({ status: 204 });
