import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { z } from "zod";
import { CliError } from "./options";

const historyMessage = z.union([z.string(), z.object({ role: z.enum(["user", "assistant"]), content: z.string() })]);

const itemSchema = z.union([
  z.string().trim().min(1),
  z.object({ query_text: z.string().trim().min(1), conversation_history: z.array(historyMessage).optional() }),
]);

export type QueryItem = { query_text: string; conversation_history?: z.infer<typeof historyMessage>[] };

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`--input: ${where}: not valid JSON`);
  }
}

function jsonLines(path: string, text: string): unknown[] {
  return text
    .split("\n")
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, n }) => parseJson(line, `${path}:${n}`));
}

/**
 * Queries for `route --input`: .txt one per line, .json an array, .jsonl one per line; an item is a
 * string or {query_text, conversation_history?} (the GMTRouter/LLMRouter input shape).
 */
export function readQueries(path: string): QueryItem[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`--input: cannot read ${path}: ${(err as Error).message}`);
  }
  const ext = extname(path).toLowerCase();
  let items: unknown[];
  if (ext === ".txt") items = text.split("\n").filter((line) => line.trim() !== "");
  else if (ext === ".jsonl") items = jsonLines(path, text);
  else if (ext === ".json") {
    const parsed = z.array(z.unknown()).safeParse(parseJson(text, path));
    if (!parsed.success) throw new CliError(`--input: ${path}: expected a JSON array of queries`);
    items = parsed.data;
  } else throw new CliError(`--input: ${path}: expected a .txt, .json or .jsonl file`);
  if (items.length === 0) throw new CliError(`--input: ${path}: no queries`);
  return items.map((raw, i) => {
    const parsed = itemSchema.safeParse(raw);
    if (!parsed.success) {
      throw new CliError(`--input: ${path}: item ${i + 1}: expected a non-empty string or {"query_text": "...", "conversation_history"?: [...]}`);
    }
    return typeof parsed.data === "string" ? { query_text: parsed.data } : parsed.data;
  });
}
