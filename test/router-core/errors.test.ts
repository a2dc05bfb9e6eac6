import { describe, expect, it } from "vitest";
import { EmbedderLoadError, EmbedderMismatchError, InvalidInputError, ModelLoadError, NoEligibleModelError, RouterError } from "@/router-core/errors";

describe("RouterError.isInstance", () => {
  it("recognises subclasses and rejects others", () => {
    const load = new ModelLoadError({ reason: "missing", modelDir: "/m", file: "scorer.onnx", message: "gone" });
    expect(RouterError.isInstance(load)).toBe(true);
    expect(ModelLoadError.isInstance(load)).toBe(true);
    expect(InvalidInputError.isInstance(load)).toBe(false);
    expect(RouterError.isInstance(new Error("x"))).toBe(false);
    expect(RouterError.isInstance(null)).toBe(false);
    expect(load.message).toContain("scorer.onnx");
  });
  it("survives a structural copy carrying the Symbol.for marker (duplicate module copies)", () => {
    const foreign = { [Symbol.for("switchboard.router-core.error")]: true, [Symbol.for("switchboard.router-core.error.embedder-mismatch")]: true };
    expect(RouterError.isInstance(foreign)).toBe(true);
    expect(EmbedderMismatchError.isInstance(foreign)).toBe(true);
    expect(NoEligibleModelError.isInstance(foreign)).toBe(false);
  });
  it("EmbedderMismatchError names both ids", () => {
    const e = new EmbedderMismatchError({ expectedEmbedderId: "use-lite-512", actualEmbedderId: "openai:x@512", modelDir: "/m" });
    expect(e.message).toContain("use-lite-512");
    expect(e.message).toContain("openai:x@512");
  });
  it("EmbedderLoadError names the embedder and keeps the file", () => {
    const e = new EmbedderLoadError({ embedderId: "use-lite-512", file: "enc.onnx", message: "the encoder file enc.onnx is missing" });
    expect(RouterError.isInstance(e) && EmbedderLoadError.isInstance(e)).toBe(true);
    expect(ModelLoadError.isInstance(e)).toBe(false);
    expect(e.message).toBe("embedder use-lite-512: the encoder file enc.onnx is missing");
    expect(e.file).toBe("enc.onnx");
  });
});
