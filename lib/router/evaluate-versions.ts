import "server-only";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { env } from "@/lib/env";
// Offline evaluation loads arbitrary model dirs side by side, outside the serving registry that
// lib/router/runtime.ts owns; it shares nothing with the live router (own embedder, in-memory history).
import { type Candidate, type Embedder, InMemoryHistoryStore, OnnxRouter, UseLiteOnnxEmbedder } from "@/router-core";

/**
 * Scores a router model dir on held-out recent app data (holdout.json from
 * training/app_split.py): each user's training-side history is the graph, and
 * the model predicts the held-out comparisons and single ratings.
 */

const holdoutSchema = z.object({
  llms: z.array(z.object({ id: z.string(), description: z.string() })),
  users: z.array(
    z.object({
      userId: z.string(),
      history: z.array(
        z.object({
          interactionId: z.string(),
          chatSessionId: z.string(),
          turnIndex: z.number().int(),
          queryText: z.string(),
          context: z.array(z.string()),
          modelId: z.string(),
          rating: z.number(),
          responseText: z.string().nullable(),
          createdAt: z.string(),
        }),
      ),
      pairs: z.array(z.object({ query: z.string(), context: z.array(z.string()), better: z.string(), worse: z.string() })),
      points: z.array(z.object({ query: z.string(), context: z.array(z.string()), modelId: z.string(), rating: z.number() })),
    }),
  ),
});

export type Holdout = z.infer<typeof holdoutSchema>;

export type HoldoutMetrics = {
  /** Held-out comparisons (winner, loser) predicted. */
  pairs: number;
  /** Share of pairs where the winner scores higher (ties count half); null without pairs. */
  pairAccuracy: number | null;
  /** Held-out single ratings. */
  points: number;
  /** ROC-AUC of the rated model's score margin over the other candidates against liked (rating > 0.5); null without both classes. */
  pointAuc: number | null;
};

export async function readHoldout(path: string): Promise<Holdout> {
  return holdoutSchema.parse(JSON.parse(await readFile(path, "utf8")));
}

function auc(labels: boolean[], scores: number[]): number | null {
  const pos = scores.filter((_, i) => labels[i]);
  const neg = scores.filter((_, i) => !labels[i]);
  if (pos.length === 0 || neg.length === 0) return null;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

function storeFor(holdout: Holdout): InMemoryHistoryStore {
  const store = new InMemoryHistoryStore();
  for (const u of holdout.users) {
    for (const h of u.history) store.add(u.userId, { ...h, createdAt: new Date(h.createdAt) });
  }
  return store;
}

/** Scores of every candidate for one query of one user, by candidate id. */
async function scores(router: OnnxRouter, userId: string, query: string, context: string[], candidates: readonly Candidate[]): Promise<Map<string, number>> {
  const decision = await router.route({ userId, message: query, earlierUserMessages: context, candidates, personalization: true });
  return new Map(decision.candidates.map((c) => [c.id, c.score]));
}

/** Evaluates one model dir; throws when the dir cannot be loaded. */
export async function evaluateModelDir({ modelDir, holdout, embedder }: { modelDir: string; holdout: Holdout; embedder: Embedder }): Promise<HoldoutMetrics> {
  const router = await OnnxRouter.create({ modelDir, embedder, historyStore: storeFor(holdout), device: "cpu" });
  try {
    const candidates = holdout.llms;
    let pairs = 0;
    let correct = 0;
    const labels: boolean[] = [];
    const margins: number[] = [];
    for (const u of holdout.users) {
      for (const p of u.pairs) {
        const s = await scores(router, u.userId, p.query, p.context, candidates);
        const d = (s.get(p.better) ?? 0) - (s.get(p.worse) ?? 0);
        correct += d > 0 ? 1 : d === 0 ? 0.5 : 0;
        pairs++;
      }
      for (const p of u.points) {
        const s = await scores(router, u.userId, p.query, p.context, candidates);
        const others = [...s].filter(([id]) => id !== p.modelId).map(([, v]) => v);
        const mean = others.length ? others.reduce((a, b) => a + b, 0) / others.length : 0;
        margins.push((s.get(p.modelId) ?? 0) - mean);
        labels.push(p.rating > 0.5);
      }
    }
    return { pairs, pairAccuracy: pairs ? correct / pairs : null, points: margins.length, pointAuc: auc(labels, margins) };
  } finally {
    await router.close();
  }
}

export type VersionComparison = {
  candidate: HoldoutMetrics;
  active: { modelDir: string; metrics: HoldoutMetrics | null; error?: string };
  /** candidate.pairAccuracy - active.pairAccuracy; null when either is missing. */
  pairAccuracyGain: number | null;
};

/** The candidate against the active model on the same held-out data and the same embedder. */
export async function compareWithActive({
  holdoutPath,
  candidateDir,
  activeDir,
}: {
  holdoutPath: string;
  candidateDir: string;
  activeDir: string;
}): Promise<VersionComparison> {
  const holdout = await readHoldout(holdoutPath);
  // onnxruntime runs the encoder off the event loop: inside the web server it does not stall chat requests.
  const embedder = await UseLiteOnnxEmbedder.create({ precision: env.EMBEDDER_PRECISION });
  let candidate: HoldoutMetrics;
  let active: VersionComparison["active"];
  try {
    candidate = await evaluateModelDir({ modelDir: candidateDir, holdout, embedder });
    try {
      active = { modelDir: activeDir, metrics: await evaluateModelDir({ modelDir: activeDir, holdout, embedder }) };
    } catch (err) {
      // A missing or broken active model must not fail the run; the candidate is then never auto-activated.
      active = { modelDir: activeDir, metrics: null, error: err instanceof Error ? err.message : String(err) };
    }
  } finally {
    await embedder.close();
  }
  const a = active.metrics?.pairAccuracy;
  const gain = candidate.pairAccuracy !== null && a !== null && a !== undefined ? candidate.pairAccuracy - a : null;
  return { candidate, active, pairAccuracyGain: gain };
}
