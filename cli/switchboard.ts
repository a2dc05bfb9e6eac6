#!/usr/bin/env -S node --conditions=react-server --import=tsx
/**
 * `npx switchboard <command>`: the one command line for running, routing with, training and administering
 * Switchboard. Runs through tsx with the react-server condition, like the server code it imports.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { buildProgram } from "./program";
import { CliError, EXIT_FAILURE, EXIT_USAGE } from "./options";

// The app finds its migrations, models file and router model relative to the repository root.
process.chdir(fileURLToPath(new URL("..", import.meta.url)));
// The settings the app reads: .env as `next start` loads it (variables already set win), logs on stderr
// so that stdout carries only results, and no Next.js telemetry unless asked for.
if (existsSync(".env")) process.loadEnvFile(".env");
process.env.LOG_DESTINATION ??= "stderr";
process.env.LOG_LEVEL ??= "warn";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
  if (err instanceof CliError) {
    process.stderr.write(`error: ${err.message}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT_FAILURE;
}

const code = await buildProgram()
  .parseAsync(process.argv)
  .then(() => (typeof process.exitCode === "number" ? process.exitCode : 0), exitCodeOf);
// Open database pools and the encoder's worker thread would keep the process alive.
process.exit(code);
