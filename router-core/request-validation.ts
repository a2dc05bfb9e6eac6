/** Checks at the router's boundary: a caller's route request, and the stored interactions a history store returns. */
import { InvalidInputError, NoEligibleModelError } from "./errors";
import type { RatedInteraction } from "./history-store";
import type { RouteRequest } from "./router";

/** A stored interaction the encoder can take: rating a finite number in [0,1], turn a non-negative integer. */
export function isUsableInteraction(it: RatedInteraction): boolean {
  return Number.isFinite(it.rating) && it.rating >= 0 && it.rating <= 1 && Number.isInteger(it.turnIndex) && it.turnIndex >= 0 && it.createdAt instanceof Date;
}

export function validateRequest(request: RouteRequest): void {
  if (typeof request.userId !== "string" || request.userId === "") throw new InvalidInputError({ field: "userId", message: "must be a non-empty string" });
  if (typeof request.message !== "string") throw new InvalidInputError({ field: "message", message: "must be a string" });
  if (
    request.earlierUserMessages !== undefined &&
    (!Array.isArray(request.earlierUserMessages) || !request.earlierUserMessages.every((m) => typeof m === "string"))
  ) {
    throw new InvalidInputError({ field: "earlierUserMessages", message: "must be an array of strings" });
  }
  if (!Array.isArray(request.candidates) || request.candidates.length === 0) throw new NoEligibleModelError({ candidateIds: [] });
  const ids = new Set<string>();
  for (const c of request.candidates) {
    if (typeof c.id !== "string" || c.id === "") throw new InvalidInputError({ field: "candidates", message: "every candidate needs a non-empty id" });
    if (ids.has(c.id)) throw new InvalidInputError({ field: "candidates", message: `duplicate candidate id "${c.id}"` });
    if (typeof c.description !== "string") throw new InvalidInputError({ field: "candidates", message: `candidate "${c.id}" needs a description` });
    ids.add(c.id);
  }
}
