// Runs every test (unit and integration) and ends with one plain summary line,
// "tests: N passed, N failed, N skipped", that CI can read. Exit code is bun test's.
//
// The compiled binary is built once, here, before any file starts (every worker uses it through
// TEST_SERVICE_BINARY); the files then run in parallel worker processes, the slowest first
// (test/timings.json, refreshed with --update-timings). Tests never stop the shared stack: a test
// that needs an outage stops a store or broker of its own (test/support/own-servers.ts).
import { cpus } from "node:os";
import { build } from "../scripts/build.ts";
import { TEST_BINARY } from "./support/binary.ts";

const args = process.argv.slice(2);
const WORKERS = Number(process.env.TEST_WORKERS ?? Math.max(3, cpus().length + 1));

if (!process.env.TEST_SERVICE_BINARY) {
  const t = performance.now();
  process.env.TEST_SERVICE_BINARY = await build({ outfile: TEST_BINARY });
  console.error(`[test] built ${TEST_BINARY} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// bunfig.toml cannot set the per-test timeout; integration tests need more than 5 s.
const proc = Bun.spawn(
  ["bun", "test", "--timeout", "60000", `--parallel=${WORKERS}`, "--timings=test/timings.json", ...args],
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
