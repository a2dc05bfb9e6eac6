/**
 * contract.json, parsed and typed. contract.json is owned by training/; this module only reads it.
 * Manifests and ONNX graphs are validated against the values here, never against literals.
 */
import { z } from "zod";
import contractJson from "./contract.json";

const dimSchema = z.union([z.string().min(1), z.number().int().nonnegative()]);

const tensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(["float32", "int64"]),
  shape: z.array(dimSchema),
  optional: z.boolean().optional(),
  /** For an optional input: the manifest feature (manifest.features) that makes the model read it. */
  feature: z.string().optional(),
  description: z.string().optional(),
});
export type TensorSpec = z.infer<typeof tensorSpecSchema>;

const graphFileSchema = z.object({
  file: z.string().min(1),
  inputs: z.array(tensorSpecSchema).min(1),
  outputs: z.array(tensorSpecSchema).min(1),
});
export type GraphFileSpec = z.infer<typeof graphFileSchema>;

export const QUERY_MODES = ["current_only", "full_context", "retrieval"] as const;
export type QueryMode = (typeof QUERY_MODES)[number];

const contractSchema = z.object({
  contractVersion: z.number().int().positive(),
  embedder: z.object({ id: z.string().min(1), dim: z.number().int().positive() }),
  rating: z.object({
    range: z.tuple([z.number(), z.number()]),
    thumbs: z.object({ up: z.number(), down: z.number() }),
    pairwise: z.object({ winner: z.number(), loser: z.number(), tie: z.number() }),
  }),
  answerLength: z.object({ mean: z.number(), std: z.number().positive() }),
  queryText: z.object({
    modes: z.array(z.enum(QUERY_MODES)).min(1),
    separator: z.string(),
    maxChars: z.number().int().positive(),
  }),
  graph: z.object({
    nodeTypes: z.array(z.string()),
    edgeTypes: z.array(z.tuple([z.string(), z.string(), z.string()])),
  }),
  userEncoder: graphFileSchema,
  scorer: graphFileSchema,
  manifest: z.object({ file: z.string().min(1), required: z.array(z.string()).min(1) }),
  parity: z.object({ file: z.string().min(1), tolerance: z.number().positive() }),
});
export type Contract = z.infer<typeof contractSchema>;

/** The contract this build of router-core serves. Parsed once at import; a malformed file fails loudly. */
export const CONTRACT: Contract = contractSchema.parse(contractJson);
