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
import { spawn } from "node:child_process";
import { renameSync, rmSync, writeFileSync } from "node:fs";
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
  "test/integration/observability.test.ts",
  "test/integration/stack.test.ts",
];

let timings = TIMINGS;
/** Jaeger's `stack up` while it is still running: its process group, killed if the run ends first. */
let jaegerStarting: number | undefined;
if (!(process.env.MONGO_URL && process.env.KAFKA_BROKERS)) {
  // Its own process group (detached), so a build still running when the tests end goes with it.
  const cli = (names: string[]) =>
    spawn("bun", [join(ROOT, "ops/stack/cli.ts"), "up", ...names], {
      detached: true,
      stdio: ["ignore", "inherit", "pipe"],
    });
  // The stack's output goes on as it comes; the last lines are kept for Jaeger's outcome file.
  const forward = (p: ReturnType<typeof cli>) =>
    new Promise<{ code: number; tail: string }>((resolve) => {
      let tail = "";
      p.stderr!.on("data", (chunk: Buffer) => {
        process.stderr.write(chunk);
        tail = (tail + chunk.toString()).slice(-2000);
      });
      p.once("close", (code) => resolve({ code: code ?? 1, tail }));
    });
  const jaegerProc = cli(["jaeger"]);
  jaegerStarting = jaegerProc.pid;
  const jaeger = forward(jaegerProc);
  void jaeger.then(() => (jaegerStarting = undefined));
  const rest = await forward(cli(SERVICES.map((s) => s.name).filter((n) => n !== "jaeger")));
  if (rest.code !== 0) finish(rest.code);
  // The variables `bun ops/stack/cli.ts exec` sets; the environment's own win.
  for (const s of SERVICES) for (const [k, v] of Object.entries(s.env)) process.env[k] ??= v;
  if (jaegerStarting !== undefined) {
    const pending = join(STACK_DIR, "jaeger-started");
    rmSync(pending, { force: true });
    process.env.STACK_JAEGER_PENDING = pending;
    // Written whole, then renamed: a waiting test never reads a half-written outcome.
    void jaeger.then(({ code, tail }) => {
      writeFileSync(`${pending}.tmp`, code === 0 ? "ok" : `stack up jaeger exited ${code}:\n${tail}`);
      renameSync(`${pending}.tmp`, pending);
    });
    // Slowest first, except the files that wait for Jaeger: last.
    const measured = (await Bun.file(TIMINGS).json()) as { version: number; files: Record<string, number> };
    for (const f of NEEDS_JAEGER) measured.files[f] = 0;
    timings = join(STACK_DIR, "timings-jaeger-last.json");
    writeFileSync(timings, JSON.stringify(measured));
    console.error("[test] Jaeger is still starting (first run: built from sources); the files that need it run last");
  } else if ((await jaeger).code !== 0) {
    finish((await jaeger).code);
  }
}

/** Ends the run; a Jaeger build still going (every test failed early) is stopped with it. */
function finish(code: number): never {
  if (jaegerStarting !== undefined) {
    try {
      process.kill(-jaegerStarting, "SIGTERM");
    } catch {}
  }
  process.exit(code);
}

if (!process.env.TEST_SERVICE_BINARY) {
  const t = performance.now();
  process.env.TEST_SERVICE_BINARY = await build({ outfile: TEST_BINARY });
  console.error(`[test] built ${TEST_BINARY} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// bunfig.toml cannot set the per-test timeout; integration tests need more than 5 s.
const proc = Bun.spawn(
  [
    // While Jaeger builds (a first run), the build is what the files that need it wait for: the
    // tests take the cores it leaves.
    ...(process.env.STACK_JAEGER_PENDING ? ["nice", "-n", "10"] : []),
    "bun",
    "test",
    "--timeout",
    "60000",
    `--parallel=${WORKERS}`,
    `--timings=${timings}`,
    ...args,
  ],
  // The environment as this runner set it: Bun.spawn's default is the environment the process
  // started with, without later assignments to process.env.
  { stdout: "inherit", stderr: "pipe", stdin: "inherit", env: { ...process.env } },
);

let output = "";
const decoder = new TextDecoder();
for await (const chunk of proc.stderr) {
  process.stderr.write(chunk);
  output += decoder.decode(chunk, { stream: true });
}
const code = await proc.exited;
const tail = output.slice(-4000);

const count = (word: string) => Number(tail.match(new RegExp(`^\\s*(\\d+) ${word}$`, "m"))?.[1] ?? 0);
const passed = count("pass");
const failed = count("fail");
const skipped = count("skip") + count("todo");
if (passed + failed === 0) {
  console.log("tests: no test ran");
  finish(code === 0 ? 1 : code);
}
if (failed) console.error(failureRecap(output));
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
finish(code);

/**
 * Each failed test again with what it printed before its "(fail)" line (the error and its
 * diff), back to the test before it or its file's header: a CI log often keeps only its end.
 */
function failureRecap(text: string): string {
  // Bun's summary at the end names the failures again, without their output: not those.
  const summary = text.search(/^\d+ tests? failed:$/m);
  const lines = (summary < 0 ? text : text.slice(0, summary)).split("\n");
  const boundary = /^(\(pass\)|\(fail\)|\(skip\)|\(todo\)|\S.*\.test\.ts:$)/;
  const blocks: string[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith("(fail)")) return;
    let start = i;
    while (start > 0 && i - start < 80 && !boundary.test(lines[start - 1]!)) start--;
    blocks.push(lines.slice(start, i + 1).join("\n"));
  });
  return `[test] the ${blocks.length} failure(s) again, each with what it printed:\n\n${blocks.join("\n\n")}\n`;
}
