// The scraper as users run it — the compiled binary (`courses scrape`, `scrape --once`) — against a
// fixture HTTP server started here, the stack's real store and, for events, its real Kafka.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { MongoClient } from "mongodb";
import { courseBinary } from "../support/binary.ts";
import { readTopic, testKafka } from "../support/kafka.ts";
import { run as runCommand } from "../support/run.ts";
import { serviceEnv, startService } from "../support/service.ts";
import { dropDatabases, eventually, stack, uniqueName, type StackEndpoints } from "../support/stack.ts";

const ROOT = `${import.meta.dir}/../..`;
let s: StackEndpoints;
let bin: string;
let mongo: MongoClient;
const databases: string[] = [];

/** Feeds served by path; each path's content can change between runs. */
const feeds = new Map<string, { body: string | Uint8Array; type?: string; etag?: string; delayMs?: number }>();
const requests: {
  path: string;
  at: number;
  traceparent: string | null;
  ua: string | null;
  authorization: string | null;
}[] = [];
const fixture = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const path = new URL(req.url).pathname;
    requests.push({
      path,
      at: performance.now(),
      traceparent: req.headers.get("traceparent"),
      ua: req.headers.get("user-agent"),
      authorization: req.headers.get("authorization"),
    });
    const f = feeds.get(path);
    if (!f) return new Response("no such feed", { status: 404 });
    if (f.delayMs) await Bun.sleep(f.delayMs);
    answered.push(path);
    if (f.etag && req.headers.get("if-none-match") === f.etag) return new Response(null, { status: 304 });
    return new Response(f.body, {
      headers: { "content-type": f.type ?? "application/rss+xml", ...(f.etag ? { etag: f.etag } : {}) },
    });
  },
});
/** Paths whose response the fixture has sent, in order. */
const answered: string[] = [];
const url = (path: string) => `http://127.0.0.1:${fixture.port}${path}`;

beforeAll(async () => {
  [s, bin] = await Promise.all([stack(), courseBinary()]);
  mongo = new MongoClient(s.mongoUrl);
});
afterAll(async () => {
  fixture.stop(true);
  await mongo.close();
  await dropDatabases(s.mongoUrl, databases);
});

