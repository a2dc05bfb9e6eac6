import "server-only";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { writeAppExport } from "./app-export";
import { compareWithActive } from "./evaluate-versions";
import { RunProgress, runLogged } from "./run-log";
import { activateRouterVersion, registerRouterVersion } from "./versions";

/**
 * Retraining from the app's own data: export -> import -> split (newest 20% of
 * each user's data held out) -> train -> ONNX export -> evaluate against the
 * active model on the held-out data -> register a router version. Activation
 * (activationDecision) stays explicit for runs an admin or operator starts unless
 * ROUTER_AUTO_ACTIVATE_MARGIN is set and beaten; continuous retraining
 * (auto-retrain.ts) activates a version that beats the active one.
 */

const retrainOptionsSchema = z.object({
  /** Trainer preset (training/config.py); "tiny" is the fast one for tests and smoke runs. */
  preset: z.enum(["default", "tiny"]),
  /** Caps the training episodes (train.epochs); the preset's own count when absent. */
  epochs: z.number().int().positive().optional(),
  /** Also train on the MT-Bench human judgments in MTBENCH_DIR. */
  includeMtBench: z.boolean(),
  /** Share of each user's newest data held out for the comparison with the active model. */
  holdoutFraction: z.number().min(0).max(0.5),
});
export type RetrainOptions = z.infer<typeof retrainOptionsSchema>;

export const DEFAULT_RETRAIN_OPTIONS: RetrainOptions = { preset: "default", includeMtBench: false, holdoutFraction: 0.2 };

/** Who started a run: an admin (API), an operator (CLI), or continuous retraining (new ratings, schedule) with why. */
const retrainTriggerSchema = z.object({ kind: z.enum(["admin", "cli", "ratings", "schedule"]), detail: z.string().optional() });
export type RetrainTrigger = z.infer<typeof retrainTriggerSchema>;

/**
 * Whether a new version replaces the active one: only when it beats it on the held-out data, by at least
 * `margin` (ROUTER_AUTO_ACTIVATE_MARGIN; continuous retraining uses 0 when unset). The reason is stored with
 * the version and shown on the admin router page.
 */
