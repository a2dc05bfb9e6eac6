import { describe, expect, it } from "vitest";
import { coalesceDeltas } from "@/lib/chat/coalesce-deltas";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A model stream: each delta after its pause. */
async function* timed(parts: [pauseMs: number, text: string][]): AsyncGenerator<string> {
  for (const [pause, text] of parts) {
    if (pause > 0) await sleep(pause);
    yield text;
  }
}

async function collect(source: AsyncGenerator<string>, windowMs: number): Promise<{ text: string; at: number }[]> {
  const started = performance.now();
  const out = [];
  for await (const text of coalesceDeltas(source, windowMs)) out.push({ text, at: performance.now() - started });
  return out;
}

describe("coalesceDeltas", () => {
  it("sends the first delta at once and merges a burst that follows it, losing nothing", async () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i} `);
    const out = await collect(timed(words.map((w) => [0, w])), 50);
    expect(out.map((o) => o.text).join("")).toBe(words.join(""));
    expect(out[0].text).toBe("w0 ");
    expect(out.length).toBeLessThanOrEqual(3);
  });

  it("does not hold text back past the window when the model pauses", async () => {
    const out = await collect(
      timed([
        [0, "a"],
        [5, "b"],
        [400, "c"],
      ]),
      30,
    );
    expect(out.map((o) => o.text)).toEqual(["a", "b", "c"]);
    // "b" went out when its window closed, long before "c" arrived.
    expect(out[1].at).toBeLessThan(200);
    expect(out[2].at).toBeGreaterThanOrEqual(400);
  });

  it("stops the source when the consumer stops early", async () => {
    let closed = false;
    async function* endless() {
      try {
        for (let i = 0; ; i++) {
          await sleep(1);
          yield `${i}`;
        }
      } finally {
        closed = true;
      }
    }
    for await (const _text of coalesceDeltas(endless(), 10)) break;
    expect(closed).toBe(true);
  });
});
