import { randomUUID } from "node:crypto";

/** A message as EvalStudio speaks it. */
export type ChatMessage = { role: "user" | "assistant" | "system" | "tool"; content: string };

export type AgentCall = {
  baseUrl: string;
  headers: Record<string, string>;
  assistantId: string;
  configurable?: Record<string, unknown>;
  messages: ChatMessage[];
  timeoutMs: number;
};

export type AgentAnswer =
  | { ok: true; latencyMs: number; threadId: string; messages: ChatMessage[]; tokensUsage?: { input: number; output: number }; rawResponse: string }
  | { ok: false; latencyMs: number; error: string; rawResponse?: string };

/** How much of an agent server's body is kept for `rawResponse` (enough to debug, bounded). */
const RAW_RESPONSE_LIMIT = 8_192;

const ROLE_OF_TYPE: Record<string, ChatMessage["role"]> = { human: "user", ai: "assistant", tool: "tool", system: "system" };

type LangGraphMessage = {
  type?: string;
  role?: string;
  content?: unknown;
  usage_metadata?: { input_tokens?: number; output_tokens?: number };
};

/**
 * Runs the connector's agent on a LangGraph server, as the vendor's server does (apis.md §4):
 * `POST {baseUrl}/threads/{thread}/runs/wait` on a fresh thread, the connector's headers sent.
 * Every way it can go wrong comes back as `{ok: false, error}`, never as a throw: unreachable
 * host, timeout, non-2xx, a 200 whose body is LangGraph's `{"__error__": …}`, or a body that is
 * not the final state (the body may start with keep-alive whitespace, which is allowed).
 */
export async function callAgent(call: AgentCall): Promise<AgentAnswer> {
  const threadId = randomUUID();
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const body = {
    assistant_id: call.assistantId,
    input: { messages: call.messages.map(({ role, content }) => ({ role, content })) },
    multitask_strategy: "enqueue",
    if_not_exists: "create",
    ...(call.configurable ? { config: { configurable: call.configurable } } : {}),
  };
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${call.baseUrl.replace(/\/+$/, "")}/threads/${threadId}/runs/wait`, {
      method: "POST",
      headers: { ...call.headers, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(call.timeoutMs),
      redirect: "error",
    });
    text = await response.text();
  } catch (error) {
    return { ok: false, latencyMs: latency(), error: describeTransportError(error, call.timeoutMs) };
  }
  const rawResponse = text.slice(0, RAW_RESPONSE_LIMIT);
  const parsed = parseJson(text);
  if (!response.ok) {
    return { ok: false, latencyMs: latency(), rawResponse, error: `HTTP ${response.status}: ${errorMessageOf(parsed) ?? (response.statusText || "error")}` };
  }
  if (parsed === undefined || typeof parsed !== "object" || parsed === null) {
    return { ok: false, latencyMs: latency(), rawResponse, error: "The agent server answered with a body that is not JSON." };
  }
  const failure = (parsed as { __error__?: { error?: string; message?: string } }).__error__;
  if (failure) {
    return { ok: false, latencyMs: latency(), rawResponse, error: `Agent error: ${[failure.error, failure.message].filter(Boolean).join(": ") || "unknown"}` };
  }
  const stateMessages = (parsed as { messages?: unknown }).messages;
  if (!Array.isArray(stateMessages)) {
    return { ok: false, latencyMs: latency(), rawResponse, error: "The agent server's answer has no messages." };
  }
  const added = (stateMessages as LangGraphMessage[]).slice(call.messages.length);
  return {
    ok: true,
    latencyMs: latency(),
    threadId,
    messages: added.map(toChatMessage),
    tokensUsage: sumUsage(added),
    rawResponse,
  };
}

function toChatMessage(message: LangGraphMessage): ChatMessage {
  const role = ROLE_OF_TYPE[message.type ?? ""] ?? (message.role as ChatMessage["role"] | undefined) ?? "assistant";
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

function describeTransportError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string } ; message?: string };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `Timed out after ${timeoutMs} ms`;
  switch (e?.cause?.code) {
    case "ECONNREFUSED":
      return "Connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "Host not found";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "Connection reset by the agent server";
    default:
      return `Could not reach the agent server: ${e?.cause?.message ?? e?.message ?? "unknown error"}`;
  }
}