export function activationDecision({ gain, margin }: { gain: number | null; margin: number | undefined }): { activate: boolean; reason: string } {
  const points = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(1)} points`;
  if (margin === undefined) return { activate: false, reason: "activation is explicit (ROUTER_AUTO_ACTIVATE_MARGIN is not set)" };
  if (gain === null) return { activate: false, reason: "not activated: no held-out comparisons to judge it against the active version" };
  if (gain <= 0) return { activate: false, reason: `not activated: held-out pair accuracy ${points(gain)} against the active version, not better` };
  if (gain < margin) return { activate: false, reason: `not activated: held-out pair accuracy ${points(gain)}, below the margin of ${points(margin)}` };
  return { activate: true, reason: `activated: held-out pair accuracy ${points(gain)} against the version it replaced (margin ${points(margin)})` };
}

/** The MT-Bench human judgments (MTBENCH_DIR, the repository's data/mtbench-human by default). */
function mtBenchDir(): string {
  const dir = resolve(env.MTBENCH_DIR);
  if (!existsSync(join(dir, "votes.jsonl")))
    throw new Error(`MT-Bench human data not found at ${dir}: set MTBENCH_DIR to the folder holding votes.jsonl, questions.jsonl and answers.jsonl`);
  return dir;
}

export type TrainingRunView = {
  id: string;
  status: string;
  progress: number;
  stage: string;
  log: string;
  error: string | null;
  routerVersionId: string | null;
  metrics: Prisma.JsonValue;
  startedBy: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};

export async function getTrainingRun({ id }: { id: string }): Promise<TrainingRunView> {
  const run = await prisma.trainingRun.findUnique({ where: { id } });
  if (!run) throw new AppError("not_found:router", "Training run not found.");
  return run;
}

/** Frees the running slot held by a run whose process died (server restart mid-run): it is marked failed. */
export async function abandonTrainingRun({ id }: { id: string }): Promise<void> {
  const { count } = await prisma.trainingRun.updateMany({
    where: { id, status: { in: ["queued", "running"] } },
    data: { status: "failed", error: "abandoned: no process was running it any more", finishedAt: new Date() },
  });
  if (count === 0) throw new AppError("not_found:router", "No queued or running training run with this id.");
}

/**
 * Claims the one slot (partial unique index training_runs_one_running: one run queued or running) or answers
 * 409: running when this process runs it, queued for a trainer service.
 */
async function claimRun(startedBy: string | null, options: RetrainOptions, trigger: RetrainTrigger, status: "running" | "queued"): Promise<string> {
  const [row] = await prisma.$queryRaw<{ id: string }[]>`
    INSERT INTO training_runs (id, status, stage, started_by, options, trigger)
    VALUES (gen_random_uuid(), ${status}::"TrainingStatus", ${status === "running" ? "starting" : "queued for the trainer service"}, ${startedBy}::uuid,
            ${JSON.stringify(options)}::jsonb, ${JSON.stringify(trigger)}::jsonb)
    ON CONFLICT DO NOTHING RETURNING id::text`;
  if (row) return row.id;
  const running = await prisma.trainingRun.findFirst({ where: { status: { in: ["queued", "running"] } }, select: { id: true } });
  throw new AppError(
    "conflict:router",
    `A retraining run is already in progress${running ? ` (run ${running.id})` : ""}; wait for it to finish (if its server died, free it with: npx switchboard retrain abandon <run-id>).`,
  );
}

function versionId(runId: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `app-${stamp}-${runId.slice(0, 8)}`;
}

async function activeModelDir(): Promise<string> {
  const active = await prisma.routerVersion.findFirst({ where: { active: true }, select: { path: true } });
  return active?.path ?? env.ROUTER_MODEL_DIR;
}

async function pipeline(
  runId: string,
  options: RetrainOptions,
  trigger: RetrainTrigger,
  progress: RunProgress,
): Promise<{ versionId: string; metrics: Prisma.InputJsonValue; autoActivated: boolean }> {
  const work = await mkdtemp(join(tmpdir(), `switchboard-retrain-${runId.slice(0, 8)}-`));
  const id = versionId(runId);
  const modelDir = resolve(env.ROUTER_VERSIONS_DIR, id);
  const python = env.ROUTER_TRAINER_PYTHON;
  try {
    const exportFile = join(work, "app-export.jsonl");
    const appDataset = join(work, "app.dataset.json");
    const trainDataset = join(work, "train.dataset.json");
    const holdout = join(work, "holdout.json");
    const checkpoint = join(work, "model.pt");

    progress.line(`trigger: ${trigger.kind}${trigger.detail ? ` (${trigger.detail})` : ""}`);
    await progress.stage("export", [0, 0.05]);
    const counts = await writeAppExport({ out: exportFile });
    progress.line(JSON.stringify(counts));

    await progress.stage("import", [0.05, 0.1]);
    await runLogged(progress, python, ["-m", "training", "import", "app", "--in", exportFile, "--out", appDataset, "--no-embed"]);

    await progress.stage("split", [0.1, 0.15]);
    const mtbench = options.includeMtBench ? ["--mtbench", mtBenchDir()] : [];
    const split = JSON.parse(
      await runLogged(progress, python, [
        "-m",
        "training",
        "split-app",
        "--app",
        appDataset,
        "--train-out",
        trainDataset,
        "--holdout-out",
        holdout,
        "--holdout-fraction",
        String(options.holdoutFraction),
        ...mtbench,
      ]),
    ) as Prisma.InputJsonObject;

    await progress.stage("train", [0.15, 0.8]);
    const overrides = options.epochs ? [`train.epochs=${options.epochs}`] : [];
    const trained = JSON.parse(
      await runLogged(progress, python, ["-m", "training", "train", "--dataset", trainDataset, "--config", options.preset, "--out", checkpoint, ...overrides]),
    ) as Prisma.InputJsonObject;

    await progress.stage("export-onnx", [0.8, 0.85]);
    await mkdir(modelDir, { recursive: true });
    await runLogged(progress, python, ["-m", "training", "export", "--checkpoint", checkpoint, "--out", modelDir]);

    await progress.stage("evaluate", [0.85, 0.95]);
    const comparison = await compareWithActive({ holdoutPath: holdout, candidateDir: modelDir, activeDir: await activeModelDir() });
    progress.line(JSON.stringify(comparison));

    await progress.stage("register", [0.95, 1]);
    const manifest = JSON.parse(await readFile(join(modelDir, "manifest.json"), "utf8")) as Prisma.InputJsonObject;
    const automatic = trigger.kind === "ratings" || trigger.kind === "schedule";
    const activation = activationDecision({ gain: comparison.pairAccuracyGain, margin: env.ROUTER_AUTO_ACTIVATE_MARGIN ?? (automatic ? 0 : undefined) });
    const metrics = { export: counts, split, train: trained, heldOut: comparison, options, trigger, activation } as unknown as Prisma.InputJsonObject;
    await registerRouterVersion({ id, path: modelDir, manifest, metrics });
    if (activation.activate) await activateRouterVersion({ id });
    progress.line(`${id}: ${activation.reason}`);
    return { versionId: id, metrics, autoActivated: activation.activate };
  } catch (err) {
    // A failed run leaves no half-written version behind; nothing was registered or activated.
    await rm(modelDir, { recursive: true, force: true });
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function execute(runId: string, options: RetrainOptions, trigger: RetrainTrigger): Promise<TrainingRunView> {
  const progress = new RunProgress(runId);
  try {
    const result = await pipeline(runId, options, trigger, progress);
    await progress.flush();
    return await prisma.trainingRun.update({
      where: { id: runId },
      data: {
        status: "succeeded",
        progress: 1,
        stage: result.autoActivated ? "done (activated)" : "done",
        routerVersionId: result.versionId,
        metrics: result.metrics,
        finishedAt: new Date(),
      },
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    progress.line(`failed: ${message}`);
    await progress.flush();
    return prisma.trainingRun.update({ where: { id: runId }, data: { status: "failed", error: message.slice(0, 4_000), finishedAt: new Date() } });
  }
}

/**
 * Starts a run (409 while another runs). `finished` settles when the run ends,
 * as succeeded or failed; it never rejects, the outcome is on the row.
 */
export async function startRetrain({
  startedBy,
  options,
  trigger,
}: {
  startedBy: string | null;
  options: RetrainOptions;
  trigger: RetrainTrigger;
}): Promise<{ run: TrainingRunView; finished: Promise<TrainingRunView> }> {
  const service = env.ROUTER_TRAINER === "service";
  const runId = await claimRun(startedBy, options, trigger, service ? "queued" : "running");
  const run = await getTrainingRun({ id: runId });
  return { run, finished: service ? outcome(runId) : execute(runId, options, trigger) };
}

/** Settles when a run another process executes ends (polling its row). */
async function outcome(runId: string): Promise<TrainingRunView> {
  for (;;) {
    const run = await getTrainingRun({ id: runId });
    if (run.status === "succeeded" || run.status === "failed") return run;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * The trainer service's step (`switchboard retrain worker`): takes the oldest queued run, if any, marks it
 * running and runs it here; resolves with its outcome, or null when nothing was queued.
 */
export async function runNextQueued(): Promise<TrainingRunView | null> {
  const [row] = await prisma.$queryRaw<{ id: string; options: unknown; trigger: unknown }[]>`
    UPDATE training_runs SET status = 'running', stage = 'starting'
     WHERE id = (SELECT id FROM training_runs WHERE status = 'queued' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id::text, options, trigger`;
  if (!row) return null;
  const options = retrainOptionsSchema.safeParse(row.options);
  const trigger = retrainTriggerSchema.safeParse(row.trigger);
  if (!options.success || !trigger.success) {
    return prisma.trainingRun.update({
      where: { id: row.id },
      data: { status: "failed", error: "the queued run's options or trigger are not readable by this version", finishedAt: new Date() },
    });
  }
  return execute(row.id, options.data, trigger.data);
}
