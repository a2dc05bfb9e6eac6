import { z } from "zod";
import { env } from "@/lib/env";
import { text } from "@/lib/validation/text";

export const postChatBody = z.discriminatedUnion("trigger", [
  z.object({
    trigger: z.literal("submit-message"),
    chatSessionId: z.uuid("chatSessionId must be a UUID"),
    text: text().trim().min(1, "Message must not be empty.").max(env.MAX_MESSAGE_CHARS, `Message must be at most ${env.MAX_MESSAGE_CHARS} characters.`),
    modelId: text().max(64).optional(),
    /** Edit and re-run: the id of the earlier message this one replaces. */
    editOf: z.uuid("editOf must be the UUID of a message in this chat").optional(),
  }),
  z.object({
    trigger: z.literal("regenerate-message"),
    chatSessionId: z.uuid("chatSessionId must be a UUID"),
    modelId: text().max(64).optional(),
  }),
]);

export type PostChatBody = z.infer<typeof postChatBody>;