const rss = (items: { id: string; title: string; summary?: string }[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Fixture</title><link>https://fixture.example/</link><description>d</description><language>en</language>${items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>https://fixture.example/${i.id}</link><guid>${i.id}</guid><description>&lt;p&gt;${i.summary ?? "About it"}&lt;/p&gt;</description><category>Testing</category></item>`,
    )
    .join("")}</channel></rss>`;

interface Source {
  name: string;
  url: string;
  [k: string]: unknown;
}

function env(database: string, sources: Source[], over: Record<string, string> = {}) {
  return serviceEnv(s, {
    COURSES_MONGO_DATABASE: database,
    COURSES_SCRAPER_SOURCES: JSON.stringify(sources),
    COURSES_SCRAPER_ALLOW_PRIVATE_NETWORKS: "true",
    COURSES_SCRAPER_HOST_DELAY: "0ms",
    COURSES_TELEMETRY_TRACING_ENABLED: "false",
    COURSES_LOG_LEVEL: "warn",
    ...over,
  });
}

function freshDb(): string {
  const d = uniqueName("it_scrape").replaceAll("-", "_");
  databases.push(d);
  return d;
}

async function scrapeOnce(e: Record<string, string>) {
  const proc = Bun.spawn([bin, "scrape", "--once"], {
    cwd: ROOT,
    env: { ...process.env, ...e },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  const summary = Object.fromEntries(
    stderr
      .split("\n")
      .filter((l) => /^[\w.-]+: /.test(l))
      .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]),
  );
  return { code, summary, stderr };
}

const courses = (database: string, source: string) =>
  mongo.db(database).collection("courses").find({ "source.catalog": source }).toArray();

describe("courses scrape --once", () => {
  it("imports a feed through the domain: drafts with their origin, filterable by source, whose course.created events reach Kafka", async () => {
    const database = freshDb();
    const topic = `it.scrape.${database}`;
    feeds.set("/a/first.xml", {
      body: rss([
        { id: "a1", title: "Alpha course" },
        { id: "a2", title: "Beta course" },
        { id: "a3", title: "Gamma course" },
      ]),
    });
    const e = env(database, [{ name: "first", url: url("/a/first.xml"), language: "de", level: "intermediate" }], {
      COURSES_EVENTS_TOPIC: topic,
    });
    const run = await scrapeOnce(e);
    expect(run.code).toBe(0);
    expect(run.summary.first).toMatch(/^3 created, 0 updated, 0 unchanged, 0 failed/);
    expect(requests.find((r) => r.path === "/a/first.xml")?.ua).toStartWith("courses-scraper/");

    // The API shows them with their origin and filters by source; a relay publishes their events.
    const svc = await startService({ ...e, COURSES_LOG_LEVEL: "info" }, { args: ["serve", "--modules=api,relay"] });
    try {
      const res = await fetch(`${svc.url}/v1/courses?source=first&sort=title`);
      const page = (await res.json()) as {
        items: {
          id: string;
          title: string;
          language: string;
          level: string;
          status: string;
          origin: unknown;
          tags: string[];
        }[];
      };
      expect(page.items.map((c) => c.title)).toEqual(["Alpha course", "Beta course", "Gamma course"]);
      // The feed's language wins; the source's defaults fill what the feed lacks (level).
      expect(page.items[0]).toMatchObject({
        language: "en",
        level: "intermediate",
        status: "draft",
        tags: ["testing"],
        origin: { source: "first", externalId: "a1", link: "https://fixture.example/a1" },
      });
      expect(((await (await fetch(`${svc.url}/v1/courses?source=nope`)).json()) as { items: unknown[] }).items).toEqual(
        [],
      );
      const ids = new Set(page.items.map((c) => c.id));
      const msgs = await readTopic(
        testKafka(s.kafkaBrokers),
        topic,
        (m) => m.filter((x) => ids.has(x.key)).length >= 3,
        60_000,
      );
      expect(msgs.filter((m) => ids.has(m.key)).map((m) => JSON.parse(m.value).type)).toEqual(
        Array(3).fill("courses.course.created.v1"),
      );
      // The scraper is the actor of what it imports.
      expect(new Set(msgs.filter((m) => ids.has(m.key)).map((m) => JSON.parse(m.value).actor))).toEqual(
        new Set(["scraper:first"]),
      );
    } finally {
      await svc.stop();
    }
  }, 120_000);

  it("writes nothing on a second run: 304 with the remembered ETag, and every item unchanged without one", async () => {
    const database = freshDb();
    feeds.set("/b/etag.xml", { body: rss([{ id: "b1", title: "Cached course" }]), etag: '"v1"' });
    feeds.set("/b/plain.xml", {
      body: rss([
        { id: "p1", title: "Plain course" },
        { id: "p2", title: "Plainer course" },
      ]),
    });
    const e = env(database, [
      { name: "etag", url: url("/b/etag.xml") },
      { name: "plain", url: url("/b/plain.xml") },
    ]);
    expect((await scrapeOnce(e)).code).toBe(0);
    const before = await mongo.db(database).collection("courses").find().toArray();
    const second = await scrapeOnce(e);
    expect(second.code).toBe(0);
    expect(second.summary.etag).toStartWith("not modified");
    expect(second.summary.plain).toMatch(/^0 created, 0 updated, 2 unchanged, 0 failed/);
    const after = await mongo.db(database).collection("courses").find().toArray();
    expect(after.map((c) => [c._id, c.version, c.outbox?.length ?? 0])).toEqual(
      before.map((c) => [c._id, c.version, c.outbox?.length ?? 0]),
    );
  }, 60_000);

  it("updates a changed item and records exactly one event for it", async () => {
    const database = freshDb();
    feeds.set("/c/feed.xml", {
      body: rss([
        { id: "c1", title: "Changing course" },
        { id: "c2", title: "Steady course" },
      ]),
    });
    const e = env(database, [{ name: "changes", url: url("/c/feed.xml") }]);
    await scrapeOnce(e);
    feeds.set("/c/feed.xml", {
      body: rss([
        { id: "c1", title: "Changing course", summary: "Now with more" },
        { id: "c2", title: "Steady course" },
      ]),
    });
    const run = await scrapeOnce(e);
    expect(run.summary.changes).toMatch(/^0 created, 1 updated, 1 unchanged, 0 failed/);
    const [changed, steady] = await Promise.all(
      ["c1", "c2"].map((id) => mongo.db(database).collection("courses").findOne({ "source.externalId": id })),
    );
    expect(changed).toMatchObject({ version: 2, summary: "Now with more" });
    expect(changed!.outbox.map((o: { type: string }) => o.type)).toEqual(["course.created", "course.updated"]);
    expect(steady).toMatchObject({ version: 1 });
  }, 60_000);

  it("fails a malformed feed cleanly, exit 1, while a windows-1251 feed in the same run imports", async () => {
    const database = freshDb();
    const win1251 = new Uint8Array([
      ...new TextEncoder().encode(
        '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>R</title><link>https://r.example/</link><description>d</description><item><guid>r1</guid><link>https://r.example/1</link><title>',
      ),
      0xca,
      0xf3,
      0xf0,
      0xf1, // "Курс"
      ...new TextEncoder().encode(" Bun</title></item></channel></rss>"),
    ]);
    feeds.set("/d/cyrillic.xml", { body: win1251, type: "application/rss+xml" });
    feeds.set("/d/broken.xml", {
      body: '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>cut',
    });
    const run = await scrapeOnce(
      env(database, [
        { name: "cyrillic", url: url("/d/cyrillic.xml"), language: "ru" },
        { name: "broken", url: url("/d/broken.xml") },
      ]),
    );
    expect(run.code).toBe(1);
    expect(run.summary.broken).toStartWith("failed: not well-formed XML");
    expect(run.summary.cyrillic).toMatch(/^1 created/);
    expect((await courses(database, "cyrillic"))[0]).toMatchObject({ title: "Курс Bun", language: "ru" });
  }, 60_000);

  it("a slow source does not delay the others", async () => {
    const database = freshDb();
    feeds.set("/e/slow.xml", { body: rss([{ id: "s1", title: "Slow course" }]), delayMs: 3000 });
    feeds.set("/e/fast.xml", { body: rss([{ id: "f1", title: "Fast course" }]) });
    const run = await scrapeOnce(
      env(database, [
        { name: "slow", url: url("/e/slow.xml") },
        { name: "fast", url: url("/e/fast.xml") },
      ]),
    );
    expect(run.code).toBe(0);
    const ms = (line: string) => Number(/\((\d+) ms\)$/.exec(line)?.[1]);
    expect(ms(run.summary.slow!)).toBeGreaterThanOrEqual(3000);
    expect(ms(run.summary.fast!)).toBeLessThan(3000);
  }, 60_000);

  it("refuses an oversized body and, unless allowed, any private address; backs off, exit 1", async () => {
    const database = freshDb();
    feeds.set("/f/huge.xml", {
      body: rss(Array.from({ length: 200 }, (_, i) => ({ id: `h${i}`, title: `Huge course ${i}` }))),
    });
    const big = await scrapeOnce(
      env(database, [{ name: "huge", url: url("/f/huge.xml") }], { COURSES_SCRAPER_MAX_BODY_BYTES: "4096" }),
    );
    expect(big.code).toBe(1);
    expect(big.summary.huge).toStartWith("failed: body exceeds the limit of 4096 bytes");
    const strict = await scrapeOnce(
      env(database, [{ name: "local", url: url("/f/huge.xml") }], { COURSES_SCRAPER_ALLOW_PRIVATE_NETWORKS: "false" }),
    );
    expect(strict.summary.local).toBe("failed: 127.0.0.1 resolves to 127.0.0.1, which is not a public address");
    expect(await courses(database, "huge")).toEqual([]);
    const state = await mongo
      .db(database)
      .collection("scraper_sources")
      .findOne({ _id: "huge" as never });
    expect(state).toMatchObject({
      failures: 1,
      lastError: expect.stringMatching(/^body exceeds the limit of 4096 bytes/),
    });
  }, 60_000);

  it("keeps a politeness delay between requests to one host, and sends each fetch's traceparent", async () => {
    const database = freshDb();
    feeds.set("/i/one.xml", { body: rss([{ id: "i1", title: "Polite course one" }]) });
    feeds.set("/i/two.xml", { body: rss([{ id: "i2", title: "Polite course two" }]) });
    const run = await scrapeOnce(
      env(
        database,
        [
          { name: "one", url: url("/i/one.xml") },
          { name: "two", url: url("/i/two.xml") },
        ],
        {
          COURSES_SCRAPER_HOST_DELAY: "600ms",
          COURSES_SCRAPER_PROPAGATE_TRACE_CONTEXT: "true",
          COURSES_TELEMETRY_TRACING_ENABLED: "true",
          COURSES_TELEMETRY_OTLP_ENDPOINT: s.otlpEndpoint ?? "http://127.0.0.1:4318",
        },
      ),
    );
    expect(run.code).toBe(0);
    const hits = requests.filter((r) => r.path.startsWith("/i/"));
    expect(hits).toHaveLength(2);
    expect(Math.abs(hits[1]!.at - hits[0]!.at)).toBeGreaterThanOrEqual(550);
    for (const h of hits) expect(h.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // One trace per source run: the two fetches belong to different traces.
    expect(hits[0]!.traceparent!.slice(3, 35)).not.toBe(hits[1]!.traceparent!.slice(3, 35));
  }, 60_000);

  it("imports a paged catalog with lessons and status, and archives a course the partner withdraws", async () => {
    const database = freshDb();
    const course = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      title: `Catalog course ${id}`,
      summary: "Complete",
      description: "With lessons",
      language: "en",
      level: "advanced",
      instructor: { id: "partner-1", name: "Partner Teacher" },
      price: { amount: 1900, currency: "EUR" },
      lessons: [
        { title: "Welcome", durationMinutes: 5 },
        { title: "Deep dive", durationMinutes: 40 },
      ],
      status: "published",
      url: `/courses/${id}`,
      ...extra,
    });
    const page1 = { courses: [course("k1"), course("k2")], next: "/k/catalog-2.json" };
    feeds.set("/k/catalog-1.json", { body: JSON.stringify(page1), type: "application/json" });
    feeds.set("/k/catalog-2.json", {
      body: JSON.stringify({ courses: [course("k3", { status: "draft" })] }),
      type: "application/json",
    });
    const e = env(database, [{ name: "partner", url: url("/k/catalog-1.json"), kind: "catalog" }]);
    const first = await scrapeOnce(e);
    expect(first.summary.partner).toMatch(/^3 created, 0 updated, 0 unchanged, 0 failed/);
    const byId = async (id: string) => mongo.db(database).collection("courses").findOne({ "source.externalId": id });
    expect(await byId("k1")).toMatchObject({
      status: "published",
      price: { amount: 1900, currency: "EUR" },
      lessons: [{ title: "Welcome" }, { title: "Deep dive" }],
      source: { url: url("/courses/k1") },
    });
    expect(await byId("k3")).toMatchObject({ status: "draft" });
    feeds.set("/k/catalog-1.json", {
      body: JSON.stringify({ ...page1, courses: [course("k1", { withdrawn: true }), course("k2")] }),
      type: "application/json",
    });
    const second = await scrapeOnce(e);
    expect(second.summary.partner).toMatch(/^0 created, 1 updated, 2 unchanged, 0 failed/);
    expect(await byId("k1")).toMatchObject({ status: "archived" });
  }, 60_000);

  it("sends no traceparent to feed hosts unless configured", async () => {
    const database = freshDb();
    feeds.set("/t/feed.xml", { body: rss([{ id: "t1", title: "Untraced course" }]) });
    const run = await scrapeOnce(
      env(database, [{ name: "untraced", url: url("/t/feed.xml") }], {
        COURSES_TELEMETRY_TRACING_ENABLED: "true",
        COURSES_TELEMETRY_OTLP_ENDPOINT: s.otlpEndpoint ?? "http://127.0.0.1:4318",
      }),
    );
    expect(run.code).toBe(0);
    const hits = requests.filter((r) => r.path === "/t/feed.xml");
    expect(hits).toHaveLength(1);
    expect(hits[0]!.traceparent).toBeNull();
  }, 60_000);

  it("credentials in a source URL: sent as Basic to its origin for every catalog page, never stored, logged or printed", async () => {
    const database = freshDb();
    const item = (id: string) => ({
      id,
      title: `Private catalog course ${id}`,
      language: "en",
      level: "beginner",
      instructor: { id: "p", name: "P" },
      url: `/private/${id}`,
    });
    feeds.set("/p/catalog-1.json", {
      body: JSON.stringify({ courses: [item("p1")], next: "/p/catalog-2.json" }),
      type: "application/json",
    });
    feeds.set("/p/catalog-2.json", { body: JSON.stringify({ courses: [item("p2")] }), type: "application/json" });
    const secretUrl = url("/p/catalog-1.json").replace("http://", "http://partner:s3cr%40t-pw@");
    const e = env(database, [{ name: "private", url: secretUrl, kind: "catalog" }], { COURSES_LOG_LEVEL: "debug" });
    const run = await scrapeOnce(e);
    expect(run.summary.private).toMatch(/^2 created, 0 updated, 0 unchanged, 0 failed/);
    const hits = requests.filter((r) => r.path.startsWith("/p/"));
    expect(hits.map((h) => h.path)).toEqual(["/p/catalog-1.json", "/p/catalog-2.json"]);
    for (const h of hits) expect(h.authorization).toBe(`Basic ${btoa("partner:s3cr@t-pw")}`);
    const stored = await courses(database, "private");
    expect(stored.map((c) => c.source.url).sort()).toEqual([url("/private/p1"), url("/private/p2")]);
    expect(JSON.stringify(stored)).not.toContain("s3cr");
    expect(run.stderr).not.toContain("s3cr");
    // `courses config` shows the source with its credentials hidden.
    const config = Bun.spawnSync([bin, "config"], { cwd: ROOT, env: { ...process.env, ...e } });
    const printed = config.stdout.toString() + config.stderr.toString();
    expect(printed).toContain("COURSES_SCRAPER_SOURCES");
    expect(printed).not.toContain("s3cr");
    expect(printed).toContain(`"url":"http://[REDACTED]@127.0.0.1:${fixture.port}/p/catalog-1.json"`);
  }, 60_000);

  it("refuses a configuration that breaks a rule before connecting to anything: one line per problem, exit 1", async () => {
    const database = freshDb();
    const e = env(database, [
      { name: "twice", url: url("/a/first.xml") },
      { name: "twice", url: url("/a/first.xml") },
      { name: "ftp", url: "ftp://files.example/feed.xml" },
    ]);
    const run = await scrapeOnce({ ...e, COURSES_SHUTDOWN_DEADLINE: "5s" });
    expect(run.code).toBe(1);
    const lines = run.stderr.split("\n").filter((l) => l.startsWith("  - "));
    expect(lines).toEqual([
      expect.stringContaining("scraper.sources[1].name: expected a name no other source has"),
      expect.stringContaining("scraper.sources[2].url: expected an absolute http(s) URL"),
      expect.stringContaining("shutdown.deadline: expected at least"),
    ]);
    expect(run.stderr).not.toContain("migrations");
    // Nothing was written: the database was never created.
    expect((await mongo.db(database).listCollections().toArray()).length).toBe(0);
    // serve with the scraper: the same refusal before listening (it used to die later of an
    // unhandled rejection inside the lazily loaded scraper).
    const served = await runCommand([bin, "serve", "--modules=api,scraper"], {
      cwd: ROOT,
      env: { ...process.env, ...e, COURSES_AUTH_ENABLED: "false" },
    });
    expect(served.code).toBe(1);
    expect(served.stderr).toContain("scraper.sources[1].name");
    expect(served.stdout + served.stderr).not.toContain('"msg":"listening"');
  }, 60_000);

  it("two processes started together split the sources: each item imported once", async () => {
    const database = freshDb();
    const sources = Array.from({ length: 4 }, (_, i) => {
      feeds.set(`/g/${i}.xml`, {
        body: rss(Array.from({ length: 5 }, (_, j) => ({ id: `g${i}-${j}`, title: `Shared course ${i}-${j}` }))),
        delayMs: 300,
      });
      return { name: `shared${i}`, url: url(`/g/${i}.xml`) };
    });
    const e = env(database, sources);
    const [a, b] = await Promise.all([scrapeOnce(e), scrapeOnce(e)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const created = [a, b]
      .flatMap((r) => Object.values(r.summary))
      .reduce((n, line) => n + Number(/^(\d+) created/.exec(line)?.[1] ?? 0), 0);
    expect(created).toBe(20);
    const all = await mongo.db(database).collection("courses").find().toArray();
    expect(all).toHaveLength(20);
    expect(new Set(all.map((c) => `${c.source.catalog}/${c.source.externalId}`)).size).toBe(20);
    expect(await mongo.db(database).collection("scraper_leases").countDocuments()).toBe(0);
  }, 60_000);
});

describe("courses scrape (the daemon)", () => {
  it("runs each source on its interval, backs off a failing one without delaying the other, and reports both in /metrics", async () => {
    const database = freshDb();
    feeds.set("/j/good.xml", { body: rss([{ id: "j1", title: "Interval course" }]), etag: '"j"' });
    const svc = await startService(
      env(
        database,
        [
          { name: "good", url: url("/j/good.xml"), interval: "500ms" },
          { name: "bad", url: url("/j/missing.xml"), interval: "500ms" },
        ],
        {
          COURSES_LOG_LEVEL: "info",
          COURSES_SCRAPER_BACKOFF_INITIAL: "200ms",
          COURSES_SCRAPER_BACKOFF_MAX: "400ms",
        },
      ),
      { args: ["scrape"] },
    );
    try {
      const metric = async (re: RegExp) => Number(re.exec(await (await fetch(`${svc.url}/metrics`)).text())?.[1] ?? 0);
      await eventually(
        "a second good run, answered 304",
        async () =>
          (await metric(/^scraper_runs_total\{source="good",outcome="not_modified"[^}]*\} (\d+)/m)) >= 1
            ? true
            : undefined,
        15_000,
      );
      expect(await metric(/^scraper_runs_total\{source="good",outcome="imported"[^}]*\} (\d+)/m)).toBe(1);
      expect(await metric(/^scraper_items_total\{source="good",outcome="created"[^}]*\} (\d+)/m)).toBe(1);
      expect(await metric(/^scraper_last_success_timestamp_seconds\{source="good"[^}]*\} (\S+)/m)).toBeGreaterThan(
        Date.now() / 1000 - 60,
      );
      await eventually(
        "failed runs of the bad source",
        async () =>
          (await metric(/^scraper_runs_total\{source="bad",outcome="failed"[^}]*\} (\d+)/m)) >= 2 ? true : undefined,
        15_000,
      );
      const state = await mongo
        .db(database)
        .collection("scraper_sources")
        .findOne({ _id: "bad" as never });
      expect(state).toMatchObject({ lastError: expect.stringContaining("HTTP 404") });
      expect(state!.failures).toBeGreaterThanOrEqual(2);
    } finally {
      await svc.stop();
    }
  }, 60_000);

  it("SIGTERM during a slow fetch: exits 0 promptly and releases the source's lease", async () => {
    const database = freshDb();
    feeds.set("/h/hang.xml", { body: rss([{ id: "x1", title: "Never arrives" }]), delayMs: 30_000 });
    const svc = await startService(
      env(database, [{ name: "hang", url: url("/h/hang.xml") }], { COURSES_LOG_LEVEL: "info" }),
      { args: ["scrape"] },
    );
    await eventually(
      "the fetch started",
      async () => (requests.some((r) => r.path === "/h/hang.xml") ? true : undefined),
      10_000,
      50,
    );
    expect(
      await mongo
        .db(database)
        .collection("scraper_leases")
        .countDocuments({ _id: "hang" as never }),
    ).toBe(1);
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
    // The service exits without waiting for the feed: the fetch is aborted, so the feed (30 s away)
    // has not answered when the process is gone.
    expect(await svc.stop("SIGTERM")).toBe(0);
    expect(answered).not.toContain("/h/hang.xml");
    expect(await mongo.db(database).collection("scraper_leases").countDocuments()).toBe(0);
    expect(await courses(database, "hang")).toEqual([]);
  }, 60_000);
});
