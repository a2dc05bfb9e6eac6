/**
 * Retrains the router from the app's own data, outside the web server.
 *
 *   npx tsx --conditions=react-server scripts/retrain.ts [run] [--preset default|tiny] [--epochs N] [--with-mtbench] [--holdout 0.2]
 *   npx tsx --conditions=react-server scripts/retrain.ts versions
 *   npx tsx --conditions=react-server scripts/retrain.ts activate <version-id|default>
 *   npx tsx --conditions=react-server scripts/retrain.ts abandon <run-id>
 *
 * `run` prints the run's stage and progress while it trains and exits 1 when the run fails.
 * `abandon` frees the one training slot held by a run whose process died (a server restart mid-run).
 * Running app instances pick up an activation within ROUTER_VERSION_CHECK_MS.
 */
import { parseArgs } from "node:util";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { abandonTrainingRun, DEFAULT_RETRAIN_OPTIONS, startRetrain, type RetrainOptions } from "@/lib/routing/retrain";
import { activateRouterVersion, listRouterVersions } from "@/lib/routing/versions";

async function run(values: { preset?: string; epochs?: string; "with-mtbench"?: boolean; holdout?: string }): Promise<number> {
  const preset = values.preset ?? DEFAULT_RETRAIN_OPTIONS.preset;
  if (preset !== "default" && preset !== "tiny") throw new Error(`--preset ${preset}: expected default or tiny`);
  const options: RetrainOptions = {
    preset,
    epochs: values.epochs ? Number(values.epochs) : undefined,
    includeMtBench: values["with-mtbench"] ?? false,
    holdoutFraction: values.holdout ? Number(values.holdout) : DEFAULT_RETRAIN_OPTIONS.holdoutFraction,
  };
  const t0 = Date.now();
  const { run: started, finished } = await startRetrain({ startedBy: null, options });
  console.log(`run ${started.id} started`);
  let last = "";
  const timer = setInterval(async () => {
    const row = await prisma.trainingRun.findUnique({ where: { id: started.id }, select: { stage: true, progress: true } });
    const line = row ? `${(row.progress * 100).toFixed(0).padStart(3)}%  ${row.stage}` : "";
    if (line !== last) console.log((last = line));
  }, 1_000);
  const done = await finished;
  clearInterval(timer);
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (done.status !== "succeeded") {
    console.error(done.log.split("\n").slice(-15).join("\n"));
    console.error(`run ${done.id} failed after ${seconds}s: ${done.error}`);
    return 1;
  }
  console.log(JSON.stringify((done.metrics as { heldOut?: unknown } | null)?.heldOut ?? null, null, 1));
  console.log(`run ${done.id} succeeded in ${seconds}s: version ${done.routerVersionId} (${done.stage}); activate with: scripts/retrain.ts activate ${done.routerVersionId}`);
  return 0;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { preset: { type: "string" }, epochs: { type: "string" }, "with-mtbench": { type: "boolean" }, holdout: { type: "string" } },
  });
  const [command = "run", id] = positionals;
  if (command === "run") return run(values);
  if (command === "versions") {
    for (const v of await listRouterVersions()) console.log(`${v.active ? "*" : " "} ${v.id}  ${v.createdAt.toISOString()}  ${v.path}`);
    return 0;
  }
  if (command === "activate" && id) {
    const version = await activateRouterVersion({ id });
    console.log(version ? `active: ${version.id} (${version.path})` : "active: the shipped default model (ROUTER_MODEL_DIR)");
    return 0;
  }
  if (command === "abandon" && id) {
    await abandonTrainingRun({ id });
    console.log(`run ${id} marked failed; a new run can start`);
    return 0;
  }
  console.error("usage: scripts/retrain.ts [run [--preset default|tiny] [--epochs N] [--with-mtbench] [--holdout F]] | versions | activate <id|default> | abandon <run-id>");
  return 2;
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(err instanceof AppError ? `${err.code}: ${err.message}` : err);
    process.exit(1);
  });
