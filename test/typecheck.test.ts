// The whole tree type-checks (strict): bun runs TypeScript without checking types.
import { expect, it } from "bun:test";
import { join } from "node:path";

it("tsc --noEmit passes", async () => {
  const root = join(import.meta.dir, "..");
  const proc = Bun.spawn(["bun", join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", root], {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = await new Response(proc.stdout).text();
  expect({ code: await proc.exited, out: out.split("\n").slice(0, 20).join("\n") }).toEqual({ code: 0, out: "" });
}, 180_000);
