import "server-only";
import { randomUUID } from "node:crypto";
import { setImmediate } from "node:timers/promises";
import { finishAssistantTurn, startAssistantTurn, type TurnOutcome } from "@/lib/db/queries/turns";
import type { Reply } from "@/lib/llm/reply-stream";
import { getLogger } from "@/lib/log";

/** Waits between tries to store a turn: 7.5 s in all, longer than a Postgres restart takes. */
const STORE_RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000];

const logger = getLogger("chat");

/** The answer streamed but could not be stored, so the client must not take it as saved. */
export class OutcomeNotStoredError extends Error {
  constructor() {
    super("Your answer could not be saved because the database is unavailable. Please send the message again.");
  }
}

export type AssistantTurn = {
  readonly id: string;
  /** Stores how the reply ended; throws OutcomeNotStoredError when the database stays unreachable. */
  finish(): Promise<void>;
};

/**
 * An assistant turn's stored life. Its row and the router's decision are
 * written as the reply's first token goes out (the id is ours, so the stream
 * can name the turn before the write lands), and its outcome is stored before
 * the client sees the end of the stream. Both writes retry through a short outage.
 */
export function beginAssistantTurn({
  reply,
  decision,
  ...turn
}: Omit<Parameters<typeof startAssistantTurn>[0], "id" | "modelId"> & { reply: Reply }): AssistantTurn {
  const id = randomUUID();
  // The turn names the model that answered; the decision keeps the router's pick and, after a fallback, the failures.
  const recorded =
    reply.failed.length > 0 ? { ...decision, timings: { ...decision.timings, llmFallback: { failed: reply.failed, answeredBy: reply.model.id } } } : decision;
  const start = () => startAssistantTurn({ id, ...turn, modelId: reply.model.id, decision: recorded });
  // Sent once the first token is on its way: the statement's own work on the event loop (Prisma, the decision's
  // JSON) would otherwise run between the token's arrival and its delivery, ~0.3 ms (bench/chat-routing).
  let started = setImmediate().then(start);
  started.catch(() => {}); // retried, or reported, at finish

  const outcomeOf = (): TurnOutcome => {
    const timing = { latencyMs: Math.round(performance.now() - reply.startedAt), ttftMs: reply.ttftMs };
    const end = reply.end ?? { status: "stopped" as const };
    const status = end.status === "completed" ? { status: end.status, promptTokens: end.promptTokens, completionTokens: end.completionTokens } : end;
    return { content: reply.text, ...timing, ...status };
  };

  return {
    id,
    async finish() {
      const outcome = outcomeOf();
      for (let i = 0; ; i++) {
        try {
          await started;
          return await finishAssistantTurn({ id, outcome });
        } catch (err) {
          if (i >= STORE_RETRY_DELAYS_MS.length) {
            logger.error({ err, turnId: id }, "could not store an assistant turn");
            throw new OutcomeNotStoredError();
          }
          await new Promise((r) => setTimeout(r, STORE_RETRY_DELAYS_MS[i]));
          // Idempotent by id: harmless when the first write did land.
          started = start();
        }
      }
    },
  };
}
