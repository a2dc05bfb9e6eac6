/** `--help` on the command line and on every command, and how usage errors end. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { switchboard } from "../support/cli";

// Every command is a process of its own: seconds each on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const COMMANDS = [
  "up",
  "route",
  "feedback",
  "export",
  "retrain",
  "retrain run",
  "retrain versions",
  "retrain activate",
  "retrain abandon",
  "users",
  "users list",
  "users create-admin",
  "users set-role",
  "users reset-password",
  "users delete",
  "models",
  "models list",
  "models sync",
  "db",
  "db migrate",
];
const TRAINER = { import: "import", train: "train", evaluate: "evaluate", "export-onnx": "export" };

describe("switchboard --help", () => {
  it("npx switchboard resolves the package's bin and lists every command", async () => {
    const { stdout } = await promisify(execFile)("npx", ["switchboard", "--help"], { encoding: "utf8" });
    expect(stdout).toContain("Usage: switchboard <command> [options]");
    for (const command of ["up", "route", "feedback", "export", "import", "train", "evaluate", "export-onnx", "retrain", "users", "models", "db"]) {
      expect(stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
    expect(stdout).toContain("Exit codes: 0 success, 1 the work failed, 2 bad usage or input");
  });

  it.each(COMMANDS)("%s --help", async (command) => {
    const result = await switchboard([...command.split(" "), "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: switchboard ${command} `);
  });

  it.each(Object.entries(TRAINER))("%s --help is the trainer's own help", async (verb, trainerVerb) => {
    const result = await switchboard([verb, "--help"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`usage: python -m training ${trainerVerb}`);
  });

  it("answers usage errors with exit code 2 and a message naming the flag", async () => {
    const unknown = await switchboard(["nosuch"]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'nosuch'") });
    const badValue = await switchboard(["feedback", "--user", "a@example.com", "--query", "q", "--model", "m", "--rating", "six"]);
    expect(badValue).toMatchObject({ code: 2, stderr: expect.stringContaining("option '--rating <0-5>' argument 'six' is invalid") });
    const missing = await switchboard(["export"]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--out <file>' not specified") });
    const unknownFlag = await switchboard(["models", "list", "--jsn"]);
    expect(unknownFlag).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option '--jsn'") });
  });

  it("passes the trainer's exit code through", async () => {
    const result = await switchboard(["train", "--no-such-trainer-flag"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unrecognized arguments: --no-such-trainer-flag");
  });
});
