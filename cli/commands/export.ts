import type { Command } from "commander";
import { pathArgument } from "../options";

export function registerExport(program: Command): void {
  program
    .command("export")
    .summary("write the app's ratings and votes as the trainer's app-export JSONL")
    .description("write the app's ratings, compare votes and rated regenerations as the trainer's app-export JSONL (read by `switchboard import app`)")
    .requiredOption("--out <file>", "the JSONL file to write (replaced)", pathArgument)
    .addHelpText(
      "after",
      "\nExample:\n  npx switchboard export --out app-export.jsonl\n  npx switchboard import app --in app-export.jsonl --out app.dataset.json",
    )
    .action(async (opts: { out: string }) => {
      const { writeAppExport } = await import("@/lib/router/app-export");
      const counts = await writeAppExport({ out: opts.out });
      console.log(JSON.stringify({ out: opts.out, ...counts }));
    });
}
