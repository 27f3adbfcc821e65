// HTTP throughput of the service, as ratios against a bare Bun.serve reference run side by side.
//   bun run stack up && bun bench/http.ts [seconds]
// Uses wrk (Debian's package) on loopback only; bounded in time; prints a table.
import { join } from "node:path";
import { serviceEnv, startService } from "../test/support/service.ts";
import { stack, uniqueName } from "../test/support/stack.ts";

const seconds = Number(process.argv[2] ?? 10);
const ROOT = join(import.meta.dir, "..");

/** Async on purpose: this process must keep draining the service's log pipe while wrk runs. */
async function wrk(url: string): Promise<{ rps: number; p99ms: number }> {
  const proc = Bun.spawn(["wrk", "-t2", "-c32", `-d${seconds}s`, "--latency", url], { stdout: "pipe" });
  const out = await new Response(proc.stdout).text();
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0);
  const p99 = out.match(/99%\s+([\d.]+)(us|ms|s)/);
  const p99ms = p99 ? Number(p99[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[p99[2]!]! : NaN;
  if (!rps) throw new Error(`wrk produced no result for ${url}:\n${out}`);
  return { rps, p99ms };
}

const s = await stack();
const svc = await startService(
  serviceEnv(s, { COURSES_MONGO_DATABASE: uniqueName("bench").replaceAll("-", "_"), COURSES_LOG_LEVEL: "info" }),
);
try {
  const created = await fetch(`${svc.url}/v1/courses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      title: "Bench course",
      summary: "s",
      description: "d",
      language: "en",
      level: "beginner",
      instructor: { id: "i", name: "n" },
    }),
  });
  const course = (await created.json()) as { id: string };
  const courseJson = await (await fetch(`${svc.url}/v1/courses/${course.id}`)).text();
  const healthJson = await (await fetch(`${svc.url}/healthz`)).text();
  const rows: string[][] = [];
  for (const [name, path, body] of [
    ["GET /healthz", "/healthz", healthJson],
    ["GET /v1/courses/{id}", `/v1/courses/${course.id}`, courseJson],
  ] as const) {
    const file = `/tmp/bench-body-${process.pid}.json`;
    await Bun.write(file, body);
    const ref = Bun.spawn(["bun", join(import.meta.dir, "reference-server.ts"), file], { stdout: "pipe" });
    const first = new TextDecoder().decode((await ref.stdout.getReader().read()).value);
    const refPort = Number(first.match(/listening (\d+)/)?.[1]);
    const a = await wrk(`${svc.url}${path}`);
    const b = await wrk(`http://127.0.0.1:${refPort}/`);
    ref.kill();
    rows.push([
      name,
      a.rps.toFixed(0),
      b.rps.toFixed(0),
      (a.rps / b.rps).toFixed(2),
      a.p99ms.toFixed(2),
      b.p99ms.toFixed(2),
    ]);
  }
  const header = ["endpoint", "service req/s", "reference req/s", "ratio", "service p99 ms", "reference p99 ms"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  console.log(`wrk -t2 -c32 -d${seconds}s, loopback, 2 cores shared by client and servers; ${ROOT}`);
  for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
} finally {
  await svc.stop();
}
