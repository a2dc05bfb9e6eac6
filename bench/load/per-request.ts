/**
 * What one request of each kind costs in the app process: CPU milliseconds per routed chat turn, per
 * rating, per signed-in read (GET /api/sessions) and per unauthenticated health check, each kind run
 * alone at a fixed concurrency against the production build and the demo LLM, twice (the first round
 * includes the JIT's warm-up). The health check is Next.js's own floor per request; a signed-in read adds
 * the session check and one query; the turn and the rating are the product's hot paths.
 *
 *   npx next build && npx tsx bench/load/per-request.ts [--clients 20] [--rounds 10]
 *   (--profile <dir> writes a CPU profile of the app there, as bench/load/run.ts does)
 */
import { existsSync } from "node:fs";
import { LoadClient } from "../../test/support/load-client";
import { PASSWORD, startStack } from "../../test/support/stack";
import { cpuBetween, cpuSnapshot } from "./cpu";

function arg(name: string, fallback: number, max: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0 || value > max) throw new Error(`--${name} must be a whole number in [1, ${max}], got ${process.argv[i + 1]}`);
  return value;
}

const CLIENTS = arg("clients", 20, 200);
const ROUNDS = arg("rounds", 10, 100);
const PROFILE_DIR = process.argv.includes("--profile") ? process.argv[process.argv.indexOf("--profile") + 1] : null;

async function main() {
  const stack = await startStack({
    env: {
      ROUTER_MODEL_DIR: existsSync("router-core/models/default/manifest.json") ? "router-core/models/default" : "test/fixtures/tiny-model",
      RATE_LIMIT_CHAT_PER_USER: "1000000",
      RATE_LIMIT_CHAT_PER_IP: "1000000",
      RATE_LIMIT_REGISTER_PER_IP: "1000000",
    },
    tag: "perreq",
    nodeArgs: PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [],
  });
  try {
    const clients = Array.from(
      { length: CLIENTS },
      (_, i) => new LoadClient(stack.baseUrl, `perreq-${i}-${Date.now().toString(36)}@example.test`, `10.2.${i}.1`),
    );
    for (const c of clients) await c.register(PASSWORD);
    const sessions = await Promise.all(clients.map((c) => c.createSession()));
    const groups = stack.processGroups();

    /** Runs `fn` for every client, `ROUNDS` times; the CPU each process spent, per request. */
    const measure = async (fn: (c: LoadClient, i: number, round: number) => Promise<unknown>) => {
      const before = cpuSnapshot();
      for (let round = 0; round < ROUNDS; round++) await Promise.all(clients.map((c, i) => fn(c, i, round)));
      const { seconds } = cpuBetween(before, cpuSnapshot(), { groups, commands: { postgres: "postgres" } });
      return Object.fromEntries(Object.entries(seconds).map(([name, s]) => [name, Number(((1000 * s) / (ROUNDS * CLIENTS)).toFixed(2))]));
    };

    const table: string[] = ["| request | app CPU ms (round 1 / 2) | PostgreSQL | demo LLM |", "|---|---|---|---|"];
    const rows: Record<string, Record<string, number>[]> = { "chat turn": [], rating: [], "signed-in read": [], health: [] };
    for (let repeat = 0; repeat < 2; repeat++) {
      const answers: string[][] = clients.map(() => []);
      rows["chat turn"].push(
        await measure(async (c, i, round) => {
          const chat = await c.chat(sessions[i], `per-request turn ${repeat}.${round}: what is ${round} + ${i}?`);
          if (!chat.completed || !chat.turnId) throw new Error(`turn failed: ${chat.status} ${chat.error}`);
          answers[i][round] = chat.turnId;
        }),
      );
      rows.rating.push(
        await measure(async (c, i, round) => {
          const rated = await c.rate(answers[i][round], 1 + ((round + i) % 5));
          if (rated.status !== 200) throw new Error(`rating failed: ${rated.status} ${rated.error}`);
        }),
      );
      rows["signed-in read"].push(await measure(async (c) => (await c.request("/api/sessions")).text()));
      rows.health.push(await measure(async (c) => (await c.request("/api/health")).text()));
    }
    for (const [kind, [a, b]] of Object.entries(rows)) table.push(`| ${kind} | ${a.apps} / ${b.apps} | ${a.postgres} / ${b.postgres} | ${a.llm} / ${b.llm} |`);
    console.log(`${CLIENTS} clients, ${CLIENTS * ROUNDS} requests of each kind per round, CPU per request:\n${table.join("\n")}`);
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
