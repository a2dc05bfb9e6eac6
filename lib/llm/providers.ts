import "server-only";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { env, readEnvVar } from "@/lib/env";
import { isAllowedApiKeyEnv } from "./endpoint-rules";
import { readBatchingFetch } from "./read-batching-fetch";

export type ModelEndpoint = { id: string; baseUrl: string; apiKeyEnv: string | null; providerModelId: string };

const cache = new Map<string, LanguageModelV3>();
const providerFetch = readBatchingFetch(env.LLM_STREAM_READ_WINDOW_MS);

/** Every model is an OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, LM Studio, the demo server). */
export function languageModelFor(model: ModelEndpoint): LanguageModelV3 {
  // A row written before the rules existed may still name another variable: it is never read, let alone sent.
  const apiKey = model.apiKeyEnv && isAllowedApiKeyEnv(model.apiKeyEnv) ? readEnvVar(model.apiKeyEnv) : undefined;
  const key = `${model.id}|${model.baseUrl}|${model.providerModelId}|${apiKey ?? ""}`;
  let lm = cache.get(key);
  if (!lm) {
    // Local servers ignore the key, but the OpenAI client insists on one.
    lm = createOpenAI({ baseURL: model.baseUrl, apiKey: apiKey ?? "no-key", name: model.id, fetch: providerFetch }).chat(model.providerModelId);
    cache.set(key, lm);
  }
  return lm;
}
