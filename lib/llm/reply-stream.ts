import "server-only";
import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { APICallError, type FinishReason } from "ai";
import { convertToLanguageModelPrompt, prepareCallSettings } from "ai/internal";
import type { LlmModelRow } from "@/lib/db/queries/models";
import { env } from "@/lib/env";
import { getLogger } from "@/lib/log";
import { languageModelFor } from "./providers";

/** Sampling settings a client may send, in the AI SDK's names. */
export type SamplingSettings = {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
};

/**
 * A message of the model's prompt. Both wires send text only: the chat builds its messages from stored turns,
 * /v1 from a request body its zod schema checked; an API client's system prompt is its own message.
 */
export type PromptMessage = { role: "system" | "user" | "assistant"; content: string };

/** A model that failed before saying anything, so the turn moved on to the next one. */
export type FailedAttempt = { modelId: string; error: string; elapsedMs: number };

export type ReplyEnd =
  | { status: "completed"; finishReason: FinishReason; promptTokens: number | null; completionTokens: number | null }
  | { status: "stopped" }
  | { status: "failed"; error: string };

/**
 * A reply that has either produced its first token or failed for good.
 * `deltas()` yields every text delta from the first one on; `end` is set once
 * the model finished, failed or was stopped (null while it still streams, or
 * when the consumer walked away before the end).
 */
export type Reply = {
  /** performance.now() when the first model was called; ttftMs counts from here. */
  readonly startedAt: number;
  readonly model: LlmModelRow;
  readonly failed: readonly FailedAttempt[];
  readonly text: string;
  readonly ttftMs: number | null;
  readonly end: ReplyEnd | null;
  deltas(): AsyncGenerator<string, void>;
};

type Part = LanguageModelV3StreamPart;

const logger = getLogger("llm");

/** A provider's error body kept in the log: enough for its error code and message. */
const LOGGED_RESPONSE_CHARS = 500;

/**
 * What the log keeps of a failed model call. An APICallError carries the whole request body (every message of the
 * conversation, the system prompt) and the provider's response: the log keeps the status, the endpoint and the start
 * of the response, never the conversation, which "forget" and account deletion must be able to remove.
 */
export function llmErrorForLog(error: unknown): Record<string, unknown> {
  if (APICallError.isInstance(error)) {
    return {
      type: error.name,
      message: error.message,
      url: error.url,
      statusCode: error.statusCode,
      isRetryable: error.isRetryable,
      responseBody: error.responseBody?.slice(0, LOGGED_RESPONSE_CHARS),
    };
  }
  return error instanceof Error ? { type: error.name, message: error.message, stack: error.stack } : { value: String(error) };
}

/**
 * What the user is told (and what is stored with the turn): the kind of
 * failure and the HTTP status, never the provider's own text or the
 * endpoint's host and port, which may be internal. The log gets more (llmErrorForLog).
 */
export function describeLlmError(error: unknown): string {
  // Not under `err`: pino's error serializer would rename the type and add an empty stack.
  logger.warn({ llmError: llmErrorForLog(error) }, "model call failed");
  if (APICallError.isInstance(error)) {
    if (!error.statusCode) return "The model endpoint could not be reached.";
    if (error.statusCode >= 400) return `The model endpoint answered HTTP ${error.statusCode}.`;
  }
  return "The model stream failed.";
}

type AttemptArgs = { messages: readonly PromptMessage[]; settings: SamplingSettings; signal: AbortSignal };

/**
 * One model's stream, read part by part from the provider's own stream; a
 * transport failure becomes an error part. A reply is a single text step with
 * no tools, so streamText's step, tool and telemetry stages (about ten web
 * TransformStreams and a tee per chunk: 1.6x the CPU per chunk, measured by
 * bench/llm-stream/bench.ts) would only add cost per token. The prompt goes
 * through the SDK's own conversion, as in streamText.
 */
class Attempt {
  readonly #parts: Promise<ReadableStreamDefaultReader<Part>>;
  readonly #timer: NodeJS.Timeout;
  readonly #timeout = new AbortController();

  constructor(
    readonly model: LlmModelRow,
    args: AttemptArgs,
  ) {
    this.#timer = setTimeout(() => this.#timeout.abort(), env.LLM_FIRST_TOKEN_TIMEOUT_MS);
    this.#parts = Attempt.#open(model, args, AbortSignal.any([args.signal, this.#timeout.signal]));
    this.#parts.catch(() => {}); // read (and reported) by next()
  }

