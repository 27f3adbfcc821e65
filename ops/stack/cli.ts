// bun run stack up|down|status|env|exec [names…]
// Manages the local stack of real servers (the MongoDB wire-protocol store, Kafka, Jaeger, Prometheus) on loopback.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { SERVICES, type Service } from "./services.ts";
import { LOG_DIR, PID_DIR, STACK_DIR, StackError, log } from "./util.ts";

const USAGE = `usage: bun run stack <command> [service…]

commands:
  up [names…]      build what is missing, start what is not running, wait until healthy
  down [names…]    stop what this checkout started
  status [names…]  show each server's state; exits 1 unless all are healthy
  env              print the exports tests and the service use
  exec -- cmd…     run a command with those variables set

services: ${SERVICES.map((s) => s.name).join(", ")} (default: all)
data and logs: ${STACK_DIR}`;

const pidFile = (s: Service) => join(PID_DIR, `${s.name}.pid`);
const logFile = (s: Service) => join(LOG_DIR, `${s.name}.log`);

function readPid(s: Service): number | undefined {
  if (!existsSync(pidFile(s))) return undefined;
  const pid = Number(readFileSync(pidFile(s), "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0); it is not a running server.
  const stat = spawnSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim();
  return stat !== "" && !stat.startsWith("Z");
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port, host: "127.0.0.1", exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function portHolder(port: number): string {
  const out = spawnSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" }).stdout?.trim();
  return out ? ` (held by: ${out.replace(/\s+/g, " ")})` : "";
}

function tail(path: string, lines = 25): string {
  if (!existsSync(path)) return "(no log)";
  return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

async function waitHealthy(s: Service, pid: number): Promise<void> {
  const deadline = Date.now() + s.startTimeout * 1000;
  for (;;) {
    if (await s.healthy()) return;
    if (Date.now() > deadline) break;
    if (!alive(pid)) {
      throw new StackError(`${s.name} exited during start-up. Last lines of ${logFile(s)}:\n${tail(logFile(s))}`);
    }
    await Bun.sleep(500);
  }
  throw new StackError(
    `${s.name} did not become healthy within ${s.startTimeout}s. Last lines of ${logFile(s)}:\n${tail(logFile(s))}`,
  );
}

async function up(s: Service): Promise<void> {
  const pid = readPid(s);
  if (alive(pid)) {
    if (await s.healthy()) return log(s.name, `already running (pid ${pid})`);
    log(s.name, `running (pid ${pid}) but not healthy yet; waiting`);
    return waitHealthy(s, pid!);
  }
  for (const port of s.ports) {
    if (!(await portFree(port))) {
      throw new StackError(
        `${s.name} cannot start: port ${port} on 127.0.0.1 is taken by a process this checkout did not start${portHolder(port)}.`,
      );
    }
  }
  await s.ensureInstalled();
  await s.prepare?.();
  const [cmd, ...args] = s.command();
  const out = openSync(logFile(s), "a");
  writeFileSync(out, `\n--- ${new Date().toISOString()} starting: ${s.command().join(" ")}\n`);
  // detached: its own process group, so `down` can stop the server and any child of it.
  const child = spawn(cmd!, args, { detached: true, stdio: ["ignore", out, out], cwd: STACK_DIR });
  closeSync(out);
  const started = await new Promise<number>((resolve, reject) => {
    child.once("spawn", () => resolve(child.pid!));
    child.once("error", (e) => reject(new StackError(`${s.name}: cannot run ${cmd}: ${e.message}`)));
  });
  child.unref();
  writeFileSync(pidFile(s), `${started}\n`);
  log(s.name, `started (pid ${started}), waiting until healthy…`);
  const t0 = Date.now();
  await waitHealthy(s, started);
  log(s.name, `healthy after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

async function down(s: Service): Promise<void> {
  const pid = readPid(s);
  if (!alive(pid)) {
    rmSync(pidFile(s), { force: true });
    return log(s.name, "not running");
  }
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid!, sig);
    } catch {
      try {
        process.kill(pid!, sig);
      } catch {}
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await Bun.sleep(200);
  if (alive(pid)) {
    log(s.name, "did not stop within 30s; killing");
    signal("SIGKILL");
    while (alive(pid)) await Bun.sleep(100);
  }
  rmSync(pidFile(s), { force: true });
  log(s.name, `stopped (pid ${pid})`);
}

async function status(services: Service[]): Promise<boolean> {
  let allHealthy = true;
  const rows = await Promise.all(
    services.map(async (s) => {
      const pid = readPid(s);
      const running = alive(pid);
      const healthy = running && (await s.healthy());
      let state = healthy ? "healthy" : running ? "unhealthy" : "stopped";
      if (!running && !(await portFree(s.ports[0]!))) state = "stopped (port taken by another process)";
      if (!healthy) allHealthy = false;
      return [s.name, state, running ? String(pid) : "-", s.ports.join(","), logFile(s)];
    }),
  );
  const header = ["SERVICE", "STATE", "PID", "PORTS", "LOG"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows])
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    );
  return allHealthy;
}

function stackEnv(): Record<string, string> {
  return Object.assign({}, ...SERVICES.map((s) => s.env));
}

function select(names: string[]): Service[] {
  if (names.length === 0) return SERVICES;
  return names.map((n) => {
    const s = SERVICES.find((x) => x.name === n);
    if (!s) throw new StackError(`unknown service '${n}'; known: ${SERVICES.map((x) => x.name).join(", ")}`);
    return s;
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  mkdirSync(LOG_DIR, { recursive: true });
  mkdirSync(PID_DIR, { recursive: true });
  switch (command) {
    case "up": {
      const results = await Promise.allSettled(select(rest).map(up));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      for (const f of failed)
        console.error(`[stack] error: ${f.reason instanceof Error ? f.reason.message : f.reason}`);
      return failed.length ? 1 : 0;
    }
    case "down":
      for (const s of select(rest).reverse()) await down(s);
      return 0;
    case "status":
      return (await status(select(rest))) ? 0 : 1;
    case "env":
      for (const [k, v] of Object.entries(stackEnv())) console.log(`export ${k}=${v}`);
      return 0;
    case "exec": {
      const cmd = rest[0] === "--" ? rest.slice(1) : rest;
      if (cmd.length === 0) throw new StackError("exec needs a command: bun run stack exec -- bun test");
      const res = spawnSync(cmd[0]!, cmd.slice(1), { stdio: "inherit", env: { ...stackEnv(), ...process.env } });
      if (res.error) throw new StackError(`cannot run ${cmd[0]}: ${res.error.message}`);
      return res.status ?? 1;
    }
    default:
      console.error(USAGE);
      return command === undefined || command === "help" || command === "--help" ? 0 : 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof StackError)) throw e;
  console.error(`[stack] error: ${e.message}`);
  process.exitCode = 1;
}
