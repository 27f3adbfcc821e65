// schemathesis (PyPI), in a virtualenv cached by version outside the checkout like the stack's
// servers: created on first use with the machine's python3, reused afterwards.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR } from "../../ops/stack/util.ts";
import { run } from "./run.ts";

export const SCHEMATHESIS_VERSION = "4.32.5";
const VENV = join(CACHE_DIR, `schemathesis-${SCHEMATHESIS_VERSION}`);

async function check(cmd: string[]): Promise<void> {
  const r = await run(cmd);
  if (r.code !== 0) throw new Error(`${cmd.join(" ")} exited with ${r.code}:\n${r.stdout}\n${r.stderr}`);
}

/** Path of the `st` executable, installing it first when needed. */
export async function schemathesis(): Promise<string> {
  const st = join(VENV, "bin/st");
  const marker = join(VENV, ".complete");
  if (existsSync(marker)) return st;
  const python = Bun.which("python3");
  if (!python) throw new Error("schemathesis needs python3 (with venv) on PATH");
  await check([python, "-m", "venv", "--clear", VENV]);
  await check([
    join(VENV, "bin/pip"),
    "install",
    "--quiet",
    "--disable-pip-version-check",
    `schemathesis==${SCHEMATHESIS_VERSION}`,
  ]);
  await Bun.write(marker, `${SCHEMATHESIS_VERSION}\n`);
  return st;
}
