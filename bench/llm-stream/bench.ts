/**
 * CPU the app spends reading a model's streamed reply, per call and per chunk:
 * the app's reader (`openReply`: the provider's own stream on the app's
 * read-batching fetch) against the AI SDK's `streamText` full stream on Node's
 * fetch (the baseline: what the app used first), the provider's stream on
 * Node's fetch and on the read-batching fetch with a window of 0 (each read
 * passed on) and of 25 ms (the default), and reading the raw bytes with
 * Node's fetch (the transport's floor), in the same run, on the same local
 * demo model. The demo server runs in its own process, so only the reading
 * side is counted.
 *
 *   npx tsx --conditions=react-server bench/llm-stream/bench.ts [--calls 300] [--concurrency 20] [--model demo-detailed]
 */
import { parseArgs } from "node:util";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { streamText } from "ai";
import type { LlmModelRow } from "@/lib/db/queries/models";
import { percentile } from "../../test/support/load-client";
import { freePort } from "../../test/support/net";
import { killGroup, spawnDemoLlm } from "../../test/support/stack";

const { values } = parseArgs({
  options: { calls: { type: "string", default: "300" }, concurrency: { type: "string", default: "20" }, model: { type: "string", default: "demo-detailed" } },
});
const CALLS = Number(values.calls);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = 3;
const PROMPT = "Explain how a hash map handles collisions.";

async function main() {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  const demo = await spawnDemoLlm({ ...process.env, DEMO_LLM_URL: baseUrl });
  try {
    const [{ openReply }, { readBatchingFetch }] = await Promise.all([import("@/lib/llm/reply-stream"), import("@/lib/llm/read-batching-fetch")]);
    const model = values.model!;
    const row: LlmModelRow = {
      id: model,
      displayName: model,
      examples: [],
      description: "",
      baseUrl,
      apiKeyEnv: null,
      providerModelId: model,
      inputPricePerM: 0,
      outputPricePerM: 0,
      enabled: true,
    };
    const messages = [{ role: "user" as const, content: PROMPT }];
    const onFetch = (fetchImpl: typeof fetch) => createOpenAI({ baseURL: baseUrl, apiKey: "no-key", fetch: fetchImpl }).chat(model);
    const providerStream = (languageModel: LanguageModelV3) => async () => {
      const { stream } = await languageModel.doStream({ prompt: [{ role: "user", content: [{ type: "text", text: PROMPT }] }] });
      let n = 0;
      for await (const part of stream) if (part.type === "text-delta") n++;
      return n;
    };
    const readers: Record<string, () => Promise<number>> = {
      "raw bytes (fetch)": async () => {
        const response = await fetch(`${baseUrl}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model, stream: true, messages }),
        });
        return (await response.text()).split("\n\n").filter((e) => e.startsWith("data: {")).length;
      },
      "provider stream, Node's fetch": providerStream(onFetch(fetch)),
      "provider stream, batching window 0": providerStream(onFetch(readBatchingFetch(0))),
      "provider stream, batching 25 ms": providerStream(onFetch(readBatchingFetch(25))),
      "app: openReply (window from env)": async () => {
        const reply = await openReply({ models: [row], messages, signal: new AbortController().signal });
        let n = 0;
        for await (const _ of reply.deltas()) n++;
        return n;
      },
      "streamText fullStream (baseline)": async () => {
        let n = 0;
        for await (const part of streamText({ model: onFetch(fetch), messages, maxRetries: 0 }).fullStream) if (part.type === "text-delta") n++;
        return n;
      },
    };
    const results = new Map<string, { cpuMs: number[]; chunks: number }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, read] of Object.entries(readers)) {
        let started = 0;
        let chunks = 0;
        const before = process.cpuUsage();
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (started++ < CALLS) chunks = await read();
          }),
        );
        const used = process.cpuUsage(before);
        const entry = results.get(name) ?? { cpuMs: [], chunks };
        entry.cpuMs.push((used.user + used.system) / 1000 / CALLS);
        results.set(name, entry);
      }
    }
    const median = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      );
    const baseline = median(results.get("streamText fullStream (baseline)")!.cpuMs);
    console.log(`${model}, ${CALLS} calls x ${ROUNDS} rounds at concurrency ${CONCURRENCY}; CPU of this process, median of rounds`);
    console.log("reader                              chunks  ms/call   us/chunk  vs streamText");
    for (const [name, { cpuMs, chunks }] of results) {
      const ms = median(cpuMs);
      console.log(
        `${name.padEnd(35)} ${String(chunks).padStart(6)} ${ms.toFixed(2).padStart(8)} ${((1000 * ms) / chunks).toFixed(0).padStart(10)} ${(ms / baseline).toFixed(2).padStart(14)}`,
      );
    }
  } finally {
    killGroup(demo, "SIGTERM");
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
