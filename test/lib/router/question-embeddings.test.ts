import { describe, expect, it } from "vitest";
import { QuestionEmbeddingCache } from "@/lib/router/question-embeddings";

const embeddings = (...questions: string[]) => new Map(questions.map((q, i) => [q, Float32Array.of(i)]));

describe("the question embeddings kept between history reads", () => {
  it("holds a user's latest read under its key, in place of the one before", () => {
    const cache = new QuestionEmbeddingCache(10);
    cache.keep("ann", "encoder:a", embeddings("q1", "q2"));
    expect([...cache.known("ann", "encoder:a").keys()]).toEqual(["q1", "q2"]);
    expect(cache.known("ann", "encoder:b").size).toBe(0);
    expect(cache.known("bob", "encoder:a").size).toBe(0);
    cache.keep("ann", "encoder:a", embeddings("q2", "q3", "q4"));
    expect([...cache.known("ann", "encoder:a").keys()]).toEqual(["q2", "q3", "q4"]);
    expect(cache.size).toBe(3);
  });

  it("lets the users read longest ago go once it holds more than its budget", () => {
    const cache = new QuestionEmbeddingCache(5);
    cache.keep("ann", "k", embeddings("a1", "a2"));
    cache.keep("bob", "k", embeddings("b1", "b2"));
    cache.keep("ann", "k", embeddings("a1", "a2")); // read again: now the most recent
    cache.keep("cyd", "k", embeddings("c1", "c2"));
    expect(cache.known("bob", "k").size).toBe(0);
    expect(cache.known("ann", "k").size).toBe(2);
    expect(cache.known("cyd", "k").size).toBe(2);
    expect(cache.size).toBe(4);
    cache.keep("dan", "k", embeddings("d1", "d2", "d3", "d4", "d5", "d6"));
    expect(cache.known("dan", "k").size).toBe(0); // larger than the whole budget: not kept, and nobody evicted for it
    expect(cache.size).toBe(4);
  });
});
