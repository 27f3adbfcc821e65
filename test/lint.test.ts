// House rules: the tree is formatted (line width 120) and passes the linter (biome.json).
// `bun run fix` applies the formatter and the safe lint fixes.
import { expect, it } from "bun:test";
import { join } from "node:path";
import { run } from "./support/run.ts";

it("biome check passes: formatting and lint rules", async () => {
  const {
    stdout: out,
    stderr: err,
    code,
  } = await run(["bunx", "biome", "check", "--max-diagnostics=20", "."], {
    cwd: join(import.meta.dir, ".."),
  });
  expect(code, `${out}${err}\nRun \`bun run fix\` to format and apply safe fixes.`).toBe(0);
}, 60_000);
