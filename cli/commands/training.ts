import { spawn } from "node:child_process";
import type { Command } from "commander";

/** The trainer's own commands: `switchboard <verb> ...` runs `python -m training <module verb> ...` with every argument passed through. */
const VERBS = [
  {
    verb: "import",
    trainer: "import",
    summary: "convert a data source into a training dataset (trainer)",
    description: "convert MT-Bench human judgments, a GMTRouter JSONL file or an app export (`switchboard export`) into a training dataset",
  },
  {
    verb: "train",
    trainer: "train",
    summary: "train a GMTRouter checkpoint (trainer)",
    description: "train a GMTRouter model on datasets and write a checkpoint",
  },
  {
    verb: "evaluate",
    trainer: "evaluate",
    summary: "evaluate GMTRouter and baselines on MT-Bench (trainer)",
    description: "evaluate GMTRouter against the baselines on the MT-Bench human judgments (splits x seeds, confidence intervals)",
  },
  {
    verb: "export-onnx",
    trainer: "export",
    summary: "export a checkpoint as the app's ONNX model (trainer)",
    description: "export a checkpoint as the ONNX model folder the app serves (user_encoder.onnx, scorer.onnx, manifest.json, parity.json)",
  },
] as const;

async function runTrainer(trainerVerb: string, args: readonly string[]): Promise<void> {
  const { env } = await import("@/lib/env");
  // The trainer runs in the repository root: it imports `training` from there and calls the app's sentence encoder.
  const child = spawn(env.ROUTER_TRAINER_PYTHON, ["-m", "training", trainerVerb, ...args], { stdio: "inherit" });
  const code = await new Promise<number>((resolve, reject) => {
    child.once("error", (err) => reject(new Error(`cannot run the trainer with ROUTER_TRAINER_PYTHON=${env.ROUTER_TRAINER_PYTHON}: ${err.message}`)));
    child.once("exit", (status, signal) => resolve(status ?? (signal ? 128 : 1)));
  });
  process.exitCode = code;
}

export function registerTraining(program: Command): void {
  for (const { verb, trainer, summary, description } of VERBS) {
    program
      .command(verb)
      .summary(summary)
      .description(`${description} (the trainer's options: switchboard ${verb} --help)`)
      .usage("[trainer options]")
      // Every option, --help included, belongs to the trainer, so new trainer options work without changes here.
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument("[args...]")
      .action(async (args: string[]) => runTrainer(trainer, args));
  }
}
