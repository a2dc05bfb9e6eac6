/**
 * Writes the app's ratings, compare votes and rated regenerations as the contract's appExport
 * JSONL, the input of `python -m training import app`.
 *
 *   npx tsx --conditions=react-server scripts/export-app-data.ts --out app-export.jsonl
 */
import { parseArgs } from "node:util";
import { prisma } from "@/lib/db/client";
import { writeAppExport } from "@/lib/routing/app-export";

async function main() {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  if (!values.out) throw new Error("--out: the JSONL file to write is required");
  const counts = await writeAppExport({ out: values.out });
  console.log(JSON.stringify(counts));
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => prisma.$disconnect());
