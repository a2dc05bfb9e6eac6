/**
 * The shipped router reads what a user's ratings say, with the online preference layer off: two users rate
 * the same 12 short factual questions in opposite directions (5 stars for the model they like, 1 star for
 * the other), then route a new factual question. Mirrors training/online.py's sensitivity check. Both builds
 * of the sentence encoder: the float32 reference the router was trained with and the int8 one the app serves.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UseLiteOnnxEmbedder } from "@/router-core/embedder/use-lite-onnx";
import { USE_LITE_PRECISIONS } from "@/router-core/embedder/use-lite-precision";
import { InMemoryHistoryStore } from "@/router-core/memory-history-store";
import { OnnxRouter } from "@/router-core/onnx-router";
import { DEFAULT_MODEL, readManifest } from "./helpers";

const HISTORY = [
  "What is the capital of France?",
  "How many legs does a spider have?",
  "Who wrote Romeo and Juliet?",
  "What is the boiling point of water in Celsius?",
  "Which planet is closest to the sun?",
  "What is the chemical symbol for gold?",
  "How many continents are there?",
  "Who painted the Mona Lisa?",
  "What is the largest ocean on Earth?",
  "In which year did World War II end?",
  "What is the square root of 81?",
  "What language is spoken in Brazil?",
];
const PROBE = "What is the capital of Spain?";
const PAIRS = [
  ["gpt-3.5-turbo", "claude-v1"],
  ["vicuna-13b-v1.2", "gpt-4"],
  ["alpaca-13b", "gpt-4"],
] as const;

describe.each(USE_LITE_PRECISIONS)("the shipped router personalizes by itself (online layer off, %s encoder)", (precision) => {
  const manifest = readManifest(DEFAULT_MODEL) as unknown as { llms: { id: string; description: string }[] };
  const candidates = manifest.llms.map((l) => ({ id: l.id, description: l.description }));
  let store: InMemoryHistoryStore;
  let router: OnnxRouter;
  beforeAll(async () => {
    store = new InMemoryHistoryStore();
    router = await OnnxRouter.create({
      modelDir: DEFAULT_MODEL,
      embedder: await UseLiteOnnxEmbedder.create({ precision }),
      historyStore: store,
      device: "cpu",
      onlinePreference: { beta: 0, kappa: 1 },
    });
  });
  afterAll(() => router.close());

  /** P(A) / (P(A) + P(B)) for the probe after `userId` rated `n` questions: `liked` 5 stars, the other 1 star. */
  async function share(userId: string, a: string, b: string, liked: string, n: number): Promise<number> {
    const other = liked === a ? b : a;
    HISTORY.slice(0, n).forEach((queryText, i) => {
      store.add(userId, { chatSessionId: `${userId}-${i}`, turnIndex: 0, queryText, modelId: liked, rating: 1 });
      store.add(userId, { chatSessionId: `${userId}-${i}b`, turnIndex: 0, queryText, modelId: other, rating: 0 });
    });
    const d = await router.route({ userId, message: PROBE, candidates });
    const p = (id: string) => d.candidates.find((c) => c.id === id)!.probability;
    return p(a) / (p(a) + p(b));
  }

  for (const [a, b] of PAIRS) {
    it(`${a} vs ${b}: twelve ratings decide, one moves less`, async () => {
      const likesA12 = await share(`likes-a-12-${a}-${b}`, a, b, a, 12);
      const likesB12 = await share(`likes-b-12-${a}-${b}`, a, b, b, 12);
      const likesA1 = await share(`likes-a-1-${a}-${b}`, a, b, a, 1);
      const likesB1 = await share(`likes-b-1-${a}-${b}`, a, b, b, 1);
      const fresh = await share(`fresh-${a}-${b}`, a, b, a, 0);
      expect(likesA12).toBeGreaterThanOrEqual(0.75);
      expect(likesB12).toBeLessThanOrEqual(0.25);
      expect(Math.abs(likesA1 - fresh)).toBeLessThan(Math.abs(likesA12 - fresh));
      expect(Math.abs(likesB1 - fresh)).toBeLessThan(Math.abs(likesB12 - fresh));
    });
  }
});
