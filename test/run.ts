// Runs every test (unit and integration) and ends with one plain summary line,
// "tests: N passed, N failed, N skipped", that CI can read. Exit code is bun test's.
//
// Unless the endpoints are given (MONGO_URL and KAFKA_BROKERS set: used as they are), it starts
// the local stack first (`bun ops/stack/cli.ts up`). Jaeger starts beside the others and is not
// waited for: on a machine's first run it is built from Go sources for minutes, while every file
// that does not need it runs; the files that do (NEEDS_JAEGER) are scheduled last and wait in
// `stack({ jaeger: true })` for the file this runner writes when Jaeger's start ends.
//
// The compiled binary is built once, here, before any file starts (every worker uses it through
// TEST_SERVICE_BINARY); the files then run in parallel worker processes, the slowest first
// (test/timings.json, refreshed with --update-timings). Tests never stop the shared stack: a test
// that needs an outage stops a store or broker of its own (test/support/own-servers.ts).
import { rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { SERVICES } from "../ops/stack/services.ts";
import { STACK_DIR } from "../ops/stack/util.ts";
import { build } from "../scripts/build.ts";
import { TEST_BINARY } from "./support/binary.ts";

const ROOT = join(import.meta.dir, "..");
const args = process.argv.slice(2);
const WORKERS = Number(process.env.TEST_WORKERS ?? Math.max(3, cpus().length + 1));
const TIMINGS = join(ROOT, "test/timings.json");
/** The files that call `stack({ jaeger: true })` (the bench smoke through bench/run.ts). */
const NEEDS_JAEGER = [
  "test/bench-smoke.test.ts",
  "test/integration/dashboards.test.ts",
  "test/integration/events.test.ts",
  "test/integration/observability.test.ts",
  "test/integration/stack.test.ts",
];

let timings = TIMINGS;
if (!(process.env.MONGO_URL && process.env.KAFKA_BROKERS)) {
  const cli = (names: string[]) =>
    Bun.spawn(["bun", join(ROOT, "ops/stack/cli.ts"), "up", ...names], { stdout: "inherit", stderr: "pipe" });
  // The stack's output goes on as it comes; Jaeger's last lines are kept for its outcome file.
  const forward = async (p: ReturnType<typeof cli>) => {
    let tail = "";
    const decoder = new TextDecoder();
    for await (const chunk of p.stderr) {
      process.stderr.write(chunk);
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-2000);
    }
    return { code: await p.exited, tail };
  };
  const jaeger = forward(cli(["jaeger"]));
  let jaegerDone = false;
  void jaeger.then(() => (jaegerDone = true));
  const rest = await forward(cli(SERVICES.map((s) => s.name).filter((n) => n !== "jaeger")));
  if (rest.code !== 0) process.exit(rest.code);
  // The variables `bun ops/stack/cli.ts exec` sets; the environment's own win.
  for (const s of SERVICES) for (const [k, v] of Object.entries(s.env)) process.env[k] ??= v;
  await Bun.sleep(0);
  if (!jaegerDone) {
    const pending = join(STACK_DIR, "jaeger-started");
    rmSync(pending, { force: true });
    process.env.STACK_JAEGER_PENDING = pending;
    void jaeger.then(({ code, tail }) =>
      writeFileSync(pending, code === 0 ? "ok" : `stack up jaeger exited ${code}:\n${tail}`),
    );
    // Slowest first, except the files that wait for Jaeger: last.
    const measured = (await Bun.file(TIMINGS).json()) as { version: number; files: Record<string, number> };
    for (const f of NEEDS_JAEGER) measured.files[f] = 0;
    timings = join(STACK_DIR, "timings-jaeger-last.json");
    writeFileSync(timings, JSON.stringify(measured));
    console.error("[test] Jaeger is still starting (first run: built from sources); the files that need it run last");
  } else if ((await jaeger).code !== 0) {
    process.exit((await jaeger).code);
  }
}

if (!process.env.TEST_SERVICE_BINARY) {
  const t = performance.now();
  process.env.TEST_SERVICE_BINARY = await build({ outfile: TEST_BINARY });
  console.error(`[test] built ${TEST_BINARY} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// bunfig.toml cannot set the per-test timeout; integration tests need more than 5 s.
const proc = Bun.spawn(
  ["bun", "test", "--timeout", "60000", `--parallel=${WORKERS}`, `--timings=${timings}`, ...args],
  { stdout: "inherit", stderr: "pipe", stdin: "inherit" },
);

let tail = "";
const decoder = new TextDecoder();
for await (const chunk of proc.stderr) {
  process.stderr.write(chunk);
  tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4000);
}
const code = await proc.exited;

const count = (word: string) => Number(tail.match(new RegExp(`^\\s*(\\d+) ${word}$`, "m"))?.[1] ?? 0);
const passed = count("pass");
const failed = count("fail");
const skipped = count("skip") + count("todo");
if (passed + failed === 0) {
  console.log("tests: no test ran");
  process.exit(code === 0 ? 1 : code);
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(code);
