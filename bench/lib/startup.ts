// Exec → first 200 on /healthz of a compiled binary, against the running stack.

export function freePort(): number {
  const s = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

/** One start: ms from spawn to the first 200 on /healthz. */
export async function startOnce(bin: string, env: Record<string, string>, cwd: string): Promise<number> {
  const port = freePort();
  const t0 = performance.now();
  const proc = Bun.spawn([bin, "serve"], {
    cwd,
    env: {
      ...process.env,
      COURSES_HTTP_PORT: String(port),
      COURSES_LOG_LEVEL: "warn",
      COURSES_TELEMETRY_TRACING_ENABLED: "false",
      COURSES_MONGO_URL: process.env.MONGO_URL ?? "mongodb://127.0.0.1:27017/",
      COURSES_KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092",
      COURSES_MONGO_DATABASE: "bench_startup",
      COURSES_AUTH_HS256_SECRET: "bench-only-secret-0123456789abcdef0123",
      ...env,
    },
    stdout: "ignore",
    stderr: "ignore",
  });
  try {
    for (;;) {
      if (performance.now() - t0 > 20_000) throw new Error(`${bin} did not answer /healthz within 20 s`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) return performance.now() - t0;
      await Bun.sleep(2);
    }
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}

/** Median, min and max of `runs` starts after one warm-up start. */
export async function startTimes(bin: string, runs: number, env: Record<string, string> = {}, cwd = process.cwd()) {
  await startOnce(bin, env, cwd); // warm the page cache and the store's database
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await startOnce(bin, env, cwd));
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times.at(-1)!, times };
}
