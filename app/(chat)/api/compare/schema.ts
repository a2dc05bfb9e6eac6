import { z } from "zod";
import { env } from "@/lib/env";
import { text } from "@/lib/validation/text";

export const startCompareBody = z.object({
  chatSessionId: z.uuid("chatSessionId must be a UUID"),
  text: text().trim().min(1, "Message must not be empty.").max(env.MAX_MESSAGE_CHARS, `Message must be at most ${env.MAX_MESSAGE_CHARS} characters.`),
});

export const voteBody = z.object({
  userTurnId: z.uuid("userTurnId must be a UUID"),
  turnAId: z.uuid("turnAId must be a UUID"),
  turnBId: z.uuid("turnBId must be a UUID"),
  winner: z.enum(["a", "b", "tie", "both_bad"], "winner must be a, b, tie or both_bad"),
});

/** One side of a comparison: the stored message answered by one of the two models the comparison named (and sealed). */
export const compareAnswerBody = z.object({
  chatSessionId: z.uuid("chatSessionId must be a UUID"),
  userTurnId: z.uuid("userTurnId must be a UUID"),
  modelId: z.string().min(1).max(64),
  modelIds: z.tuple([z.string().min(1).max(64), z.string().min(1).max(64)], "modelIds must be the comparison's two model ids"),
  seal: z.string().min(1).max(128),
});
