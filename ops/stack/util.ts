// Small helpers shared by the stack scripts.
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const OPS_DIR = join(ROOT, "ops");
/** Per-checkout data, logs and pid files. */
export const STACK_DIR = process.env.COURSES_STACK_DIR ?? join(ROOT, ".stack");
export const LOG_DIR = join(STACK_DIR, "logs");
export const PID_DIR = join(STACK_DIR, "pids");
/** Built artifacts shared by every checkout on this machine, keyed by version. */
export const CACHE_DIR = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "courses");

export class StackError extends Error {}

export function log(service: string, message: string): void {
  process.stderr.write(`[stack] ${service.padEnd(10)} ${message}\n`);
}

/** Fails with a message naming the missing tool and why it is needed. */
export function need(command: string, why: string): void {
  if (spawnSync("sh", ["-c", `command -v ${command}`]).status !== 0) {
    throw new StackError(`'${command}' is not installed or not on PATH (${why}).`);
  }
}

/** Runs a command to completion and returns its stdout; throws with its output on failure. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): string {
  const options: SpawnSyncOptions = {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  };
  const res = spawnSync(cmd, args, options);
  if (res.error) throw new StackError(`${cmd} could not run: ${res.error.message}`);
  if (res.status !== 0) {
    const out = `${res.stdout ?? ""}${res.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
    throw new StackError(`${cmd} ${args.join(" ")} exited ${res.status}:\n${out}`);
  }
  return String(res.stdout ?? "");
}
