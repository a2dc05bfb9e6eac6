import "server-only";
import { APICallError, streamText, type FinishReason, type ModelMessage } from "ai";
import { finishAssistantTurn, type TurnOutcome } from "@/lib/db/queries/turns";
import type { LlmModelRow } from "@/lib/db/queries/models";
import { env } from "@/lib/env";
import { languageModelFor } from "@/lib/llm/providers";
import { getLogger } from "@/lib/log";
import { failSpan, startSpan } from "@/lib/observability/tracing";
import { UpstreamModelError } from "./openai-errors";

/** Sampling settings an OpenAI client may send, in the AI SDK's names. */
export type SamplingSettings = {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
};

const logger = getLogger("openai-api");

export type OpenAIFinishReason = "stop" | "length" | "content_filter" | "tool_calls";

export type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

/** What the generator returns once the model has finished. */
export type GenerationEnd = { finishReason: OpenAIFinishReason; usage: Usage };

function toOpenAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  if (reason === "length") return "length";
  if (reason === "content-filter") return "content_filter";
  if (reason === "tool-calls") return "tool_calls";
  return "stop";
}

function describeLlmError(error: unknown): string {
  if (APICallError.isInstance(error)) {
    return error.statusCode ? `The model endpoint answered HTTP ${error.statusCode}: ${error.message}` : `The model endpoint could not be reached: ${error.message}`;
  }
  return error instanceof Error ? `The model stream failed: ${error.message}` : "The model stream failed.";
}

/**
 * Streams one model reply as text deltas and stores the assistant turn's
 * outcome however the generator ends: completed, failed (thrown as
 * UpstreamModelError), stopped by a client that went away (`signal`), or
 * abandoned by the consumer (`return()`), which also counts as stopped.
 */
export async function* generateReply({
  assistantTurnId,
  model,
  messages,
  settings,
  signal,
}: {
  assistantTurnId: string;
  model: LlmModelRow;
  messages: ModelMessage[];
  settings: SamplingSettings;
  signal: AbortSignal;
}): AsyncGenerator<string, GenerationEnd> {
  const span = startSpan("llm.stream", { "gen_ai.request.model": model.id, "switchboard.turn_id": assistantTurnId });
  const started = performance.now();
  const timeout = new AbortController();
  const firstTokenTimer = setTimeout(() => timeout.abort(), env.LLM_FIRST_TOKEN_TIMEOUT_MS);
  let text = "";
  let ttftMs: number | null = null;
  let outcome: Omit<TurnOutcome, "content" | "latencyMs" | "ttftMs"> = { status: "stopped" };
  try {
    const result = streamText({
      model: languageModelFor(model),
      messages,
      // OpenAI clients send their system prompt as a message; it is the caller's own prompt, not injected content.
      allowSystemInMessages: true,
      maxRetries: 0,
      abortSignal: AbortSignal.any([signal, timeout.signal]),
      // Failures arrive as error parts below and are stored on the turn; this only keeps the SDK from printing them.
      onError: ({ error }) => logger.warn({ err: error, turnId: assistantTurnId, model: model.id }, "model stream failed"),
      ...settings,
    });
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") {
        if (ttftMs === null) {
          ttftMs = Math.round(performance.now() - started);
          clearTimeout(firstTokenTimer);
        }
        text += part.text;
        yield part.text;
      } else if (part.type === "error") {
        throw new UpstreamModelError(describeLlmError(part.error));
      } else if (part.type === "abort") {
        if (signal.aborted) return { finishReason: "stop", usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } };
        throw new UpstreamModelError(`The model sent nothing within ${env.LLM_FIRST_TOKEN_TIMEOUT_MS / 1000} s.`);
      } else if (part.type === "finish") {
        const promptTokens = part.totalUsage.inputTokens ?? 0;
        const completionTokens = part.totalUsage.outputTokens ?? 0;
        outcome = { status: "completed", promptTokens: part.totalUsage.inputTokens ?? null, completionTokens: part.totalUsage.outputTokens ?? null };
        span.setAttributes({ "gen_ai.usage.input_tokens": promptTokens, "gen_ai.usage.output_tokens": completionTokens });
        return { finishReason: toOpenAIFinishReason(part.finishReason), usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } };
      }
    }
    throw new UpstreamModelError("The model stream ended unexpectedly.");
  } catch (err) {
    const message = err instanceof UpstreamModelError ? err.message : describeLlmError(err);
    outcome = { status: "failed", error: message };
    failSpan(span, err);
    throw err instanceof UpstreamModelError ? err : new UpstreamModelError(message);
  } finally {
    clearTimeout(firstTokenTimer);
    await finishAssistantTurn({ id: assistantTurnId, outcome: { content: text, latencyMs: Math.round(performance.now() - started), ttftMs, ...outcome } });
    span.setAttribute("switchboard.turn_status", outcome.status);
    span.end();
  }
}
