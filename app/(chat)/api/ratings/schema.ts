import { z } from "zod";
import { RATING_REASONS } from "@/lib/feedback/reasons";
import { text } from "@/lib/validation/text";

export const putRatingBody = z
  .object({
    turnId: z.uuid("turnId must be a UUID"),
    thumbsUp: z.boolean().nullable().default(null),
    stars: z
      .number()
      .int("stars must be a whole number")
      .min(1, "stars must be between 1 and 5")
      .max(5, "stars must be between 1 and 5")
      .nullable()
      .default(null),
    comment: text().trim().max(500, "comment must be at most 500 characters").nullable().default(null),
    reasons: z
      .array(z.enum(RATING_REASONS, `reasons must be among: ${RATING_REASONS.join(", ")}`))
      .max(RATING_REASONS.length)
      .transform((r) => [...new Set(r)])
      .default([]),
  })
  .refine((b) => b.thumbsUp !== null || b.stars !== null, { message: "Give a thumb or 1 to 5 stars.", path: ["stars"] });

export const deleteRatingBody = z.object({ turnId: z.uuid("turnId must be a UUID") });
