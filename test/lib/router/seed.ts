import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db/client";

/** Demo catalog with distinct descriptions (the LLM nodes are their embeddings). */
export const MODELS = [
  { id: "demo-concise", description: "Fast and brief: one or two short sentences, good for quick facts." },
  { id: "demo-detailed", description: "Slow and thorough: long structured answers for writing and analysis." },
  { id: "demo-coder", description: "Programming specialist: code blocks and short technical notes." },
] as const;

export async function seedModels(): Promise<void> {
  for (const m of MODELS) {
    await prisma.llmModel.upsert({
      where: { id: m.id },
      update: {},
      create: { id: m.id, displayName: m.id, baseUrl: "http://127.0.0.1:1/v1", providerModelId: m.id, description: m.description },
    });
  }
}

export async function createUser(label: string): Promise<string> {
  const user = await prisma.user.create({ data: { email: `${label}-${randomUUID().slice(0, 8)}@example.com` } });
  return user.id;
}

type Clock = { at: number };
const tick = (clock: Clock) => {
  clock.at += 60_000;
  return new Date(clock.at);
};

/** One chat with a user turn and one assistant answer per model; returns the ids. */
export async function createTurnWithAnswers({ userId, query, models, clock }: { userId: string; query: string; models: string[]; clock: Clock }) {
  const session = await prisma.chatSession.create({ data: { userId, title: query.slice(0, 30) } });
  const userTurn = await prisma.turn.create({ data: { chatSessionId: session.id, userId, position: 0, role: "user", content: query, createdAt: tick(clock) } });
  const answers: string[] = [];
  for (const [i, modelId] of models.entries()) {
    const a = await prisma.turn.create({
      data: {
        chatSessionId: session.id,
        userId,
        position: i + 1,
        role: "assistant",
        content: `${modelId} answers: ${query}`,
        parentId: userTurn.id,
        modelId,
        createdAt: tick(clock),
      },
    });
    answers.push(a.id);
  }
  return { sessionId: session.id, userTurnId: userTurn.id, answers };
}

export async function vote({
  userId,
  query,
  a,
  b,
  winner,
  clock,
}: {
  userId: string;
  query: string;
  a: string;
  b: string;
  winner: "a" | "b" | "tie";
  clock: Clock;
}) {
  const t = await createTurnWithAnswers({ userId, query, models: [a, b], clock });
  const votedAt = tick(clock);
  return prisma.comparison.create({
    data: { userId, userTurnId: t.userTurnId, turnAId: t.answers[0], turnBId: t.answers[1], winner, votedAt, createdAt: votedAt },
  });
}

export async function rate({ userId, turnId, stars, thumbsUp, clock }: { userId: string; turnId: string; stars?: number; thumbsUp?: boolean; clock: Clock }) {
  const value = stars !== undefined ? (stars - 1) / 4 : thumbsUp ? 1 : 0;
  const at = tick(clock);
  return prisma.rating.create({ data: { userId, turnId, stars: stars ?? null, thumbsUp: thumbsUp ?? null, value, createdAt: at, updatedAt: at } });
}

const CODE = [
  "Write a Python function that reverses a list",
  "Fix this SQL join query",
  "Explain a JavaScript closure with code",
  "Implement binary search in Go",
  "Write a regex for emails",
];
const PROSE = [
  "Write a short poem about autumn",
  "Summarize the causes of World War I",
  "Draft a polite complaint letter",
  "Describe the plot of Hamlet",
  "Give advice for a job interview",
];

/**
 * Users with consistent tastes: "coder" fans pick demo-coder on code questions,
 * "prose" fans pick demo-detailed. Each user first rates a single answer and
 * a regeneration, then votes, so the newest (held-out) data are votes. Returns the user ids.
 */
export async function seedPreferences({ users = 4, votesPerUser = 10 }: { users?: number; votesPerUser?: number } = {}): Promise<string[]> {
  await seedModels();
  const clock = { at: Date.UTC(2026, 9, 1) };
  const ids: string[] = [];
  for (let u = 0; u < users; u++) {
    const userId = await createUser(`seed${u}`);
    ids.push(userId);
    const likesCode = u % 2 === 0;
    const single = await createTurnWithAnswers({ userId, query: `${CODE[u % 5]} please (${u})`, models: ["demo-coder"], clock });
    await rate({ userId, turnId: single.answers[0], thumbsUp: likesCode, clock });
    const regen = await createTurnWithAnswers({ userId, query: `${PROSE[u % 5]} again (${u})`, models: ["demo-concise", "demo-detailed"], clock });
    await rate({ userId, turnId: regen.answers[0], stars: likesCode ? 4 : 2, clock });
    await rate({ userId, turnId: regen.answers[1], stars: likesCode ? 2 : 5, clock });
    for (let i = 0; i < votesPerUser; i++) {
      const code = i % 2 === 0;
      const query = `${(code ? CODE : PROSE)[i % 5]} (${u}.${i})`;
      const favourite = code === likesCode ? (code ? "demo-coder" : "demo-detailed") : "demo-concise";
      const other = favourite === "demo-concise" ? "demo-detailed" : "demo-concise";
      const favouriteIsA = i % 3 !== 0;
      await vote({ userId, query, a: favouriteIsA ? favourite : other, b: favouriteIsA ? other : favourite, winner: favouriteIsA ? "a" : "b", clock });
    }
  }
  return ids;
}
