// schemathesis (PyPI), in a virtualenv cached by version outside the checkout like the stack's
// servers: created on first use with the machine's python3, reused afterwards.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR } from "../../ops/stack/util.ts";

export const SCHEMATHESIS_VERSION = "4.32.5";
const VENV = join(CACHE_DIR, `schemathesis-${SCHEMATHESIS_VERSION}`);

async function run(cmd: string[]): Promise<void> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited with ${code}:\n${out}\n${err}`);
}

/** Path of the `st` executable, installing it first when needed. */
export async function schemathesis(): Promise<string> {
  const st = join(VENV, "bin/st");
  const marker = join(VENV, ".complete");
  if (existsSync(marker)) return st;
  const python = Bun.which("python3");
  if (!python) throw new Error("schemathesis needs python3 (with venv) on PATH");
  await run([python, "-m", "venv", "--clear", VENV]);
  await run([
    join(VENV, "bin/pip"),
    "install",
    "--quiet",
    "--disable-pip-version-check",
    `schemathesis==${SCHEMATHESIS_VERSION}`,
  ]);
  await Bun.write(marker, `${SCHEMATHESIS_VERSION}\n`);
  return st;
}
