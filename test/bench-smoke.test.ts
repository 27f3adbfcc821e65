// The benchmark harness still works end to end: `bench/run.ts --smoke` runs every scenario for a
// second against every reference and writes its report. No figure is judged here (benchmarks are
// never timing asserts); this checks that each scenario produced measurements and a ratio.
import { afterAll, expect, it } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./support/run.ts";

let out: string | undefined;
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

it("bun run bench --smoke measures every scenario on the service and its references", async () => {
  out = await mkdtemp(join(tmpdir(), "courses-bench-smoke-"));
  // Bounded below the test's own timeout, so a run that hangs still shows what it printed last
  // (a first run on a machine also installs wrk and builds the binary).
  const { stdout, stderr, code } = await run(["bun", "bench/run.ts", "--smoke", `--out=${out}`], {
    cwd: join(import.meta.dir, ".."),
    timeoutMs: 540_000,
  });
  if (code !== 0) console.error(stderr.slice(-6000));
  expect(code).toBe(0);
  const file = (await readdir(out)).find((f) => f.startsWith("smoke-") && f.endsWith(".json"))!;
  const result = await Bun.file(join(out, file)).json();
  const servers = (sc: string) => Object.keys(result.scenarios[sc] ?? {}).sort();
  expect(servers("GET /healthz")).toEqual(["bun-static", "fastify", "service"]);
  expect(servers("GET by id (random of all)")).toEqual(["bun-driver", "fastify", "service"]);
  expect(servers("invalid create (400)")).toEqual(["bun-static", "fastify", "service"]);
  expect(servers("GET by id, tracing: all sampled / shipped ratio / off")).toEqual([
    "service-sampled-all",
    "service-shipped-ratio",
    "service-untraced",
  ]);
  expect(Object.keys(result.scenarios)).toHaveLength(7);
  for (const byServer of Object.values(result.scenarios) as Record<string, { rps: number; requests: number }[]>[])
    for (const runs of Object.values(byServer)) for (const r of runs) expect(r.requests).toBeGreaterThan(0);
  // Every target got a figure, and the non-load figures are there.
  expect(result.targets.map((t: { target: string }) => t.target)).toEqual(
    expect.arrayContaining([
      "CPU per 10k GET by id ≤ 1.25× the raw Bun + driver's",
      "CPU per 10k GET by id ≤ 0.9× Fastify's",
      "CPU per 10k invalid POST ≤ 1.0× Fastify's",
    ]),
  );
  expect(result.targets).toHaveLength(15);
  for (const t of result.targets) expect(Number.isFinite(t.value)).toBe(true);
  for (const f of [
    "exec → first 200 on /healthz",
    "outbox: create throughput",
    "outbox: relay drain after a Kafka outage",
    "raw producer (@platformatic/kafka)",
    "traces started per second at the shipped ratio",
    "scraper: a 50-item",
  ])
    expect(Object.keys(result.figures).some((k) => k.startsWith(f))).toBe(true);
  expect(stdout).toContain("| target | min | median | max | goal | met |");
  // The report says which configuration ran and which file its figures are in.
  expect(stdout).toContain("the configuration the image ships");
  expect(stdout).toContain(join(out, file));
  expect(await Bun.file(join(out, "bench.svg")).text()).toStartWith("<svg");
}, 600_000);
