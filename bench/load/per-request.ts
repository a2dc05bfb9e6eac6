/**
 * What one request of each kind costs in the app process: CPU milliseconds per routed chat turn, per
 * rating, per signed-in read (GET /api/sessions) and per unauthenticated health check, each kind run
 * alone at a fixed concurrency against the production build and the demo LLM, twice (the first round
 * includes the JIT's warm-up). The health check is Next.js's own floor per request; a signed-in read adds
 * the session check and one query; the turn and the rating are the product's hot paths. "Ratings in a
 * row": each client re-rates all its answers one after the other, as a user who goes down a conversation
 * clicking stars (each rating re-encodes the user in the background). Every figure includes the background
 * work its requests started: the CPU is read a second after the last response.
 *
 *   npx next build && npx tsx bench/load/per-request.ts [--clients 20] [--rounds 10]
 *   (--profile <dir> writes a CPU profile of the app there, as bench/load/run.ts does)
 */
import { LoadClient } from "../../test/support/load-client";
import { PASSWORD, startStack } from "../../test/support/stack";
import { cpuBetween, cpuSnapshot } from "./cpu";
import { LOAD_APP_ENV, numberArg, PROFILE_DIR } from "./options";

const CLIENTS = numberArg("clients", 20, 200, { integer: true });
const ROUNDS = numberArg("rounds", 10, 100, { integer: true });

async function main() {
  const stack = await startStack({
    env: LOAD_APP_ENV,
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

    type Request = (c: LoadClient, i: number, round: number) => Promise<unknown>;
    /** The CPU each process spent on `ROUNDS` requests of every client, per request, background work included. */
    const cpuPerRequest = async (run: () => Promise<unknown>) => {
      const before = cpuSnapshot();
      await run();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { seconds } = cpuBetween(before, cpuSnapshot(), { groups, commands: { postgres: "postgres" } });
      return Object.fromEntries(Object.entries(seconds).map(([name, s]) => [name, Number(((1000 * s) / (ROUNDS * CLIENTS)).toFixed(2))]));
    };
    /** Every client's request of round r, all clients at once, round after round. */
    const measure = (fn: Request) =>
      cpuPerRequest(async () => {
        for (let round = 0; round < ROUNDS; round++) await Promise.all(clients.map((c, i) => fn(c, i, round)));
      });
    /** Every client's `ROUNDS` requests one after the other, all clients at once. */
    const measureInARow = (fn: Request) =>
      cpuPerRequest(() =>
        Promise.all(
          clients.map(async (c, i) => {
            for (let round = 0; round < ROUNDS; round++) await fn(c, i, round);
          }),
        ),
      );

    const table: string[] = ["| request | app CPU ms (round 1 / 2) | PostgreSQL | demo LLM |", "|---|---|---|---|"];
    const rows: Record<string, Record<string, number>[]> = { "chat turn": [], rating: [], "ratings in a row": [], "signed-in read": [], health: [] };
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
      rows["ratings in a row"].push(
        await measureInARow(async (c, i, round) => {
          const rated = await c.rate(answers[i][round], 1 + ((round + i + 2) % 5));
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
