/** Shared helpers for router-core tests (not a test file). */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Embedder } from "@/router-core/embedder/embedder";

export const REPO = resolve(__dirname, "../..");
export const TOY_MODEL = join(REPO, "test/router-core/fixtures/toy-model");
export const TOY_BAD_INPUT = join(REPO, "test/router-core/fixtures/toy-model-bad-input");
/** The training engineer's tiny fixture and the shipped default model; tests on them skip while absent. */
export const TINY_MODEL = join(REPO, "test/fixtures/tiny-model");
export const DEFAULT_MODEL = join(REPO, "router-core/models/default");

export function hasModel(dir: string): boolean {
  return ["manifest.json", "user_encoder.onnx", "scorer.onnx"].every((f) => existsSync(join(dir, f)));
}

export function readManifest(dir: string): Record<string, unknown> & { embedder: { id: string; dim: number } } {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
}

/**
 * Deterministic stand-in for a sentence encoder: a text's vector depends only on its characters.
 * Takes the id the model under test expects, so routing mechanics can be tested without USE.
 */
export class HashEmbedder implements Embedder {
  calls = 0;
  texts = 0;
  constructor(
    readonly id: string,
    readonly dim: number,
  ) {}
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls++;
    this.texts += texts.length;
    return texts.map((t) => {
      const v = new Float32Array(this.dim);
      for (let i = 0; i < t.length; i++) v[(i * 31 + t.charCodeAt(i)) % this.dim] += ((t.charCodeAt(i) % 7) - 3) / 3;
      let norm = 0;
      for (const x of v) norm += x * x;
      norm = Math.sqrt(norm) || 1;
      return v.map((x) => x / norm);
    });
  }
}

export function embedderFor(dir: string): HashEmbedder {
  const m = readManifest(dir);
  return new HashEmbedder(m.embedder.id, m.embedder.dim);
}

/** Copies a model directory to a temp dir and applies `edit` to its manifest. */
export function copyModel(dir: string, edit?: (manifest: Record<string, unknown>) => void): string {
  const out = mkdtempSync(join(tmpdir(), "router-core-model-"));
  cpSync(dir, out, { recursive: true });
  if (edit) {
    const manifest = readManifest(out);
    edit(manifest);
    writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest));
  }
  return out;
}

export interface CapturedLog {
  level: "info" | "warn";
  message: string;
  fields?: Record<string, unknown>;
}

export function captureLogger() {
  const lines: CapturedLog[] = [];
  return {
    lines,
    info: (message: string, fields?: Record<string, unknown>) => lines.push({ level: "info", message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) => lines.push({ level: "warn", message, fields }),
  };
}
