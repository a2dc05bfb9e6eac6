import "server-only";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
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
 * stays explicit unless ROUTER_AUTO_ACTIVATE_MARGIN is set and beaten.
 */

export type RetrainOptions = {
  /** Trainer preset (training/config.py); "tiny" is the fast one for tests and smoke runs. */
  preset: "default" | "tiny";
  /** Caps the training episodes (train.epochs); the preset's own count when absent. */
  epochs?: number;
  /** Also train on the MT-Bench human judgments in MTBENCH_DIR. */
  includeMtBench: boolean;
  /** Share of each user's newest data held out for the comparison with the active model. */
  holdoutFraction: number;
};

export const DEFAULT_RETRAIN_OPTIONS: RetrainOptions = { preset: "default", includeMtBench: false, holdoutFraction: 0.2 };

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

/** Claims the one running slot (partial unique index training_runs_one_running) or answers 409. */
async function claimRun(startedBy: string | null): Promise<string> {
  const [row] = await prisma.$queryRaw<{ id: string }[]>`
    INSERT INTO training_runs (id, status, stage, started_by) VALUES (gen_random_uuid(), 'running', 'starting', ${startedBy}::uuid)
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
    const metrics = { export: counts, split, train: trained, heldOut: comparison, options } as unknown as Prisma.InputJsonObject;
    await registerRouterVersion({ id, path: modelDir, manifest, metrics });
    const margin = env.ROUTER_AUTO_ACTIVATE_MARGIN;
    const autoActivated = margin !== undefined && comparison.pairAccuracyGain !== null && comparison.pairAccuracyGain >= margin;
    if (autoActivated) {
      await activateRouterVersion({ id });
      progress.line(`activated ${id}: held-out pair accuracy +${comparison.pairAccuracyGain!.toFixed(3)} >= margin ${margin}`);
    }
    return { versionId: id, metrics, autoActivated };
  } catch (err) {
    // A failed run leaves no half-written version behind; nothing was registered or activated.
    await rm(modelDir, { recursive: true, force: true });
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function execute(runId: string, options: RetrainOptions): Promise<TrainingRunView> {
  const progress = new RunProgress(runId);
  try {
    const result = await pipeline(runId, options, progress);
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
}: {
  startedBy: string | null;
  options: RetrainOptions;
}): Promise<{ run: TrainingRunView; finished: Promise<TrainingRunView> }> {
  const runId = await claimRun(startedBy);
  const run = await getTrainingRun({ id: runId });
  return { run, finished: execute(runId, options) };
}
