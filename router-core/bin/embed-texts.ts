/**
 * Embeds texts for the Python trainer with the same encoder the app serves with.
 * Input JSONL: {"id": string, "text": string} per line.
 * Output JSONL: first line {"embedder": {"id", "dim"}}, then {"id", "embedding": number[]} per input line.
 * Usage: npx tsx router-core/bin/embed-texts.ts --in texts.jsonl --out vectors.jsonl
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { UseLiteOnnxEmbedder } from "../embedder/use-lite-onnx";

const lineSchema = z.object({ id: z.string().min(1), text: z.string() });
const BATCH = 64;

function readLines(path: string) {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, n }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${path}:${n}: not valid JSON`);
      }
      const parsed = lineSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`${path}:${n}: field "${issue.path.join(".")}": ${issue.message}`);
      }
      return parsed.data;
    });
}

async function main() {
  const { values } = parseArgs({ options: { in: { type: "string" }, out: { type: "string" } } });
  if (!values.in || !values.out) throw new Error("usage: embed-texts --in texts.jsonl --out vectors.jsonl");
  const items = readLines(values.in);
  // The reference build: training's embedding cache holds float32 vectors (the app may serve the int8 build).
  const embedder = await UseLiteOnnxEmbedder.create({ precision: "float32" });
  const out = [JSON.stringify({ embedder: { id: embedder.id, dim: embedder.dim } })];
  for (let i = 0; i < items.length; i += BATCH) {
    const batch = items.slice(i, i + BATCH);
    const vectors = await embedder.embed(batch.map((b) => b.text));
    for (const [j, b] of batch.entries()) out.push(JSON.stringify({ id: b.id, embedding: Array.from(vectors[j]) }));
    process.stderr.write(`\rembedded ${Math.min(i + BATCH, items.length)}/${items.length}`);
  }
  process.stderr.write("\n");
  writeFileSync(values.out, `${out.join("\n")}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
