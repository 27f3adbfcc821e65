// Binary size and start-up time, with and without --bytecode, built by the one build command
// (scripts/build.ts). Start-up is exec → first 200 on /healthz, median (min–max) of N runs against
// the running stack (`bun run stack up`; `eval "$(bun run stack env)"` for its addresses).
//
//   bun bench/startup.ts [--runs=10]
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "../scripts/build.ts";

const ROOT = join(import.meta.dir, "..");
const OUT = join(ROOT, ".stack/bench-startup");
const { values } = parseArgs({ options: { runs: { type: "string", default: "10" } } });
const runs = Number(values.runs);

mkdirSync(OUT, { recursive: true });
const bytecode = await build({ outfile: join(OUT, "courses") });
const plain = await build({ outfile: join(OUT, "courses-no-bytecode"), bytecode: false });
// The runtime's share: the smallest program compiled the same way.
writeFileSync(join(OUT, "empty.ts"), "export {};\n");
const empty = Bun.spawnSync([
  process.execPath,
  "build",
  join(OUT, "empty.ts"),
  "--compile",
  "--minify",
  "--outfile",
  join(OUT, "empty"),
]);
if (empty.exitCode !== 0) throw new Error(empty.stderr.toString());

const mib = (path: string) => Bun.file(path).size / 2 ** 20;

function freePort(): number {
  const s = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

/** One start: ms from spawn to the first 200 on /healthz. */
async function startOnce(bin: string): Promise<number> {
  const port = freePort();
  const t0 = performance.now();
  const proc = Bun.spawn([bin, "serve"], {
    cwd: OUT,
    env: {
      ...process.env,
      COURSES_HTTP_PORT: String(port),
      COURSES_LOG_LEVEL: "warn",
      COURSES_TELEMETRY_TRACING_ENABLED: "false",
      COURSES_MONGO_URL: process.env.MONGO_URL ?? "mongodb://127.0.0.1:27017/",
      COURSES_KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092",
      COURSES_MONGO_DATABASE: "bench_startup",
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

async function measure(bin: string) {
  await startOnce(bin); // warm the page cache and the store's database
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await startOnce(bin));
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times.at(-1)! };
}

const rows: string[] = [];
for (const [name, bin] of [
  ["--bytecode (shipped)", bytecode],
  ["without --bytecode", plain],
] as const) {
  const t = await measure(bin);
  rows.push(
    `| ${name} | ${mib(bin).toFixed(1)} MiB | ${t.median.toFixed(0)} ms | ${t.min.toFixed(0)}–${t.max.toFixed(0)} ms |`,
  );
}
const cores = Bun.spawnSync(["nproc"]).stdout.toString().trim();
console.log(`Measured ${new Date().toISOString().slice(0, 10)}, Bun ${Bun.version}, ${cores} cores, ${runs} runs each:

| binary | size | exec → first 200 on /healthz (median) | min–max |
|---|---|---|---|
${rows.join("\n")}
| empty program, \`bun build --compile --minify\` (the runtime) | ${mib(join(OUT, "empty")).toFixed(1)} MiB | | |
`);
rmSync(OUT, { recursive: true, force: true });
