import { z } from "zod";
import { DEFAULT_RETRAIN_OPTIONS } from "@/lib/router/retrain";

export const retrainBody = z
  .object({
    preset: z.enum(["default", "tiny"]).default(DEFAULT_RETRAIN_OPTIONS.preset),
    epochs: z.number().int().min(1).max(5_000).optional(),
    includeMtBench: z.boolean().default(DEFAULT_RETRAIN_OPTIONS.includeMtBench),
    holdoutFraction: z.number().min(0).max(0.5).default(DEFAULT_RETRAIN_OPTIONS.holdoutFraction),
  })
  .strict();

export const runIdParam = z.string().uuid();

/** A registered version id (app-<stamp>-<run>) or "default" for the shipped model. */
export const versionIdParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);

export type RetrainBody = z.infer<typeof retrainBody>;
