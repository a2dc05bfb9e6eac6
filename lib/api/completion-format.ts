import type { FinishReason } from "ai";
import type { ReplyEnd } from "@/lib/llm/reply-stream";
import type { DecisionRecord } from "@/lib/router/decision";

export type OpenAIFinishReason = "stop" | "length" | "content_filter" | "tool_calls";

export type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

function toOpenAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  if (reason === "length") return "length";
  if (reason === "content-filter") return "content_filter";
  if (reason === "tool-calls") return "tool_calls";
  return "stop";
}

/** How a finished reply reads in OpenAI's terms; a reply the client stopped counts as "stop" with no usage. */
export function openAIEnding(end: ReplyEnd | null): { finishReason: OpenAIFinishReason; usage: Usage } {
  if (end?.status !== "completed") return { finishReason: "stop", usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } };
  const [prompt, completion] = [end.promptTokens ?? 0, end.completionTokens ?? 0];
  return {
    finishReason: toOpenAIFinishReason(end.finishReason),
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** Switchboard's additions to OpenAI's response body: where the turn is stored and why this model answered. */
export type SwitchboardInfo = {
  turn_id: string;
  chat_session_id: string;
  decision: {
    chosen_model_id: string;
    router_version: string;
    confidence: number;
    cold_start: boolean;
    override: boolean;
    fallback: boolean;
    basis: DecisionRecord["basis"];
  };
};

export function toSwitchboardInfo({ turnId, chatSessionId, decision }: { turnId: string; chatSessionId: string; decision: DecisionRecord }): SwitchboardInfo {
  return {
    turn_id: turnId,
    chat_session_id: chatSessionId,
    decision: {
      chosen_model_id: decision.chosenModelId,
      router_version: decision.routerVersion,
      confidence: decision.confidence,
      cold_start: decision.coldStart,
      override: decision.override,
      fallback: decision.fallback,
      basis: decision.basis,
    },
  };
}

/** The fields every response and chunk of one completion share. */
export type CompletionIdentity = { id: string; created: number; model: string };

export function completionBody(
  identity: CompletionIdentity,
  { content, finishReason, usage, switchboard }: { content: string; finishReason: OpenAIFinishReason; usage: Usage; switchboard: SwitchboardInfo },
) {
  return {
    ...identity,
    object: "chat.completion" as const,
    system_fingerprint: null,
    choices: [{ index: 0, message: { role: "assistant" as const, content, refusal: null }, logprobs: null, finish_reason: finishReason }],
    usage,
    switchboard,
  };
}

type Delta = { role?: "assistant"; content?: string };

/** One `data:` line of OpenAI's stream format. */
export function sseChunk(
  identity: CompletionIdentity,
  {
    delta,
    finishReason = null,
    includeUsage,
    switchboard,
  }: { delta: Delta; finishReason?: OpenAIFinishReason | null; includeUsage: boolean; switchboard?: SwitchboardInfo },
): string {
  const chunk = {
    ...identity,
    object: "chat.completion.chunk",
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    // With stream_options.include_usage, OpenAI sends `usage: null` on every chunk but the last.
    ...(includeUsage ? { usage: null } : {}),
    ...(switchboard ? { switchboard } : {}),
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The closing usage chunk OpenAI sends when stream_options.include_usage is set: no choices, only usage. */
export function sseUsageChunk(identity: CompletionIdentity, usage: Usage): string {
  return `data: ${JSON.stringify({ ...identity, object: "chat.completion.chunk", system_fingerprint: null, choices: [], usage })}\n\n`;
}

export function sseError(message: string): string {
  return `data: ${JSON.stringify({ error: { message, type: "upstream_error", param: null, code: "model_error" } })}\n\n`;
}

export const SSE_DONE = "data: [DONE]\n\n";
