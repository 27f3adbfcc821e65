// What the harness measures with: wrk (Debian's package) for load, /proc for CPU and memory.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Load {
  /** Full URL of the first request (GET) or of every request. */
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** A body template: `%s` is replaced by a string unique within the run. */
  body?: string;
  /** Paths to pick from at random, one per request (GET), instead of the URL's path. */
  paths?: string[];
}

export interface LoadResult {
  rps: number;
  p50ms: number;
  p99ms: number;
  requests: number;
  /** Answers outside 2xx/3xx (expected for the invalid-POST scenario only). */
  non2xx: number;
  errors: number;
  /** CPU seconds the server used per 10,000 requests. */
  cpuPer10k: number;
}

const lua = (s: string) => JSON.stringify(s); // a JSON string literal is a valid Lua string literal here

/**
 * A wrk script for the load: method, headers, body with a counter, or a random path per request.
 * Written (and awaited) under a name unique to the run's scenario, server and round, before wrk
 * starts: wrk never reads a missing file or another scenario's script.
 */
async function script(load: Load, dir: string, name: string): Promise<string> {
  const lines = [`wrk.method = ${lua(load.method ?? "GET")}`];
  for (const [k, v] of Object.entries(load.headers ?? {})) lines.push(`wrk.headers[${lua(k)}] = ${lua(v)}`);
  if (load.paths) {
    const file = join(dir, `${name}.paths`);
    await Bun.write(file, `${load.paths.join("\n")}\n`);
    lines.push(
      "local paths = {}",
      `for line in io.lines(${lua(file)}) do paths[#paths + 1] = line end`,
      "math.randomseed(42)",
      "request = function() return wrk.format(nil, paths[math.random(#paths)]) end",
    );
  } else if (load.body?.includes("%s")) {
    lines.push(
      "local n = 0",
      `local template = ${lua(load.body)}`,
      "local salt = tostring(os.time()) .. tostring(math.random(1000000))",
      'request = function() n = n + 1; return wrk.format(nil, nil, nil, string.format(template, salt .. "-" .. n)) end',
    );
  } else if (load.body) {
    lines.push(`wrk.body = ${lua(load.body)}`);
  }
  const path = join(dir, `${name}.lua`);
  await Bun.write(path, `${lines.join("\n")}\n`);
  return path;
}

const UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };
const ms = (m: RegExpMatchArray | null) => (m ? Number(m[1]) * UNIT[m[2]!]! : Number.NaN);

/** CPU ticks (1/100 s) the process used so far: utime + stime. */
export function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(f[11]) + Number(f[12]);
}

/** Resident memory in MiB. */
export function rssMiB(pid: number): number {
  const kb = Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1]);
  return kb / 1024;
}

/**
 * Runs wrk against one server for `seconds` with `connections` (one thread: the other core is the
 * server's). Async on purpose: the caller must keep draining the servers' log pipes meanwhile.
 */
export async function wrk(
  load: Load,
  opts: { seconds: number; connections: number; pid: number; dir: string; name: string },
): Promise<LoadResult> {
  const s = await script(load, opts.dir, opts.name);
  const c0 = cpuTicks(opts.pid);
  const proc = Bun.spawn(
    ["wrk", "-t1", `-c${opts.connections}`, `-d${opts.seconds}s`, "--latency", "--timeout", "10s", "-s", s, load.url],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  const cpu = (cpuTicks(opts.pid) - c0) / 100;
  const requests = Number(out.match(/(\d+) requests in/)?.[1] ?? 0);
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0);
  if (!requests) {
    // Nothing finished within a short window (a smoke run's second, on a loaded machine, against
    // a scenario that scans the store): once more, long enough for the queue to drain.
    if (opts.seconds < 5) return wrk(load, { ...opts, seconds: 5, name: `${opts.name}-longer` });
    throw new Error(`wrk produced no result for ${load.url}:\n${out}\n${err}`);
  }
  const errors = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    rps,
    p50ms: ms(out.match(/50%\s+([\d.]+)(us|ms|s)/)),
    p99ms: ms(out.match(/99%\s+([\d.]+)(us|ms|s)/)),
    requests,
    non2xx: Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0),
    errors: errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    cpuPer10k: (cpu / requests) * 10_000,
  };
}

/**
 * Refuses a run whose answers are not what its scenario expects (all 2xx/3xx, or all not, for
 * an invalid-request scenario) or that had socket errors: such figures measure something else.
 */
export function checkAnswers(r: LoadResult, expectNon2xx: boolean, what: string): void {
  const expected = expectNon2xx ? r.requests : 0;
  if (r.non2xx !== expected || r.errors > 0)
    throw new Error(
      `${what}: ${r.non2xx} of ${r.requests} answers non-2xx/3xx (expected ${expected}), ${r.errors} socket errors — not reported`,
    );
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Runs `task(0..count-1)` with `workers` of them in flight at a time. */
export async function inParallel(workers: number, count: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
}
