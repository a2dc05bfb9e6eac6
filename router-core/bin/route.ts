/**
 * Routes queries with a trained model and writes the decisions (GMTRouter/LLMRouter result shape).
 *
 * Usage:
 *   npx tsx router-core/bin/route.ts --route-only [--model-dir router-core/models/default]
 *       (--query "text" | --input queries.{txt,json,jsonl}) [--out results.{jsonl,json}]
 *       [--user cli-user] [--store ./my-store.ts] [--candidates models.json] [--device auto|cpu|cuda]
 *       [--no-personalization] [--embedder-url http://host/v1 --embedder-model NAME --embedder-dim N
 *        [--embedder-id ID] [--embedder-key KEY]]
 *
 * Inputs: .txt one query per line; .json an array; .jsonl one item per line. An item is a string or
 * {query_text, user_id?, session_id?, turn?, conversation_history?}.
 * --store: a module whose default export (or `createStore` export) is a HistoryStore or a function
 * returning one; default an empty in-memory store (every user cold-start).
 * --candidates: JSON array of {id, description}; default the manifest's llm catalog.
 * Output: one JSON result per line (.jsonl, default stdout) or a JSON array (.json).
 * Only --route-only is implemented: this CLI does not call the LLMs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { Embedder } from "../embedder/embedder";
import { OpenAICompatibleEmbedder } from "../embedder/openai-compatible";
import { UseLiteOnnxEmbedder } from "../embedder/use-lite-onnx";
import { GmtRouterFacade, type GmtQuery } from "../gmt-facade";
import type { HistoryStore } from "../history-store";
import { InMemoryHistoryStore } from "../memory-history-store";
import { OnnxRouter } from "../onnx-router";
import type { DeviceOption } from "../session";

const itemSchema = z.union([
  z.string(),
  z.object({
    query_text: z.string(),
    user_id: z.string().min(1).optional(),
    session_id: z.string().optional(),
    turn: z.number().int().nonnegative().optional(),
    conversation_history: z.array(z.union([z.string(), z.object({ role: z.string(), content: z.string() })])).optional(),
  }),
]);
const candidatesSchema = z.array(z.object({ id: z.string().min(1), description: z.string() })).min(1);

function readQueries(path: string, defaultUser: string): GmtQuery[] {
  const text = readFileSync(path, "utf8");
  const ext = extname(path).toLowerCase();
  let items: unknown[];
  if (ext === ".txt") items = text.split("\n").filter((l) => l.trim() !== "");
  else if (ext === ".json") items = z.array(z.unknown()).parse(JSON.parse(text));
  else if (ext === ".jsonl") {
    items = text
      .split("\n")
      .map((line, i) => ({ line, n: i + 1 }))
      .filter(({ line }) => line.trim() !== "")
      .map(({ line, n }) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new Error(`${path}:${n}: not valid JSON`);
        }
      });
  } else throw new Error(`${path}: expected a .txt, .json or .jsonl file`);
  return items.map((raw, i) => {
    const parsed = itemSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${path}: item ${i + 1}: ${parsed.error.issues[0].message} at "${parsed.error.issues[0].path.join(".")}"`);
    const item = parsed.data;
    return typeof item === "string" ? { query_text: item, user_id: defaultUser } : { ...item, user_id: item.user_id ?? defaultUser };
  });
}

async function loadStore(path: string | undefined): Promise<HistoryStore> {
  if (!path) return new InMemoryHistoryStore();
  const mod = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  const exported = mod.createStore ?? mod.default;
  const store = typeof exported === "function" ? await (exported as () => unknown)() : exported;
  const s = store as Partial<HistoryStore> | undefined;
  if (!s || typeof s.getRatedHistory !== "function" || typeof s.saveQueryEmbeddings !== "function" || typeof s.recordRating !== "function") {
    throw new Error(`${path}: default export (or createStore) must be a HistoryStore or a function returning one`);
  }
  return s as HistoryStore;
}

async function main() {
  const { values } = parseArgs({
    options: {
      "route-only": { type: "boolean", default: false },
      "model-dir": { type: "string", default: "router-core/models/default" },
      query: { type: "string" },
      input: { type: "string" },
      out: { type: "string" },
      user: { type: "string", default: "cli-user" },
      store: { type: "string" },
      candidates: { type: "string" },
      device: { type: "string", default: "auto" },
      "no-personalization": { type: "boolean", default: false },
      "embedder-url": { type: "string" },
      "embedder-model": { type: "string" },
      "embedder-dim": { type: "string" },
      "embedder-id": { type: "string" },
      "embedder-key": { type: "string" },
    },
  });
  if (!values["route-only"]) throw new Error("only --route-only is implemented: this CLI routes but does not call the LLMs");
  if (!values.query === !values.input) throw new Error("pass exactly one of --query TEXT or --input FILE");
  const device = z.enum(["auto", "cuda", "cpu"]).parse(values.device) as DeviceOption;
  const queries = values.query ? [{ query_text: values.query, user_id: values.user! }] : readQueries(values.input!, values.user!);

  let embedder: Embedder;
  if (values["embedder-url"]) {
    if (!values["embedder-model"] || !values["embedder-dim"]) throw new Error("--embedder-url needs --embedder-model and --embedder-dim");
    embedder = new OpenAICompatibleEmbedder({
      baseURL: values["embedder-url"],
      model: values["embedder-model"],
      dim: Number(values["embedder-dim"]),
      id: values["embedder-id"],
      apiKey: values["embedder-key"],
    });
  } else embedder = await UseLiteOnnxEmbedder.create();

  const store = await loadStore(values.store);
  const logger = { info: (m: string, f?: Record<string, unknown>) => process.stderr.write(`${m} ${f ? JSON.stringify(f) : ""}\n`), warn: (m: string, f?: Record<string, unknown>) => process.stderr.write(`WARN ${m} ${f ? JSON.stringify(f) : ""}\n`) };
  const router = await OnnxRouter.create({ modelDir: values["model-dir"]!, embedder, historyStore: store, device, logger });
  try {
    const candidates = values.candidates ? candidatesSchema.parse(JSON.parse(readFileSync(values.candidates, "utf8"))) : router.catalog;
    const facade = new GmtRouterFacade({ router, store, candidates, personalization: !values["no-personalization"] });
    const results = [];
    for (const [i, q] of queries.entries()) results.push({ index: i, query_text: q.query_text, user_id: q.user_id, ...(await facade.routeSingle(q)) });
    const out = values.out;
    const body = out && extname(out).toLowerCase() === ".json" ? JSON.stringify(results, null, 1) + "\n" : results.map((r) => JSON.stringify(r)).join("\n") + "\n";
    if (out) {
      writeFileSync(out, body);
      process.stderr.write(`routed ${results.length} queries with ${router.version} (${router.executionProvider}) -> ${out}\n`);
    } else process.stdout.write(body);
  } finally {
    await router.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
