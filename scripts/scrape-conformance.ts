// Conformance of the scraper on real-world feeds: serves a folder of feeds (read in place, never
// copied) on loopback, runs the compiled binary's `scrape --once` with one source per feed against
// the stack's store (a fresh database, dropped after), and checks each feed against MANIFEST.tsv:
// a valid feed must import at least 95 % of its items; a broken one must fail cleanly (or, where
// the manifest counts recoverable items, recover 95 % of them) — and the process must not crash.
//
//   bun run scrape:conformance [FOLDER]      (default ../shared/feeds; needs `bun run stack up`)
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MongoClient } from "mongodb";
import { build } from "./build.ts";

const ROOT = join(import.meta.dir, "..");
export const DEFAULT_FEEDS = resolve(ROOT, "../shared/feeds");

export interface FeedResult {
  file: string;
  kind: string;
  expected: number;
  imported: number;
  summary: string;
  ok: boolean;
}

export async function runConformance(
  folder: string,
  mongoUrl: string,
): Promise<{ exitCode: number; results: FeedResult[] }> {
  const manifest = readFileSync(join(folder, "MANIFEST.tsv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split("\t"))
    .map(([file, kind, count]) => ({ file: file!, kind: kind!, expected: Number(count) }));
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const name = decodeURIComponent(new URL(req.url).pathname.slice(1));
      if (!manifest.some((m) => m.file === name)) return new Response("not found", { status: 404 });
      // No charset: the decoder must find it in the document, as for most real servers.
      return new Response(Bun.file(join(folder, name)), {
        headers: { "content-type": name.endsWith(".json") ? "application/json" : "application/xml" },
      });
    },
  });
  const nameOf = (file: string) =>
    file
      .replace(/\.[^.]+$/, "")
      .replace(/[^A-Za-z0-9._-]/g, "-")
      .slice(0, 64);
  const database = `conformance_${Date.now()}`;
  try {
    const bin = await build({ outfile: join(ROOT, ".stack/bin/courses") });
    const proc = Bun.spawn([bin, "scrape", "--once"], {
      cwd: ROOT,
      env: {
        ...process.env,
        COURSES_MONGO_URL: mongoUrl,
        COURSES_MONGO_DATABASE: database,
        COURSES_SCRAPER_SOURCES: JSON.stringify(
          manifest.map((m) => ({
            name: nameOf(m.file),
            url: `http://127.0.0.1:${server.port}/${encodeURIComponent(m.file)}`,
          })),
        ),
        COURSES_SCRAPER_ALLOW_PRIVATE_NETWORKS: "true",
        COURSES_SCRAPER_HOST_DELAY: "0ms",
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
        COURSES_LOG_LEVEL: "error",
      },
      stdout: "ignore",
      stderr: "pipe",
    });
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    const lines = new Map(
      stderr
        .split("\n")
        .filter((l) => /^[\w.-]+: /.test(l))
        .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]),
    );
    const results = manifest.map((m): FeedResult => {
      const summary = lines.get(nameOf(m.file)) ?? "(no summary)";
      const n = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(summary)?.[1] ?? 0);
      const imported = n("created") + n("updated") + n("unchanged");
      const enough = imported >= Math.ceil(m.expected * 0.95);
      const ok =
        m.kind === "broken" ? summary.startsWith("failed: ") || (m.expected > 0 && enough) : enough && m.expected > 0;
      return { file: m.file, kind: m.kind, expected: m.expected, imported, summary, ok };
    });
    // 0: all sources succeeded; 1: some failed (the broken ones). Anything else is a crash.
    const crashed = code !== 0 && code !== 1;
    return { exitCode: crashed ? code : results.every((r) => r.ok) ? 0 : 1, results };
  } finally {
    server.stop(true);
    const client = new MongoClient(mongoUrl);
    await client
      .db(database)
      .dropDatabase()
      .catch(() => {});
    await client.close();
  }
}

if (import.meta.main) {
  const folder = resolve(process.argv[2] ?? DEFAULT_FEEDS);
  if (!existsSync(join(folder, "MANIFEST.tsv"))) {
    console.error(`no MANIFEST.tsv in ${folder}`);
    process.exit(2);
  }
  const { exitCode, results } = await runConformance(folder, process.env.MONGO_URL ?? "mongodb://127.0.0.1:27017/");
  for (const r of results)
    console.log(
      `${r.ok ? "ok  " : "FAIL"} ${r.file.padEnd(40)} ${r.kind.padEnd(9)} ${String(r.imported).padStart(4)}/${String(r.expected).padEnd(4)} ${r.summary}`,
    );
  console.log(`${results.filter((r) => r.ok).length}/${results.length} feeds conform`);
  process.exit(exitCode);
}
