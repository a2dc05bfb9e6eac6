/**
 * Routes queries with the app's own router, database and models (GMTRouter/LLMRouter result shape).
 *
 *   npx tsx --conditions=react-server scripts/route.ts --user alice@example.com --query "Sort a list in Go"
 *       [--route-only] [--no-personalization]
 *   npx tsx --conditions=react-server scripts/route.ts --user alice@example.com --input queries.{txt,json,jsonl}
 *       --out results.jsonl --route-only
 *   npx tsx --conditions=react-server scripts/route.ts --user alice@example.com --feedback
 *       --query "Sort a list in Go" --model demo-coder --rating 5
 *
 * Without --route-only the routed model is called and its answer printed. --feedback records a
 * 0..5 rating exactly like an in-app rating (a new response node in that user's graph).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import { streamText } from "ai";
import { z } from "zod";
import { createAppGmtFacade } from "@/lib/ai/gmt";
import { prisma } from "@/lib/db/client";
import { getEnabledModel } from "@/lib/db/queries/models";
import { getUserByEmail } from "@/lib/db/queries/users";
import { languageModelFor } from "@/lib/llm/providers";

const querySchema = z.union([z.string().min(1), z.object({ query_text: z.string().min(1) })]);

function readQueries(path: string): string[] {
  const text = readFileSync(path, "utf8");
  const ext = extname(path).toLowerCase();
  const items: unknown[] =
    ext === ".txt"
      ? text.split("\n").filter((l) => l.trim())
      : ext === ".json"
        ? z.array(z.unknown()).parse(JSON.parse(text))
        : text
            .split("\n")
            .filter((l) => l.trim())
            .map((l, i) => {
              try {
                return JSON.parse(l) as unknown;
              } catch {
                throw new Error(`${path}:${i + 1}: not valid JSON`);
              }
            });
  return items.map((item, i) => {
    const parsed = querySchema.safeParse(item);
    if (!parsed.success) throw new Error(`${path}: item ${i + 1}: field "query_text": expected a non-empty string`);
    return typeof parsed.data === "string" ? parsed.data : parsed.data.query_text;
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      user: { type: "string" },
      query: { type: "string" },
      input: { type: "string" },
      out: { type: "string" },
      "route-only": { type: "boolean", default: false },
      "no-personalization": { type: "boolean", default: false },
      feedback: { type: "boolean", default: false },
      model: { type: "string" },
      rating: { type: "string" },
    },
  });
  if (!values.user) throw new Error("--user: the email of the user to route for is required");
  const user = await getUserByEmail({ email: values.user.toLowerCase() });
  if (!user) throw new Error(`--user: no user with email ${values.user}`);
  const facade = await createAppGmtFacade({ personalization: !values["no-personalization"] });

  if (values.feedback) {
    const rating = Number(values.rating);
    if (!values.query || !values.model || !Number.isFinite(rating) || rating < 0 || rating > 5) throw new Error("--feedback needs --query, --model and --rating between 0 and 5");
    await facade.updateUserFeedback({ user_id: user.id, query: values.query, model: values.model, rating });
    console.log(`recorded rating ${rating}/5 for ${values.model}`);
    return;
  }

  const queries = values.input ? readQueries(values.input) : values.query ? [values.query] : [];
  if (queries.length === 0) throw new Error("--query or --input is required");
  const results = await facade.routeBatch(queries.map((q) => ({ query_text: q, user_id: user.id })));
  const lines = results.map((r, i) => JSON.stringify({ query_text: queries[i], ...r }));
  if (values.out) writeFileSync(values.out, lines.join("\n") + "\n");
  else console.log(lines.join("\n"));

  if (!values["route-only"]) {
    for (const [i, result] of results.entries()) {
      const model = await getEnabledModel({ id: result.model_name });
      if (!model) throw new Error(`routed model ${result.model_name} is not enabled`);
      process.stdout.write(`\n--- ${model.displayName} ---\n`);
      for await (const delta of streamText({ model: languageModelFor(model), prompt: queries[i] }).textStream) process.stdout.write(delta);
      process.stdout.write("\n");
    }
  }
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => prisma.$disconnect());
