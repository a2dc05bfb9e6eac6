import "server-only";
import { spawn } from "node:child_process";
import { prisma } from "@/lib/db/client";
import { getLogger } from "@/lib/log";

const logger = getLogger("retrain");

/** The log kept on a training run: the tail only, so a chatty trainer cannot grow the row without bound. */
const MAX_LOG_CHARS = 64_000;
const FLUSH_EVERY_MS = 500;

/** A stage's share of the whole run, as [start, end] in [0, 1]. */
export type StageSpan = readonly [number, number];

/**
 * Progress, stage and log of one training_runs row, written at most every
 * FLUSH_EVERY_MS so the admin API can watch a run while it runs.
 */
export class RunProgress {
  #log = "";
  #stage = "queued";
  #progress = 0;
  #span: StageSpan = [0, 0];
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor(readonly runId: string) {}

  get log(): string {
    return this.#log;
  }

  async stage(name: string, span: StageSpan): Promise<void> {
    this.#stage = name;
    this.#span = span;
    this.#progress = span[0];
    this.line(`== ${name}`);
    await this.flush();
  }

  /** Progress within the current stage, 0..1. */
  within(fraction: number, note?: string): void {
    const [start, end] = this.#span;
    this.#progress = start + (end - start) * Math.min(1, Math.max(0, fraction));
    if (note) this.#stage = note;
    this.#schedule();
  }

  line(text: string): void {
    this.#log += `${text}\n`;
    if (this.#log.length > MAX_LOG_CHARS) this.#log = this.#log.slice(-MAX_LOG_CHARS);
    this.#schedule();
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const data = { stage: this.#stage.slice(0, 200), progress: this.#progress, log: this.#log };
    // A failed progress write must not end the run (or, from the timer, the server): the next flush retries.
    this.#writing = this.#writing
      .then(() => prisma.trainingRun.update({ where: { id: this.runId }, data }))
      .then(
        () => undefined,
        (err: unknown) => logger.warn({ err, runId: this.runId }, "could not record training progress"),
      );
    await this.#writing;
  }
}

/** The trainer's progress bar: `train[tiny] [#####   ] 12/20  3.1s ETA ...` (training/progress.py). */
const PROGRESS_BAR = /^(\S+) \[[# ]*\] (\d+)\/(\d+)/;

/**
 * Runs a command, copying its output into the run's log; progress-bar lines
 * move the stage's progress instead of filling the log. Rejects with the last
 * lines of output when the command fails.
 */
export function runLogged(progress: RunProgress, command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let lastBar = "";
    const tail: string[] = [];
    const onText = (text: string) => {
      for (const raw of text.split(/\r|\n/)) {
        const line = raw.trimEnd();
        if (!line) continue;
        const bar = PROGRESS_BAR.exec(line);
        if (bar) {
          lastBar = line;
          progress.within(Number(bar[2]) / Number(bar[3]), `${bar[1]} ${bar[2]}/${bar[3]}`);
          continue;
        }
        tail.push(line);
        if (tail.length > 20) tail.shift();
        progress.line(line);
      }
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      onText(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", onText);
    child.on("error", reject);
    child.on("close", (code) => {
      if (lastBar) progress.line(lastBar);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${[command, ...args].join(" ")} exited with code ${code}${tail.length ? `:\n${tail.slice(-8).join("\n")}` : ""}`));
    });
  });
}
