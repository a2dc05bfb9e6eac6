import "server-only";
import { prisma } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getLogger } from "@/lib/log";
import { DEFAULT_RETRAIN_OPTIONS, type RetrainTrigger, startRetrain } from "./retrain";

/**
 * Continuous retraining: a run starts on its own once ROUTER_RETRAIN_AFTER_RATINGS new ratings and compare
 * votes have arrived since the last run, or ROUTER_RETRAIN_INTERVAL_HOURS after it when anything new arrived.
 * The run is evaluated against the active version and activated only if it beats it (retrain.ts,
 * activationDecision); every instance then hot-swaps to it within ROUTER_VERSION_CHECK_MS.
 *
 * Any instance may check (after a rating, and on a timer); the database's one-running-run index lets only
 * one start a run, the others' attempts are refused and ignored.
 */
const log = getLogger("retrain");

export function autoRetrainEnabled(): boolean {
  return env.ROUTER_RETRAIN_AFTER_RATINGS !== undefined || env.ROUTER_RETRAIN_INTERVAL_HOURS !== undefined;
}

/** Ratings and compare votes given (or changed) after `since`. */
async function signalsSince(since: Date): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT (SELECT count(*) FROM ratings WHERE updated_at > ${since})::int
         + (SELECT count(*) FROM comparisons WHERE winner IS NOT NULL AND voted_at > ${since})::int AS n`;
  return row.n;
}

/** Why a run is due now, or null. */
export async function dueTrigger(now = new Date()): Promise<RetrainTrigger | null> {
  const last = await prisma.trainingRun.findFirst({ orderBy: { createdAt: "desc" }, select: { createdAt: true } });
  const since = last?.createdAt ?? new Date(0);
  const fresh = await signalsSince(since);
  const after = env.ROUTER_RETRAIN_AFTER_RATINGS;
  if (after !== undefined && fresh >= after) return { kind: "ratings", detail: `${fresh} new ratings and votes since the last run` };
  const hours = env.ROUTER_RETRAIN_INTERVAL_HOURS;
  if (hours !== undefined && fresh > 0 && now.getTime() - since.getTime() >= hours * 3_600_000) {
    return { kind: "schedule", detail: `${hours} h since the last run, ${fresh} new ratings and votes` };
  }
  return null;
}

let checking: Promise<void> | null = null;
let lastCheck = 0;

/**
 * Starts a run if one is due. Checks at most every ROUTER_RETRAIN_CHECK_MS per instance (joining a check
 * under way); never throws. Resolves when the check is done, not when the run is: the run goes on in the background.
 */
export function checkAutoRetrain(): Promise<void> {
  if (!autoRetrainEnabled()) return Promise.resolve();
  if (checking) return checking;
  if (Date.now() - lastCheck < env.ROUTER_RETRAIN_CHECK_MS) return Promise.resolve();
  lastCheck = Date.now();
  checking = (async () => {
    try {
      const trigger = await dueTrigger();
      if (!trigger) return;
      const options = { ...DEFAULT_RETRAIN_OPTIONS, preset: env.ROUTER_RETRAIN_PRESET, includeMtBench: env.ROUTER_RETRAIN_WITH_MTBENCH };
      const { run, finished } = await startRetrain({ startedBy: null, options, trigger });
      log.info({ runId: run.id, trigger }, "continuous retraining started a run");
      void finished.then((done) => log.info({ runId: done.id, status: done.status, stage: done.stage }, "continuous retraining run finished"));
    } catch (err) {
      // Another instance started the run first: nothing to do.
      if (!(err instanceof AppError && err.status === 409)) log.warn({ err }, "continuous retraining check failed");
    } finally {
      checking = null;
    }
  })();
  return checking;
}

/** Checks on a timer too, so the schedule holds while no one rates; unref'd, it never keeps a process alive. */
export function startAutoRetrainTimer(): void {
  if (!autoRetrainEnabled()) return;
  setInterval(() => void checkAutoRetrain(), Math.max(env.ROUTER_RETRAIN_CHECK_MS, 1_000)).unref();
}
