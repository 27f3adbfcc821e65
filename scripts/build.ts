// The one build command of the binary: `bun run build` → dist/courses. The Dockerfile, the tests,
// the benchmarks and docs/BUILD_README.md all call this script, so the flags cannot drift.
//
//   bun scripts/build.ts [--outfile=PATH] [--no-bytecode] [--print]
//
// The git revision is baked in (`courses --version`): COURSES_BUILD_REVISION when set (the image
// build has no .git), else `git rev-parse`, with "-dirty" when the tree has uncommitted changes.
import { parseArgs } from "node:util";
import { rm } from "node:fs/promises";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dir, "..");

export interface BuildOptions {
  outfile?: string;
  /** Default true. Without it the binary is ~9 MB smaller and starts slower (docs/BUILD_README.md). */
  bytecode?: boolean;
  revision?: string;
}

export function buildCommand(opts: BuildOptions = {}): string[] {
  const outfile = opts.outfile ?? join(ROOT, "dist/courses");
  const revision = opts.revision ?? revisionOf();
  return [
    process.execPath,
    "build",
    "src/main.ts",
    "--compile",
    "--minify",
    // Readable class and function names in logs and stack traces for ~0.3 MB.
    "--keep-names",
    ...(opts.bytecode === false ? [] : ["--bytecode"]),
    // --bytecode defaults to CommonJS, which rejects main.ts's top-level await.
    "--format=esm",
    // Embedded, so stack traces point into src/ even in the binary.
    "--sourcemap",
    // A production binary must not pick up a .env or bunfig.toml from whatever directory it runs in.
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    `--define=COURSES_BUILD_REVISION=${JSON.stringify(revision)}`,
    `--define=COURSES_BUILD_TIME=${JSON.stringify(new Date().toISOString().replace(/\.\d+Z$/, "Z"))}`,
    "--outfile",
    outfile,
  ];
}

function revisionOf(): string {
  if (process.env.COURSES_BUILD_REVISION) return process.env.COURSES_BUILD_REVISION;
  const git = (...args: string[]) => Bun.spawnSync(["git", ...args], { cwd: ROOT, stderr: "ignore" });
  const head = git("rev-parse", "--short=12", "HEAD");
  if (head.exitCode !== 0) return "unknown";
  const dirty = git("status", "--porcelain", "--untracked-files=no").stdout.toString().trim() !== "";
  return head.stdout.toString().trim() + (dirty ? "-dirty" : "");
}

/** Builds the binary; resolves to its path. Throws with bun's output when the build fails. */
export async function build(opts: BuildOptions = {}): Promise<string> {
  const cmd = buildCommand(opts);
  const proc = Bun.spawn(cmd, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`build failed (${code}): ${cmd.join(" ")}\n${out}${err}`);
  const outfile = cmd[cmd.length - 1]!;
  // The source map is embedded in the binary (stack traces point into src/ without it); bun also
  // writes it beside the binary, where nothing reads it.
  await rm(`${outfile}.map`, { force: true });
  return outfile;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { outfile: { type: "string" }, "no-bytecode": { type: "boolean" }, print: { type: "boolean" } },
  });
  const opts = { outfile: values.outfile, bytecode: !values["no-bytecode"] };
  if (values.print) {
    console.log(buildCommand(opts).slice(1).join(" "));
  } else {
    const t0 = performance.now();
    const out = await build(opts);
    const size = Bun.file(out).size;
    console.log(
      `built ${relative(process.cwd(), out) || out} (${(size / 2 ** 20).toFixed(1)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
}
