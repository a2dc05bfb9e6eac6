import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/**
 * Refuses a turn that would take the session past MAX_SESSION_TURNS stored
 * turns (a submit adds two, a regeneration one). Concurrent sends to one
 * session may overshoot by the few in flight; the bound is on growth, not exact.
 */
export function assertSessionHasRoom({ stored, adding }: { stored: number; adding: number }): void {
  if (stored + adding > env.MAX_SESSION_TURNS) {
    throw new AppError("conflict:chat", `This chat has reached its limit of ${env.MAX_SESSION_TURNS} messages. Start a new chat to continue.`);
  }
}
