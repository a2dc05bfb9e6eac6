import { CommanderError } from "commander";
import { CliError, EXIT_FAILURE, EXIT_USAGE } from "./options";
import { buildProgram } from "./program";

async function exitCodeOf(err: unknown): Promise<number> {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
  // Loaded only here, so that `--help` and usage errors do not load the app's logger and database modules.
  const { AppError } = await import("@/lib/errors");
  // The app's own "bad request" and "not found" answers are input the user can fix, like a wrong flag.
  if (err instanceof CliError || (err instanceof AppError && (err.type === "bad_request" || err.type === "not_found"))) {
    process.stderr.write(`error: ${err.message}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT_FAILURE;
}

/** Runs one command line and answers its exit code: 0 done, 1 the work failed, 2 bad usage or input. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    return exitCodeOf(err);
  }
}
