import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CachedEmbedder, embeddingKey } from "@/router-core/embedder/cached-embedder";
import type { Embedder } from "@/router-core/embedder/embedder";
import { OpenAICompatibleEmbedder } from "@/router-core/embedder/openai-compatible";

class CountingEmbedder implements Embedder {
  readonly id = "count-3";
  readonly dim = 3;
  readonly batches: string[][] = [];
  async embed(texts: readonly string[]) {
    this.batches.push([...texts]);
    return texts.map((t) => Float32Array.from([t.length, t.charCodeAt(0) || 0, 1]));
  }
}

describe("CachedEmbedder", () => {
  it("a text another call is embedding is waited for, not embedded again; a failed batch is tried again later", async () => {
    const inner = new CountingEmbedder();
    const cached = new CachedEmbedder(inner);
    const [ahead, turn] = await Promise.all([cached.embed(["query"]), cached.embed(["query", "hint"])]);
    expect(inner.batches).toEqual([["query"], ["hint"]]);
    expect(turn[0]).toBe(ahead[0]);

    let fail = true;
    const flaky: Embedder = {
      id: "flaky-3",
      dim: 3,
      embed: async (texts) => {
        if (fail) throw new Error("embedder down");
        return inner.embed(texts);
      },
    };
    const retried = new CachedEmbedder(flaky);
    const both = [retried.embed(["q"]), retried.embed(["q"])];
    for (const call of both) await expect(call).rejects.toThrow("embedder down");
    fail = false;
    expect((await retried.embed(["q"]))[0][0]).toBe(1);
  });

  it("sends only uncached, de-duplicated texts in one batch and keeps order", async () => {
    const inner = new CountingEmbedder();
    const cached = new CachedEmbedder(inner, { maxEntries: 10 });
    const first = await cached.embed(["aa", "b", "aa"]);
    expect(inner.batches).toEqual([["aa", "b"]]);
    expect(first.map((v) => v[0])).toEqual([2, 1, 2]);
    const second = await cached.embed(["b", "ccc", "aa"]);
    expect(inner.batches).toEqual([["aa", "b"], ["ccc"]]);
    expect(second.map((v) => v[0])).toEqual([1, 3, 2]);
    expect(cached.id).toBe(inner.id);
  });

  it("evicts least recently used entries", async () => {
    const inner = new CountingEmbedder();
    const cached = new CachedEmbedder(inner, { maxEntries: 2 });
    await cached.embed(["x"]);
    await cached.embed(["y"]);
    await cached.embed(["x"]); // x is now most recent
    await cached.embed(["z"]); // evicts y
    await cached.embed(["x", "y"]);
    expect(inner.batches).toEqual([["x"], ["y"], ["z"], ["y"]]);
  });

  it("keys by embedder id and text, like training/embed.py", () => {
    expect(embeddingKey("a", "b")).not.toBe(embeddingKey("ab", ""));
    expect(embeddingKey("use-lite-512", "hi")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("OpenAICompatibleEmbedder against a local /v1/embeddings server", () => {
  let server: Server;
  let baseURL: string;
  const requests: { model: string; input: string[]; auth: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const json = JSON.parse(body) as { model: string; input: string[] };
        requests.push({ model: json.model, input: json.input, auth: req.headers.authorization });
        if (req.url !== "/v1/embeddings") {
          res.writeHead(404).end();
          return;
        }
        const dim = json.model === "wrong-dim" ? 2 : 4;
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            object: "list",
            model: json.model,
            data: json.input.map((t, index) => ({ object: "embedding", index, embedding: Array.from({ length: dim }, (_, k) => t.length + k) })),
            usage: { prompt_tokens: 1, total_tokens: 1 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("embeds in order with the configured model and key", async () => {
    const e = new OpenAICompatibleEmbedder({ baseURL, apiKey: "sk-test", model: "emb-small", dim: 4 });
    expect(e.id).toBe("openai:emb-small@4");
    const out = await e.embed(["a", "abc"]);
    expect(out.map((v) => Array.from(v))).toEqual([
      [1, 2, 3, 4],
      [3, 4, 5, 6],
    ]);
    expect(requests.at(-1)).toEqual({ model: "emb-small", input: ["a", "abc"], auth: "Bearer sk-test" });
    expect(await e.embed([])).toEqual([]);
  });

  it("rejects vectors of the wrong length", async () => {
    const e = new OpenAICompatibleEmbedder({ baseURL, model: "wrong-dim", dim: 4, id: "custom", maxRetries: 0 });
    expect(e.id).toBe("custom");
    await expect(e.embed(["x"])).rejects.toThrow(/expected 4/);
  });
});
