import { z } from "zod";
import type { CompletionParams } from "@/lib/api/chat-completions";
import { env } from "@/lib/env";
import { text } from "@/lib/validation/text";

const MAX_MESSAGES = 200;
const MAX_CONVERSATION_CHARS = 200_000;
const MAX_OUTPUT_TOKENS = 32_768;

const textPart = z.object({ type: z.literal("text"), text: z.string() });

/** OpenAI accepts a string or text parts; parts are joined, as its own models see them (then checked as one text, so a NUL is named here). */
const content = z
  .union([z.string(), z.array(textPart)])
  .transform((c) => (typeof c === "string" ? c : c.map((p) => p.text).join("")))
  .pipe(text());

const message = z.object({
  // "developer" is OpenAI's newer name for "system".
  role: z.enum(["system", "developer", "user", "assistant"], "role must be system, developer, user or assistant (tool calls are not supported)"),
  content,
  name: text().optional(),
});

const unsupported = (what: string) =>
  z
    .unknown()
    .refine((v) => v === undefined || v === null, `${what} is not supported by Switchboard.`)
    .optional();

export const chatCompletionBody = z
  .object({
    model: text('model is required (use "auto" to let Switchboard choose)').min(1, 'model is required (use "auto" to let Switchboard choose)').max(64),
    messages: z.array(message).min(1, "messages must not be empty").max(MAX_MESSAGES, `messages must be at most ${MAX_MESSAGES}`),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_tokens: z.number().int().positive().max(MAX_OUTPUT_TOKENS, `max_tokens must be at most ${MAX_OUTPUT_TOKENS}`).nullish(),
    max_completion_tokens: z.number().int().positive().max(MAX_OUTPUT_TOKENS, `max_completion_tokens must be at most ${MAX_OUTPUT_TOKENS}`).nullish(),
    stop: z.union([text(), z.array(text()).max(4)]).nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    seed: z.number().int().nullish(),
    n: z.literal(1, "n must be 1").nullish(),
    user: text().max(256).nullish(),
    tools: unsupported("tools"),
    functions: unsupported("functions"),
  })
  .refine((b) => b.messages.reduce((n, m) => n + m.content.length, 0) <= MAX_CONVERSATION_CHARS, {
    message: `the messages' content must be at most ${MAX_CONVERSATION_CHARS} characters in all`,
    path: ["messages"],
  })
  .refine((b) => b.messages.at(-1)?.role === "user", { message: "the last message must come from the user", path: ["messages"] })
  .refine((b) => (b.messages.at(-1)?.content.trim().length ?? 0) > 0, { message: "the last user message must not be empty", path: ["messages"] })
  .refine((b) => (b.messages.at(-1)?.content.length ?? 0) <= env.MAX_MESSAGE_CHARS, {
    message: `the last user message must be at most ${env.MAX_MESSAGE_CHARS} characters`,
    path: ["messages"],
  })
  .transform(
    (b): CompletionParams => ({
      model: b.model,
      messages: b.messages.map((m) => ({ role: m.role === "developer" ? "system" : m.role, content: m.content })),
      stream: b.stream ?? false,
      includeUsage: b.stream_options?.include_usage ?? false,
      settings: {
        temperature: b.temperature ?? undefined,
        topP: b.top_p ?? undefined,
        maxOutputTokens: b.max_completion_tokens ?? b.max_tokens ?? undefined,
        stopSequences: b.stop == null ? undefined : typeof b.stop === "string" ? [b.stop] : b.stop,
        presencePenalty: b.presence_penalty ?? undefined,
        frequencyPenalty: b.frequency_penalty ?? undefined,
        seed: b.seed ?? undefined,
      },
    }),
  );

/** Groups calls into one stored chat session (one of the caller's); without it, each call gets a session of its own. */
export const chatSessionHeader = z.uuid("x-switchboard-chat-session-id must be a chat session id (UUID)").optional();

/** The whole conversation travels with every call, so the body may be far larger than one chat message, within these bounds. */
export const MAX_BODY_BYTES = 1_000_000;
