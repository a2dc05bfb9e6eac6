import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** The package's bin, run as a user's shell runs it (through its shebang). */
export const SWITCHBOARD_BIN = fileURLToPath(new URL("../../cli/switchboard.ts", import.meta.url));

/** Runs `switchboard <args>` against the test database (DATABASE_URL of the run), feeding `input` to stdin. */
export function switchboard(args: readonly string[], { env = {}, input = "" }: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(SWITCHBOARD_BIN, args, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
