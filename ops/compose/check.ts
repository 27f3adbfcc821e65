// Validates compose files with compose-go, the loader of Docker Compose v2 (ops/compose/check/).
// The checker is built with `go build` once per compose-go version and source hash, and cached in
// ~/.cache/courses like the stack's servers. No Docker engine needed.
//
//   bun ops/compose/check.ts [-json] FILE...
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR, OPS_DIR, need, run } from "../stack/util.ts";

const SRC = join(OPS_DIR, "compose/check");

/** Path of the compose-check binary, built on first use. */
export async function composeCheck(): Promise<string> {
  const files = ["main.go", "go.mod", "go.sum"].map((f) => readFileSync(join(SRC, f)));
  const version = /compose-spec\/compose-go\/v2 (v\S+)/.exec(files[1]!.toString())?.[1] ?? "unknown";
  const hash = createHash("sha256");
  for (const f of files) hash.update(f);
  const bin = join(CACHE_DIR, `compose-check-${version}-${hash.digest("hex").slice(0, 8)}`, "compose-check");
  if (!existsSync(bin)) {
    need("go", "builds the compose file checker (compose-go) from the Go module proxy");
    await run("go", ["build", "-trimpath", "-o", bin, "."], { cwd: SRC });
  }
  return bin;
}

if (import.meta.main) {
  const proc = Bun.spawn([await composeCheck(), ...process.argv.slice(2)], { stdout: "inherit", stderr: "inherit" });
  process.exit(await proc.exited);
}
