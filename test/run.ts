// Runs every test (unit and integration) with `bun test` and ends with one plain summary line,
// "tests: N passed, N failed, N skipped", that CI can read. Exit code is bun test's.
export {};
const args = process.argv.slice(2);
// bunfig.toml cannot set the per-test timeout; integration tests need more than 5 s.
const proc = Bun.spawn(["bun", "test", "--timeout", "60000", ...args], {
  stdout: "inherit",
  stderr: "pipe",
  stdin: "inherit",
});

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
