// House rules: the tree is formatted (line width 120) and passes the linter (biome.json).
// `bun run fix` applies the formatter and the safe lint fixes.
import { expect, it } from "bun:test";
import { join } from "node:path";

it("biome check passes: formatting and lint rules", async () => {
  const proc = Bun.spawn(["bunx", "biome", "check", "--max-diagnostics=20", "."], {
    cwd: join(import.meta.dir, ".."),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  expect(code, `${out}${err}\nRun \`bun run fix\` to format and apply safe fixes.`).toBe(0);
}, 60_000);
