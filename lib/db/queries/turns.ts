import "server-only";
import { prisma } from "@/lib/db/client";
import type { TurnStatus } from "@/lib/db/generated/enums";
import { Prisma } from "@/lib/db/generated/client";
import type { CandidateScore } from "@/lib/chat/ui-message";

const TITLE_CHARS = 60;

const turnFields = {
  id: true,
  position: true,
  role: true,
  content: true,
  parentId: true,
  modelId: true,
  status: true,
  error: true,
  createdAt: true,
  decision: { select: { chosenModelId: true, routerVersion: true, executionProvider: true, candidates: true, confidence: true, ratingsUsed: true, coldStart: true, override: true, fallback: true, totalMs: true } },
} as const;

export type StoredTurn = Prisma.TurnGetPayload<{ select: typeof turnFields }>;

/**
 * The visible thread: every user turn followed by its newest answer. Older
 * answers to the same user turn (regenerations) stay stored as siblings.
 */
export async function getThread({ chatSessionId }: { chatSessionId: string }): Promise<StoredTurn[]> {
  const turns = await prisma.turn.findMany({ where: { chatSessionId }, orderBy: { position: "asc" }, select: turnFields });
  const newestAnswer = new Map<string, StoredTurn>();
  for (const t of turns) if (t.role === "assistant" && t.parentId) newestAnswer.set(t.parentId, t);
  return turns.flatMap((t) => (t.role === "user" ? [t, ...(newestAnswer.has(t.id) ? [newestAnswer.get(t.id)!] : [])] : []));
}

/** Appends a turn at the session's next position; the session row lock serialises concurrent writers. */
async function appendTurn(data: Omit<Prisma.TurnUncheckedCreateInput, "position">, newTitle?: string) {
  return prisma.$transaction(async (tx) => {
    const [session] = await tx.$queryRaw<{ title: string }[]>`SELECT title FROM chat_sessions WHERE id = ${data.chatSessionId}::uuid FOR UPDATE`;
    const last = await tx.turn.aggregate({ where: { chatSessionId: data.chatSessionId }, _max: { position: true } });
    const turn = await tx.turn.create({ data: { ...data, position: (last._max.position ?? -1) + 1 }, select: { id: true, position: true, content: true } });
    const title = newTitle && session?.title === "New chat" ? newTitle : undefined;
    await tx.chatSession.update({ where: { id: data.chatSessionId }, data: { updatedAt: new Date(), ...(title ? { title } : {}) } });
    return turn;
  });
}

export function appendUserTurn({ chatSessionId, userId, content }: { chatSessionId: string; userId: string; content: string }) {
  const title = content.replace(/\s+/g, " ").trim().slice(0, TITLE_CHARS);
  return appendTurn({ chatSessionId, userId, role: "user", content, status: "completed" }, title);
}

export function startAssistantTurn({ chatSessionId, userId, parentId, modelId }: { chatSessionId: string; userId: string; parentId: string; modelId: string }) {
  return appendTurn({ chatSessionId, userId, role: "assistant", content: "", parentId, modelId, status: "streaming" });
}

/** The session's user messages, oldest first (the router's conversation context). */
export async function listUserMessages({ chatSessionId, limit = 50 }: { chatSessionId: string; limit?: number }): Promise<string[]> {
  const turns = await prisma.turn.findMany({ where: { chatSessionId, role: "user" }, orderBy: { position: "desc" }, take: limit, select: { content: true } });
  return turns.map((t) => t.content).reverse();
}

export function getLastUserTurn({ chatSessionId }: { chatSessionId: string }) {
  return prisma.turn.findFirst({ where: { chatSessionId, role: "user" }, orderBy: { position: "desc" }, select: { id: true, content: true } });
}

export type TurnOutcome = {
  content: string;
  status: Exclude<TurnStatus, "streaming">;
  error?: string | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  latencyMs?: number | null;
  ttftMs?: number | null;
};

/** Records how an assistant turn ended; only a turn still streaming can be finished, so late callbacks cannot overwrite an outcome. */
export async function finishAssistantTurn({ id, outcome }: { id: string; outcome: TurnOutcome }) {
  await prisma.turn.updateMany({
    where: { id, status: "streaming" },
    data: { ...outcome, error: outcome.error ?? null, completedAt: new Date() },
  });
}

export type DecisionRecord = {
  chosenModelId: string;
  routerVersion: string;
  executionProvider: string;
  candidates: CandidateScore[];
  confidence: number;
  ratingsUsed: number;
  coldStart: boolean;
  override: boolean;
  fallback: boolean;
  timings: Prisma.InputJsonValue;
  totalMs: number;
};

/** The query node as the router built it, stored on the user turn so later encodes need not re-embed it; embeddingKey names embedder and query mode. */
export type RoutedQuery = { text: string; embedding: Uint8Array<ArrayBuffer> | null; embeddingKey: string | null };

export async function recordDecision({ turnId, userId, decision, query }: { turnId: string; userId: string; decision: DecisionRecord; query?: RoutedQuery }) {
  return prisma.$transaction(async (tx) => {
    const created = await tx.routingDecision.create({ data: { turnId, userId, ...decision }, select: { id: true, turn: { select: { parentId: true } } } });
    if (query && created.turn.parentId) {
      await tx.turn.update({
        where: { id: created.turn.parentId },
        data: { queryText: query.text, ...(query.embedding && query.embeddingKey ? { queryEmbedding: query.embedding, embedderId: query.embeddingKey } : {}) },
      });
    }
    return { id: created.id };
  });
}
