import { resolve } from "node:path";
import { InvalidArgumentError } from "commander";

/** Bad input the user can fix (a flag's value, a missing record it names): exit code 2, like a usage error. */
export class CliError extends Error {}

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The directory the command was run in, read before the CLI moves to the repository root. */
const invokedIn = process.cwd();

/** A file argument, resolved against the directory the command was run in. */
export function pathArgument(value: string): string {
  return resolve(invokedIn, value);
}

export function numberBetween(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    return n;
  };
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return n;
}

/** Reads a password from standard input (its first line), so it never shows in `ps` or the shell history. */
export async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0];
}

/** Progress and human-facing notes go to stderr, so stdout carries only the command's result. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}
