// The scraper on 20 real-world feeds (../shared/feeds, read in place): every valid feed imports at
// least 95 % of its items, every broken one fails cleanly. Runs when that folder exists and says so
// when it does not (it is not part of the repository).
import { expect, it } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_FEEDS, runConformance } from "../../scripts/scrape-conformance.ts";
import { stack } from "../support/stack.ts";

const folder = process.env.COURSES_CONFORMANCE_FEEDS ?? DEFAULT_FEEDS;
const missing = !existsSync(join(folder, "MANIFEST.tsv"));
if (missing)
  console.warn(`[skip] scraper conformance: no MANIFEST.tsv in ${folder} (set COURSES_CONFORMANCE_FEEDS to run it)`);

it.skipIf(missing)(
  "imports >= 95 % of every valid real-world feed and fails each broken one cleanly",
  async () => {
    const { exitCode, results } = await runConformance(folder, (await stack()).mongoUrl);
    const failing = results.filter((r) => !r.ok).map((r) => `${r.file}: ${r.imported}/${r.expected} — ${r.summary}`);
    expect(failing).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(20);
    expect(exitCode).toBe(0);
  },
  180_000,
);
