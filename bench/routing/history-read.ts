/**
 * What re-encoding a user costs the app process when their rated answers are long: every rating re-encodes
 * the user (lib/router/runtime.ts invalidateUserVector), and the encode reads their last 200 rated turns.
 * The shipped model reads only each answer's length (manifest features.answerLength), so the history read
 * asks PostgreSQL for char_length(content) instead of the text, and the store keeps the question embeddings
 * it read, so the next read of the user asks only for new ones. Baselines, in the same run: the same router
 * reading every question embedding each time, and reading the texts too, as encodes did before each change.
 * CPU of this process (all threads) and wall time per encode, the variants alternated round by round, on a
 * fresh database.
 *
 *   npx tsx --conditions=react-server bench/routing/history-read.ts [--answers 200] [--answer-chars 4000] [--rounds 6] [--encodes 20]
 */
import type { GetRatedHistoryArgs } from "../../router-core";
import { createTestDatabase } from "../../test/support/database";
import { numberArg } from "../load/options";

const ANSWERS = numberArg("answers", 200, 1000, { integer: true });
const ANSWER_CHARS = numberArg("answer-chars", 4000, 100_000, { integer: true });
const ROUNDS = numberArg("rounds", 6, 100, { integer: true });
const ENCODES = numberArg("encodes", 20, 1000, { integer: true });
const MODELS = ["gpt-4", "claude-v1", "gpt-3.5-turbo", "vicuna-13b-v1.2", "alpaca-13b", "llama-13b"];

async function main() {
  const db = await createTestDatabase("sb_bench_history");
  process.env.DATABASE_URL = db.url;
  const [{ prisma }, { PrismaHistoryStore }, { OnnxRouter, UseLiteOnnxEmbedder }, { seedModels }] = await Promise.all([
    import("@/lib/db/client"),
    import("@/lib/router/prisma-history-store"),
    import("@/router-core"),
    import("../../test/support/seed"),
  ]);
  try {
    await seedModels(MODELS.map((id) => ({ id, description: `the ${id} model` })));
    const user = await prisma.user.create({ data: { email: "history-read@bench.test" } });
    const session = await prisma.chatSession.create({ data: { userId: user.id, title: "bench" } });
    // Markdown-like answers of the given length, a different one per turn.
    const paragraph = "A careful answer: it names the steps, gives an example and checks the result against the question. ";
    for (let i = 0; i < ANSWERS; i++) {
      const question = await prisma.turn.create({
        data: { chatSessionId: session.id, userId: user.id, position: 2 * i, role: "user", content: `Question ${i}: how would you approach problem ${i}?` },
      });
      const answer = await prisma.turn.create({
        data: {
          chatSessionId: session.id,
          userId: user.id,
          position: 2 * i + 1,
          role: "assistant",
          content: `Answer ${i}. ${paragraph.repeat(Math.ceil(ANSWER_CHARS / paragraph.length))}`.slice(0, ANSWER_CHARS),
          parentId: question.id,
          modelId: MODELS[i % MODELS.length],
          status: "completed",
        },
      });
      await prisma.rating.create({ data: { turnId: answer.id, userId: user.id, stars: 1 + (i % 5), value: (i % 5) / 4 } });
    }

    /** A baseline: a store that keeps no question embeddings between reads, as every store did before 2026-12-05. */
    class ForgetfulStore extends PrismaHistoryStore {
      constructor(private readonly width: number) {
        super(width);
      }
      override getRatedHistory(args: GetRatedHistoryArgs) {
        return new PrismaHistoryStore(this.width).getRatedHistory(args);
      }
    }
    /** The earlier baseline: besides, reading every answer's text, as encodes did before the lengths. */
    class TextReadingStore extends ForgetfulStore {
      override getRatedHistory(args: GetRatedHistoryArgs) {
        return super.getRatedHistory({ ...args, withResponseText: true });
      }
    }
    const embedder = await UseLiteOnnxEmbedder.create();
    const routerOver = (historyStore: InstanceType<typeof PrismaHistoryStore>) =>
      OnnxRouter.create({ modelDir: "router-core/models/default", embedder, historyStore, device: "cpu" });
    const routers = {
      "lengths, question embeddings kept": await routerOver(new PrismaHistoryStore(embedder.dim)),
      "lengths, every question embedding read": await routerOver(new ForgetfulStore(embedder.dim)),
      "texts and every question embedding": await routerOver(new TextReadingStore(embedder.dim)),
    };
    // The first encode embeds the questions and stores their embeddings; every later one reads them.
    for (const router of Object.values(routers)) await router.warmUser(user.id);

    const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(routers).map((k) => [k, []]));
    const wall: Record<string, number[]> = Object.fromEntries(Object.keys(routers).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? Object.entries(routers) : Object.entries(routers).reverse();
      for (const [name, router] of order) {
        for (let i = 0; i < ENCODES; i++) {
          router.invalidateUser(user.id);
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await router.warmUser(user.id);
          wall[name].push(performance.now() - t0);
          const c = process.cpuUsage(c0);
          cpu[name].push((c.user + c.system) / 1000);
        }
      }
    }
    // Round 0 warms the JIT and PostgreSQL's caches: reported from round 1 on.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const steady = (xs: number[]) => xs.slice(ENCODES);
    console.log(`re-encoding a user with ${ANSWERS} rated answers of ${ANSWER_CHARS} characters, ${ROUNDS - 1} rounds × ${ENCODES} encodes, p50:`);
    console.log("| history read | CPU ms per encode | wall ms per encode |\n|---|---|---|");
    for (const name of Object.keys(routers)) console.log(`| ${name} | ${median(steady(cpu[name])).toFixed(2)} | ${median(steady(wall[name])).toFixed(2)} |`);
    const [kept, lengths, texts] = Object.keys(routers).map((k) => median(steady(cpu[k])));
    console.log(`CPU ratio, embeddings kept / every embedding read: ${(kept / lengths).toFixed(2)}; lengths / texts: ${(lengths / texts).toFixed(2)}`);
  } finally {
    await prisma.$disconnect();
    await db.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
