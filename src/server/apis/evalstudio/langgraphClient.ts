import { randomUUID } from "node:crypto";
import { resolveDestination, unreachable, type DestinationPolicy } from "./agentDestination.js";
import { postJson } from "./agentTransport.js";

/** A message as EvalStudio speaks it. */
export type ChatMessage = { role: "user" | "assistant" | "system" | "tool"; content: string };

export type AgentCall = {
  baseUrl: string;
  headers: Record<string, string>;
  assistantId: string;
  configurable?: Record<string, unknown>;
  messages: ChatMessage[];
  timeoutMs: number;
  maxResponseBytes: number;
  destinationPolicy: Omit<DestinationPolicy, "timeoutMs">;
};

export type AgentAnswer =
  | { ok: true; latencyMs: number; threadId: string; messages: ChatMessage[]; tokensUsage?: { input: number; output: number }; rawResponse: string }
  | { ok: false; latencyMs: number; error: string; rawResponse?: string };

const ROLES: ReadonlySet<string> = new Set<ChatMessage["role"]>(["user", "assistant", "system", "tool"]);
const ROLE_OF_TYPE: Record<string, ChatMessage["role"]> = { human: "user", ai: "assistant", tool: "tool", system: "system" };

type LangGraphMessage = {
  type?: string;
  role?: string;
  content?: unknown;
  usage_metadata?: { input_tokens?: number; output_tokens?: number };
};

/**
 * Runs the connector's agent on a LangGraph server, as the vendor's server does (apis.md §4):
 * `POST {baseUrl}/threads/{thread}/runs/wait` on a fresh thread, the connector's headers sent, to a
 * destination the operator allows (agentDestination.ts). Every way it can go wrong comes back as
 * `{ok: false, error}`, never as a throw: refused destination, unreachable host (one text for all
 * kinds), an answer over the size cap, a redirect, non-2xx, a 200 whose body is LangGraph's
 * `{"__error__": …}`, or a body that is not the final state (keep-alive whitespace first is allowed).
 * The answer is raw: the caller scrubs secrets from it.
 */
export async function callAgent(call: AgentCall): Promise<AgentAnswer> {
  const threadId = randomUUID();
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const verdict = await resolveDestination(call.baseUrl, { ...call.destinationPolicy, timeoutMs: call.timeoutMs });
  if (!verdict.ok) return { ok: false, latencyMs: latency(), error: verdict.error };
  const body = {
    assistant_id: call.assistantId,
    input: { messages: call.messages.map(({ role, content }) => ({ role, content })) },
    multitask_strategy: "enqueue",
    if_not_exists: "create",
    ...(call.configurable ? { config: { configurable: call.configurable } } : {}),
  };
  const path = `${verdict.destination.url.pathname.replace(/\/+$/, "")}/threads/${threadId}/runs/wait`;
  const remainingMs = Math.max(1, call.timeoutMs - latency());
  const result = await postJson(verdict.destination, path, call.headers, JSON.stringify(body), { timeoutMs: remainingMs, maxResponseBytes: call.maxResponseBytes });
  switch (result.kind) {
    case "unreachable":
      return { ok: false, latencyMs: latency(), error: unreachable(call.timeoutMs) };
    case "tooLarge":
      return { ok: false, latencyMs: latency(), error: `The agent server's answer is larger than AGENT_MAX_RESPONSE_BYTES (${call.maxResponseBytes} bytes); reading it was stopped.` };
    case "redirect":
      return { ok: false, latencyMs: latency(), error: `The agent server answered with a redirect (HTTP ${result.status}), which is not followed: set the connector's baseUrl to the final address.` };
    case "unsendableHeaders":
      return { ok: false, latencyMs: latency(), error: "A connector header name or value cannot be sent over HTTP: update the connector's headers." };
    case "answered":
      return readState(result, call.messages.length, threadId, latency());
  }
}

function readState(answer: { status: number; statusText: string; text: string }, sentCount: number, threadId: string, latencyMs: number): AgentAnswer {
  const rawResponse = answer.text;
  const parsed = parseJson(answer.text);
  if (answer.status < 200 || answer.status > 299) {
    return { ok: false, latencyMs, rawResponse, error: `HTTP ${answer.status}: ${errorMessageOf(parsed) ?? (answer.statusText || "error")}` };
  }
  if (parsed === undefined || typeof parsed !== "object" || parsed === null) {
    return { ok: false, latencyMs, rawResponse, error: "The agent server answered with a body that is not JSON." };
  }
  const failure = (parsed as { __error__?: { error?: unknown; message?: unknown } }).__error__;
  if (failure) {
    const parts = [failure.error, failure.message].filter((p): p is string => typeof p === "string" && p !== "");
    return { ok: false, latencyMs, rawResponse, error: `Agent error: ${parts.join(": ") || "unknown"}` };
  }
  const stateMessages = (parsed as { messages?: unknown }).messages;
  if (!Array.isArray(stateMessages)) {
    return { ok: false, latencyMs, rawResponse, error: "The agent server's answer has no messages." };
  }
  const added = (stateMessages as LangGraphMessage[]).slice(sentCount);
  return { ok: true, latencyMs, threadId, messages: added.map(toChatMessage), tokensUsage: sumUsage(added), rawResponse };
}

function toChatMessage(message: LangGraphMessage): ChatMessage {
  // Only the contract's roles: a role is free text from the upstream, not something to pass on.
  const role = ROLE_OF_TYPE[message.type ?? ""] ?? (ROLES.has(message.role ?? "") ? (message.role as ChatMessage["role"]) : "assistant");
  return { role, content: contentText(message.content) };
}

/** LangGraph content is a string or a list of blocks; EvalStudio's is a string. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((block) => (typeof block === "string" ? block : typeof block?.text === "string" ? block.text : "")).join("");
  }
  return "";
}

function sumUsage(messages: LangGraphMessage[]): { input: number; output: number } | undefined {
  const usages = messages.filter((m) => m.type === "ai" && m.usage_metadata).map((m) => m.usage_metadata!);
  if (usages.length === 0) return undefined;
  return {
    input: usages.reduce((n, u) => n + (Number.isInteger(u.input_tokens) ? u.input_tokens! : 0), 0),
    output: usages.reduce((n, u) => n + (Number.isInteger(u.output_tokens) ? u.output_tokens! : 0), 0),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.trim());
  } catch {
    return undefined;
  }
}

function errorMessageOf(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  for (const key of ["error", "detail", "message"]) if (typeof b[key] === "string") return b[key] as string;
  return undefined;
}
