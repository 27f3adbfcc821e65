// Small helpers shared by the stack scripts.
import { spawn, spawnSync } from "node:child_process";
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

/** Is `command` on PATH? */
export function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

/** Fails with a message naming the missing tool and why it is needed. */
export function need(command: string, why: string): void {
  if (!has(command)) {
    throw new StackError(`'${command}' is not installed or not on PATH (${why}).`);
  }
}

/**
 * Runs a command to completion without blocking the event loop (builds run while other servers
 * start and are health-checked); resolves with stdout, rejects with the output's tail on failure.
 */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      output = (output + d).slice(-20_000);
    });
    child.stderr.on("data", (d) => (output = (output + d).slice(-20_000)));
    child.once("error", (e) => reject(new StackError(`${cmd} could not run: ${e.message}`)));
    child.once("close", (code) => {
      if (code === 0) return resolve(stdout);
      const tail = output.trim().split("\n").slice(-30).join("\n");
      reject(new StackError(`${cmd} ${args.join(" ")} exited ${code}:\n${tail}`));
    });
  });
}
