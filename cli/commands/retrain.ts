import { type Command, Option } from "commander";
import { note, numberBetween, positiveInteger } from "../options";

type RunOptions = { preset: "default" | "tiny"; epochs?: number; withMtbench?: boolean; holdout: number };

async function run(opts: RunOptions): Promise<void> {
  const { prisma } = await import("@/lib/db/client");
  const { startRetrain } = await import("@/lib/router/retrain");
  const t0 = Date.now();
  const options = { preset: opts.preset, epochs: opts.epochs, includeMtBench: opts.withMtbench ?? false, holdoutFraction: opts.holdout };
  const { run: started, finished } = await startRetrain({ startedBy: null, options, trigger: { kind: "cli" } });
  note(`run ${started.id} started`);
  let last = "";
  const timer = setInterval(async () => {
    const row = await prisma.trainingRun.findUnique({ where: { id: started.id }, select: { stage: true, progress: true } });
    const line = row ? `${(row.progress * 100).toFixed(0).padStart(3)}%  ${row.stage}` : "";
    if (line === last) return;
    last = line;
    note(line);
  }, 1_000);
  const done = await finished;
  clearInterval(timer);
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (done.status !== "succeeded") {
    note(done.log.split("\n").slice(-15).join("\n"));
    throw new Error(`run ${done.id} failed after ${seconds}s: ${done.error}`);
  }
  console.log(JSON.stringify((done.metrics as { heldOut?: unknown } | null)?.heldOut ?? null, null, 1));
  note(`run ${done.id} succeeded in ${seconds}s: version ${done.routerVersionId} (${done.stage})`);
  note(`activate it with: npx switchboard retrain activate ${done.routerVersionId}`);
}

export function registerRetrain(program: Command): void {
  const retrain = program
    .command("retrain")
    .summary("retrain the router from the app's ratings; list, activate router versions")
    .description(
      "retrain the router from the app's own ratings and manage router versions (running app instances pick up an activation within ROUTER_VERSION_CHECK_MS)",
    );

  retrain
    .command("run", { isDefault: true })
    .description(
      "export, train, export to ONNX, evaluate against the active model on held-out data and register a new router version; " +
        "prints progress (the default subcommand)",
    )
    .addOption(new Option("--preset <name>", "trainer preset").choices(["default", "tiny"]).default("default"))
    .option("--epochs <n>", "cap the training episodes (default: the preset's)", positiveInteger)
    .option("--with-mtbench", "also train on the MT-Bench human judgments (MTBENCH_DIR)")
    .option("--holdout <fraction>", "share of each user's newest data held out for the comparison", numberBetween(0, 0.5), 0.2)
    .action(run);

  retrain
    .command("versions")
    .description("list registered router versions (* marks the active one)")
    .action(async () => {
      const { listRouterVersions } = await import("@/lib/router/versions");
      for (const v of await listRouterVersions()) console.log(`${v.active ? "*" : " "} ${v.id}  ${v.createdAt.toISOString()}  ${v.path}`);
    });

  retrain
    .command("activate")
    .description("make a router version the active one (`default`: the shipped model in ROUTER_MODEL_DIR)")
    .argument("<version-id>", "a version id from `retrain versions`, or default")
    .action(async (id: string) => {
      const { activateRouterVersion } = await import("@/lib/router/versions");
      const version = await activateRouterVersion({ id });
      console.log(version ? `active: ${version.id} (${version.path})` : "active: the shipped default model (ROUTER_MODEL_DIR)");
    });

  retrain
    .command("worker")
    .description(
      "the trainer service: run the retraining runs that app instances queue (ROUTER_TRAINER=service), one at a time, until stopped (SIGTERM ends it after the current run)",
    )
    .option("--poll <seconds>", "how often to look for a queued run", positiveInteger, 5)
    .action(async (opts: { poll: number }) => {
      const { runNextQueued } = await import("@/lib/router/retrain");
      let stopping = false;
      const stop = () => {
        stopping = true;
      };
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
      note(`trainer service: waiting for queued runs (every ${opts.poll}s)`);
      while (!stopping) {
        const done = await runNextQueued();
        if (done)
          note(
            `run ${done.id} ${done.status}${done.routerVersionId ? `: version ${done.routerVersionId} (${done.stage})` : ""}${done.error ? `: ${done.error}` : ""}`,
          );
        else await new Promise((r) => setTimeout(r, opts.poll * 1_000));
      }
    });

  retrain
    .command("abandon")
    .description("mark a run whose process died (say, a server restart mid-run) as failed, freeing the one training slot")
    .argument("<run-id>", "the run's id")
    .action(async (id: string) => {
      const { abandonTrainingRun } = await import("@/lib/router/retrain");
      await abandonTrainingRun({ id });
      console.log(`run ${id} marked failed; a new run can start`);
    });
}
