import { describe, expect, it } from "vitest";
import { InvalidInputError, ModelLoadError } from "@/router-core/errors";
import { RouterRegistry } from "@/router-core/registry";
import type { RouteDecision, RouteRequest } from "@/router-core/router";
import { MockRouter } from "@/router-core/testing";

const candidates = [
  { id: "alpha", description: "a" },
  { id: "beta", description: "b" },
];
const request: RouteRequest = { userId: "u1", message: "hello", candidates };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A MockRouter whose route() takes `delayMs` and which refuses calls after close(). */
class SlowRouter extends MockRouter {
  constructor(
    version: string,
    readonly delayMs: number,
  ) {
    super({ version, choose: () => (version === "v1" ? "alpha" : "beta") });
  }
  override async route(r: RouteRequest) {
    if (this.closed) throw new Error(`${this.version} used after close`);
    await sleep(this.delayMs);
    if (this.closed) throw new Error(`${this.version} closed while a call was in flight`);
    return super.route(r);
  }
}

describe("RouterRegistry", () => {
  it("is degraded before any load and answers with a fallback decision", async () => {
    const registry = new RouterRegistry({ fallbackModelId: "beta" });
    expect(registry.state.status).toBe("degraded");
    const d = await registry.route(request);
    expect(d.fallback).toBe(true);
    expect(d.modelId).toBe("beta");
    const d2 = await new RouterRegistry().route(request);
    expect(d2.modelId).toBe("alpha"); // no configured default: first enabled candidate
  });

  it("a failed load with nothing active is degraded with the error message", async () => {
    const registry = new RouterRegistry();
    const state = await registry.load(async () => {
      throw new ModelLoadError({ reason: "corrupt", modelDir: "/m", file: "scorer.onnx", message: "bad graph" });
    });
    expect(state.status).toBe("degraded");
    if (state.status === "degraded") {
      expect(state.errorName).toBe("ModelLoadError");
      expect(state.error).toContain("bad graph");
    }
    expect((await registry.route(request)).fallbackReason).toContain("bad graph");
  });

  it("a failed load keeps the active version serving", async () => {
    const registry = new RouterRegistry();
    await registry.load(async () => new MockRouter({ version: "v1" }));
    const state = await registry.load(async () => {
      throw new Error("manifest gone");
    });
    expect(state).toMatchObject({ status: "ready", routerVersion: "v1", lastError: "manifest gone" });
    const d = await registry.route(request);
    expect(d.fallback).toBe(false);
    expect(d.routerVersion).toBe("v1");
  });

  it("hot-swaps under concurrent route() calls: no failure, in-flight calls finish on the old version", async () => {
    const registry = new RouterRegistry();
    const v1 = new SlowRouter("v1", 30);
    const v2 = new SlowRouter("v2", 5);
    registry.swap(v1);
    const before = Array.from({ length: 20 }, () => registry.route(request));
    await sleep(5);
    await registry.load(async () => v2);
    expect(v1.closed).toBe(false); // still has calls in flight
    const after = Array.from({ length: 20 }, () => registry.route(request));
    const [b, a] = await Promise.all([Promise.all(before), Promise.all(after)]);
    expect(b.every((d) => d.routerVersion === "v1" && d.modelId === "alpha" && !d.fallback)).toBe(true);
    expect(a.every((d) => d.routerVersion === "v2" && d.modelId === "beta" && !d.fallback)).toBe(true);
    await registry.drained();
    expect(v1.closed).toBe(true);
    expect(v2.closed).toBe(false);
    await registry.close();
    expect(v2.closed).toBe(true);
  });

  it("falls back on a runtime failure but rethrows request errors", async () => {
    const registry = new RouterRegistry();
    registry.swap(
      new (class extends MockRouter {
        override async route(r: RouteRequest): Promise<RouteDecision> {
          if (r.message === "bad") throw new InvalidInputError({ field: "message", message: "bad" });
          if (r.message === "bad tensor") throw new InvalidInputError({ field: "session_llm", message: "out of range" });
          throw new Error("onnxruntime exploded");
        }
      })(),
    );
    expect((await registry.route(request)).fallbackReason).toContain("onnxruntime exploded");
    await expect(registry.route({ ...request, message: "bad" })).rejects.toSatisfy(InvalidInputError.isInstance);
    // an invalid tensor built from stored data is not the caller's fault: fall back
    expect((await registry.route({ ...request, message: "bad tensor" })).fallbackReason).toContain("session_llm");
  });

  it("of two overlapping loads the one started last wins; the other router is closed", async () => {
    const registry = new RouterRegistry();
    const slow = new MockRouter({ version: "slow" });
    const fast = new MockRouter({ version: "fast" });
    const a = registry.load(async () => {
      await sleep(30);
      return slow;
    });
    const b = registry.load(async () => fast);
    await Promise.all([a, b]);
    expect(registry.state).toMatchObject({ status: "ready", routerVersion: "fast" });
    expect(slow.closed).toBe(true);
    expect((await registry.route(request)).routerVersion).toBe("fast");
  });

  it("warmUser never rejects and keeps a retiring version open until it finishes", async () => {
    const registry = new RouterRegistry();
    await registry.warmUser("nobody-loaded"); // degraded: nothing to do, no error
    let release!: () => void;
    const v1 = new (class extends MockRouter {
      override async warmUser(userId: string) {
        await new Promise<void>((r) => (release = r));
        throw new Error(`store down for ${userId}`);
      }
    })({ version: "v1" });
    registry.swap(v1);
    const refreshing = registry.warmUser("u1");
    registry.swap(new MockRouter({ version: "v2" }));
    await sleep(5);
    expect(v1.closed).toBe(false);
    release();
    await expect(refreshing).resolves.toBeUndefined();
    await registry.drained();
    expect(v1.closed).toBe(true);
  });

  it("forwards invalidateUser to the active router", async () => {
    const registry = new RouterRegistry();
    const r = new MockRouter();
    registry.swap(r);
    registry.invalidateUser("u9");
    expect(r.invalidated).toEqual(["u9"]);
  });
});
