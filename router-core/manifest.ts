/**
 * Reads and validates a model directory's manifest.json against contract.json.
 * Every failure becomes a ModelLoadError with a reason the app can branch on.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { CONTRACT, type Contract, QUERY_MODES } from "./contract";
import { ModelLoadError } from "./errors";

const llmEntrySchema = z.object({
  id: z.string().min(1),
  description: z.string(),
  embedding: z.array(z.number()),
});

/** Which optional user-encoder inputs the model reads (contract: each optional input names its feature). */
const featuresSchema = z
  .object({
    responseText: z.boolean(),
    /** Models exported before the answer length existed do not say; they do not read it. */
    answerLength: z.boolean().default(false),
  })
  .loose();
export type ModelFeatures = z.infer<typeof featuresSchema>;

/** The manifest fields router-core relies on; unknown extra fields are kept as-is. */
export const manifestSchema = z
  .object({
    contractVersion: z.number().int(),
    routerVersion: z.string().min(1),
    createdAt: z.string().min(1),
    embedder: z.object({ id: z.string().min(1), dim: z.number().int().positive() }).loose(),
    dims: z.object({ embedding: z.number().int().positive(), hidden: z.number().int().positive() }).loose(),
    queryMode: z.enum(QUERY_MODES),
    /** retrieval query mode: the k the model was trained with (absent in manifests of other modes). */
    retrievalTopK: z.number().int().positive().optional(),
    features: featuresSchema,
    /** The online preference layer's constants chosen on validation users at training time; absent: off. */
    onlinePreference: z.object({ beta: z.number().nonnegative(), kappa: z.number().positive() }).optional(),
    files: z.object({ userEncoder: z.string().min(1), scorer: z.string().min(1), parity: z.string().min(1).optional() }).loose(),
    llms: z.array(llmEntrySchema).min(1),
    rating: z.record(z.string(), z.unknown()),
    trainingData: z.record(z.string(), z.unknown()),
    metrics: z.record(z.string(), z.unknown()),
    config: z.record(z.string(), z.unknown()),
  })
  .loose();
export type Manifest = z.infer<typeof manifestSchema>;

/** Checks a parsed JSON value against the manifest schema and the contract; throws ModelLoadError. */
export function validateManifest(json: unknown, modelDir: string, contract: Contract = CONTRACT): Manifest {
  const file = contract.manifest.file;
  const fail = (message: string): never => {
    throw new ModelLoadError({ reason: "contract-mismatch", modelDir, file, message });
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail("manifest is not a JSON object");
  const record = json as Record<string, unknown>;
  const missing = contract.manifest.required.filter((key) => !(key in record));
  if (missing.length > 0) fail(`manifest lacks required field(s) ${missing.join(", ")}`);
  if (record.contractVersion !== contract.contractVersion) {
    fail(`manifest contractVersion ${String(record.contractVersion)} != served contract ${contract.contractVersion}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`manifest field "${issue.path.join(".")}": ${issue.message}`);
  }
  const manifest = parsed.data!;
  const D = manifest.dims.embedding;
  if (manifest.embedder.dim !== D) fail(`embedder.dim ${manifest.embedder.dim} != dims.embedding ${D}`);
  if (!contract.queryText.modes.includes(manifest.queryMode)) fail(`queryMode "${manifest.queryMode}" not in contract`);
  const seen = new Set<string>();
  for (const llm of manifest.llms) {
    if (seen.has(llm.id)) fail(`llms: duplicate id "${llm.id}"`);
    seen.add(llm.id);
    if (llm.embedding.length !== D) fail(`llms["${llm.id}"].embedding has ${llm.embedding.length} values, expected ${D}`);
    if (!llm.embedding.every(Number.isFinite)) fail(`llms["${llm.id}"].embedding has a non-finite value`);
  }
  return manifest;
}

async function readJson(modelDir: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(modelDir, file), "utf8");
  } catch (cause) {
    throw new ModelLoadError({ reason: "missing", modelDir, file, message: "cannot read file", cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ModelLoadError({ reason: "corrupt", modelDir, file, message: "not valid JSON", cause });
  }
}

/** Loads `<modelDir>/manifest.json` and validates it. */
export async function loadManifest(modelDir: string, contract: Contract = CONTRACT): Promise<Manifest> {
  return validateManifest(await readJson(modelDir, contract.manifest.file), modelDir, contract);
}

export { readJson as readModelJson };
