// Binary size and start-up time, with and without --bytecode, built by the one build command
// (scripts/build.ts). Start-up is exec → first 200 on /healthz, median (min–max) of N runs against
// the running stack (`bun run stack up`; `eval "$(bun run stack env)"` for its addresses).
//
//   bun bench/startup.ts [--runs=10]
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "../scripts/build.ts";
import { startTimes } from "./lib/startup.ts";

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

const rows: string[] = [];
for (const [name, bin] of [
  ["--bytecode (shipped)", bytecode],
  ["without --bytecode", plain],
] as const) {
  const t = await startTimes(bin, runs, {}, OUT);
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