  static async #open(model: LlmModelRow, args: AttemptArgs, abortSignal: AbortSignal): Promise<ReadableStreamDefaultReader<Part>> {
    const languageModel = languageModelFor(model);
    // Typed text messages from checked input go straight to the SDK's conversion: its standardizePrompt would parse
    // each one again with zod, about 0.3 ms of the event loop before every model call (bench/chat-routing).
    const prompt = await convertToLanguageModelPrompt({
      prompt: { messages: [...args.messages] },
      supportedUrls: await languageModel.supportedUrls,
      download: undefined,
      abortSignal,
    });
    const { stream } = await languageModel.doStream({ ...prepareCallSettings(args.settings), prompt, abortSignal });
    return stream.getReader();
  }

  get timedOut(): boolean {
    return this.#timeout.signal.aborted;
  }

  firstTokenArrived(): void {
    clearTimeout(this.#timer);
  }

  async next(): Promise<Part | null> {
    try {
      const step = await (await this.#parts).read();
      return step.done ? null : step.value;
    } catch (error) {
      return { type: "error", error };
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#parts.then((reader) => reader.cancel()).catch(() => {});
  }
}

/** The text a part adds to the answer; an empty delta (the role-only first chunk of OpenAI-style streams) is no token. */
function textOf(part: Part | null): string | null {
  return part?.type === "text-delta" && part.delta !== "" ? part.delta : null;
}

const timeoutMessage = () => `The model sent nothing within ${env.LLM_FIRST_TOKEN_TIMEOUT_MS / 1000} s.`;

/** How a part that is not a text delta ends the attempt, or null if it does not. */
function endOf(part: Part | null, attempt: Attempt, signal: AbortSignal): ReplyEnd | null {
  if (part === null) return { status: "failed", error: "The model stream ended unexpectedly." };
  if (part.type === "finish") {
    return {
      status: "completed",
      finishReason: part.finishReason.unified,
      promptTokens: part.usage.inputTokens.total ?? null,
      completionTokens: part.usage.outputTokens.total ?? null,
    };
  }
  if (part.type !== "error") return null;
  if (signal.aborted) return { status: "stopped" };
  return { status: "failed", error: attempt.timedOut ? timeoutMessage() : describeLlmError(part.error) };
}

/**
 * Starts a reply with the first of `models` and, while no token has arrived,
 * moves down the list when a model errors or sends nothing within
 * LLM_FIRST_TOKEN_TIMEOUT_MS. Resolves at the first token, or once the last
 * model has failed. After the first token the answer is committed to that
 * model: a later failure ends the reply as failed with the text so far.
 */
export async function openReply({
  models,
  messages,
  settings = {},
  signal,
}: {
  models: readonly [LlmModelRow, ...LlmModelRow[]];
  messages: readonly PromptMessage[];
  settings?: SamplingSettings;
  signal: AbortSignal;
}): Promise<Reply> {
  const started = performance.now();
  const failed: FailedAttempt[] = [];
  let text = "";
  let ttftMs: number | null = null;
  let end: ReplyEnd | null = null;
  let attempt!: Attempt;
  let first: string | null = null;

  for (const [i, model] of models.entries()) {
    attempt = new Attempt(model, { messages, settings, signal });
    let part = await attempt.next();
    let ended = endOf(part, attempt, signal);
    while (textOf(part) === null && ended === null) {
      part = await attempt.next();
      ended = endOf(part, attempt, signal);
    }
    first = textOf(part);
    if (first !== null) break;
    end = ended;
    await attempt.close();
    if (end?.status !== "failed" || i === models.length - 1) break;
    failed.push({ modelId: model.id, error: end.error, elapsedMs: Math.round(performance.now() - started) });
    end = null;
  }

  const answering = attempt;
  if (first !== null) {
    answering.firstTokenArrived();
    ttftMs = Math.round(performance.now() - started);
  }

  return {
    startedAt: started,
    model: answering.model,
    failed,
    get text() {
      return text;
    },
    get ttftMs() {
      return ttftMs;
    },
    get end() {
      return end;
    },
    async *deltas() {
      if (first === null) return;
      try {
        text += first;
        yield first;
        for (;;) {
          const part = await answering.next();
          const delta = textOf(part);
          if (delta !== null) {
            text += delta;
            yield delta;
            continue;
          }
          const ended = endOf(part, answering, signal);
          if (ended) {
            end = ended;
            return;
          }
        }
      } finally {
        await answering.close();
      }
    },
  };
}
