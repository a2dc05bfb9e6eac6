import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import { type Command, Option } from "commander";
import type { LlmModelRow } from "@/lib/db/queries/models";
import type { PromptMessage, Reply } from "@/lib/llm/reply-stream";
import type { GmtRouteResult } from "@/router-core";
import { userFrom } from "../lookup";
import { CliError, note, pathArgument } from "../options";
import { type QueryItem, readQueries } from "../queries-file";

type RouteOptions = { user: string; query?: string; input?: string; out?: string; routeOnly?: boolean; personalization: boolean };

/** The routed model first, then the others by the router's score: the order the reply falls back in before its first token. */
function fallbackModels(result: GmtRouteResult, models: readonly LlmModelRow[]): [LlmModelRow, ...LlmModelRow[]] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const chosen = byId.get(result.model_name) ?? models[0];
  const rest = Object.entries(result.scores)
    .sort((a, b) => b[1] - a[1])
    .flatMap(([id]) => (id !== chosen.id && byId.has(id) ? [byId.get(id) as LlmModelRow] : []));
  return [chosen, ...rest];
}

function messagesOf(item: QueryItem): PromptMessage[] {
  const earlier = (item.conversation_history ?? []).map((m): PromptMessage => (typeof m === "string" ? { role: "user", content: m } : m));
  return [...earlier, { role: "user", content: item.query_text }];
}

/** What the answer adds to the GMTRouter result: the text, the model that gave it and the models that failed first. */
function answerFields(reply: Reply) {
  const end = reply.end;
  return {
    response: reply.text,
    answered_by: reply.model.id,
    status: end?.status ?? "failed",
    ...(end?.status === "failed" ? { error: end.error } : {}),
    failed_attempts: reply.failed.map((f) => ({ model: f.modelId, error: f.error })),
  };
}

function writeResults(out: string, results: readonly object[]): void {
  const body = extname(out).toLowerCase() === ".json" ? `${JSON.stringify(results, null, 1)}\n` : results.map((r) => `${JSON.stringify(r)}\n`).join("");
  writeFileSync(out, body);
}

export function registerRoute(program: Command): void {
  program
    .command("route")
    .summary("route queries for a user (GMTRouter result shape) and answer them")
    .description(
      "route queries for a user with the app's router, database and models (GMTRouter/LLMRouter result shape) and, " +
        "unless --route-only, answer them through the routed model, falling back to the next-ranked one before its first token",
    )
    .requiredOption("--user <email>", "the user to route for (their ratings personalize the choice)")
    .addOption(new Option("--query <text>", "one query").conflicts("input"))
    .addOption(
      new Option(
        "--input <file>",
        'queries: .txt one per line, .json an array, .jsonl one per line; an item is a string or {"query_text", "conversation_history"?}',
      ).argParser(pathArgument),
    )
    .option("--out <file>", "write the results here (.json: one array, else JSON lines) instead of stdout", pathArgument)
    .option("--route-only", "only choose the model; do not call it")
    .option("--no-personalization", "use the population preference instead of the user's ratings")
    .addHelpText(
      "after",
      `
Results are JSON, one per query, on stdout (or --out): model_name, confidence, user_preference, reasoning,
scores, router_version, fallback; with an answer also response, answered_by, status, failed_attempts.
A single query's answer streams to stderr as it arrives; a batch prints its progress there.
Exit code 1 when a model could not answer.

Examples:
  npx switchboard route --user alice@example.com --query "Sort a list in Go"
  npx switchboard route --user alice@example.com --input queries.jsonl --out results.jsonl --route-only`,
    )
    .action(async (opts: RouteOptions) => {
      if (!opts.query && !opts.input) throw new CliError("--query <text> or --input <file> is required");
      if (opts.query !== undefined && opts.query.trim() === "") throw new CliError("--query: must not be empty");
      const items: QueryItem[] = opts.input ? readQueries(opts.input) : [{ query_text: opts.query as string }];
      const user = await userFrom("--user", opts.user);
      const { createAppGmtFacade } = await import("@/lib/router/gmt-facade");
      const { listEnabledModels } = await import("@/lib/db/queries/models");
      const { openReply } = await import("@/lib/llm/reply-stream");
      const models = await listEnabledModels();
      if (models.length === 0) throw new Error("no model is enabled: enable one on the admin page or run `switchboard models sync`");
      const facade = await createAppGmtFacade({ personalization: opts.personalization });
      const single = items.length === 1;
      const results: object[] = [];
      let unanswered = 0;
      for (const [i, item] of items.entries()) {
        const routed = await facade.routeSingle({ ...item, user_id: user.id });
        let result: object = { query_text: item.query_text, ...routed };
        if (!opts.routeOnly) {
          const reply = await openReply({ models: fallbackModels(routed, models), messages: messagesOf(item), signal: new AbortController().signal });
          for (const failed of reply.failed) note(`${failed.modelId} failed (${failed.error}); trying the next model`);
          for await (const delta of reply.deltas()) if (single) process.stderr.write(delta);
          if (single) note("");
          if (reply.end?.status !== "completed") unanswered += 1;
          result = { ...result, ...answerFields(reply) };
        }
        if (!single) note(`[${i + 1}/${items.length}] ${routed.model_name}`);
        results.push(result);
        if (!opts.out) console.log(JSON.stringify(result));
      }
      if (opts.out) {
        writeResults(opts.out, results);
        note(`wrote ${results.length} results to ${opts.out}`);
      }
      if (unanswered > 0) {
        note(`${unanswered} of ${items.length} queries got no complete answer`);
        process.exitCode = 1;
      }
    });
}
