import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * Where the machine's CPU goes during a load run, read from /proc (Linux):
 * per process group (a spawned child and everything it spawned, e.g. tsx and
 * its node), per command name (the PostgreSQL server's processes), for this
 * process (the load client) and for the whole machine.
 */
const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

type ProcStat = { comm: string; pgrp: number; cpuSeconds: number };

function readProcStat(pid: string): ProcStat | null {
  let line: string;
  try {
    line = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null; // exited meanwhile
  }
  // comm may hold spaces and parentheses: it runs to the last ')'.
  const close = line.lastIndexOf(")");
  const fields = line.slice(close + 2).split(" ");
  // fields[0] is field 3 of proc(5): pgrp is field 5, utime 14, stime 15 (all threads of the process).
  return { comm: line.slice(line.indexOf("(") + 1, close), pgrp: Number(fields[2]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
}

function processes(): ProcStat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(readProcStat)
    .filter((p): p is ProcStat => p !== null);
}

export type CpuSnapshot = {
  groups: Map<number, number>;
  commands: Map<string, number>;
  selfSeconds: number;
  machineBusySeconds: number;
  machineSeconds: number;
};

export function cpuSnapshot(): CpuSnapshot {
  const groups = new Map<number, number>();
  const commands = new Map<string, number>();
  for (const p of processes()) {
    groups.set(p.pgrp, (groups.get(p.pgrp) ?? 0) + p.cpuSeconds);
    commands.set(p.comm, (commands.get(p.comm) ?? 0) + p.cpuSeconds);
  }
  // /proc/stat "cpu" line: user nice system idle iowait irq softirq steal ...
  const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = ticks[3] + ticks[4];
  const all = ticks.reduce((a, b) => a + b, 0);
  const self = process.cpuUsage();
  return {
    groups,
    commands,
    selfSeconds: (self.user + self.system) / 1e6,
    machineBusySeconds: (all - idle) / TICKS_PER_SECOND,
    machineSeconds: all / TICKS_PER_SECOND,
  };
}

/**
 * CPU seconds between two snapshots: per named process group, per named
 * command, `client` for this process and `other` for the rest of the machine.
 * A process that ended between the snapshots is missing from the second, so
 * take both while the measured processes run.
 */
export function cpuBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
  { groups, commands }: { groups: Record<string, number[]>; commands: Record<string, string> },
) {
  const delta = <K>(a: Map<K, number>, b: Map<K, number>, key: K) => (b.get(key) ?? 0) - (a.get(key) ?? 0);
  const seconds: Record<string, number> = {};
  for (const [name, pgids] of Object.entries(groups)) seconds[name] = pgids.reduce((sum, g) => sum + delta(before.groups, after.groups, g), 0);
  for (const [name, comm] of Object.entries(commands)) seconds[name] = delta(before.commands, after.commands, comm);
  seconds.client = after.selfSeconds - before.selfSeconds;
  const busy = after.machineBusySeconds - before.machineBusySeconds;
  const elapsedCpuSeconds = after.machineSeconds - before.machineSeconds;
  seconds.other = busy - Object.values(seconds).reduce((a, b) => a + b, 0);
  return { seconds, busy, machineBusyPercent: (100 * busy) / elapsedCpuSeconds };
}
