// Chaos soak: two replicas of the compiled binary (api, relay, consumer) on one database, under
// writers, readers and enrollment events, while a random fault strikes every 20-40 s: a replica
// killed (SIGKILL) or stopped (SIGTERM) and restarted, Kafka stopped for 10-20 s, the store
// stopped for 5-10 s. The store and the broker are the run's own (test/support/own-servers.ts,
// from the stack's cached launchers), so stopping them never disturbs anything else running.
// Afterwards: every acknowledged write is stored, every acknowledged change has its event
// (per-course order kept, duplicates counted), enrollment counts equal what was sent, and no 500
// was answered. Prints a table; exits 0 only when nothing was lost.
//
//   bun run chaos [--minutes N] [--seed S] [--gaps MIN,MAX]   (`bun run chaos` starts the stack)
import { parseArgs } from "node:util";
import { MongoClient } from "mongodb";
import { groupLag, readTopic, type TestKafka, testKafka, testProducer } from "../test/support/kafka.ts";
import { type OwnKafka, type OwnStore, ownKafka, ownStore } from "../test/support/own-servers.ts";
import { isolated, type RunningService, serviceEnv, startService } from "../test/support/service.ts";
import { stack, type StackEndpoints } from "../test/support/stack.ts";

export interface ChaosOptions {
  minutes: number;
  seed?: number;
  /** Pause between faults, drawn in [min, max) ms; default 20-40 s. */
  gapMs?: [number, number];
  /**
   * Each writer's, reader's and the enroller's pause between two operations, ms; default 20 (as
   * fast as the machine lets them). The suite's run paces them so the soak leaves cores to the
   * files running beside it: the faults are the same, the writes between them fewer.
   */
  pauseMs?: number;
  /** The kinds of fault to draw from; default all four. */
  faultKinds?: FaultKind[];
  /** Progress lines on stderr. */
  log?: (line: string) => void;
}

export const FAULT_KINDS = ["kill replica", "stop replica", "stop kafka", "stop store"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ChaosReport {
  rows: [string, string | number][];
  lost: string[];
  ok: boolean;
}

/** A small deterministic generator (mulberry32): a seed reproduces a run's choices. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Acked {
  /** The last version a write of this course was acknowledged at. */
  version: number;
  summary: string;
  /** A write after the last acknowledged one whose outcome is unknown (503, reset, timeout). */
  unknownAfter: boolean;
  /** Every version a write was acknowledged at: each must have its event. */
  versions: Set<number>;
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const say = opts.log ?? ((l: string) => console.error(l));
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  // Faults draw from their own generator: a seed replays the same faults at the same gaps,
  // whatever the workload (which draws from another) did meanwhile.
  const rnd = random(seed + 1);
  const faultRnd = random(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const between = (lo: number, hi: number, r = rnd) => lo + Math.floor(r() * (hi - lo));
  const pause = opts.pauseMs ?? 20;
  const shared: StackEndpoints = await stack();
  const store: OwnStore = await ownStore(shared, "h2");
  let broker: OwnKafka | undefined;
  try {
    broker = await ownKafka(shared);
    return await soak({ ...shared, mongoUrl: store.url, kafkaBrokers: broker.brokers }, store, broker);
  } finally {
    await Promise.all([store.stop(), broker?.stop()]);
  }

  async function soak(s: StackEndpoints, store: OwnStore, broker: OwnKafka): Promise<ChaosReport> {
    const names = isolated("chaos");
    const env = serviceEnv(s, {
      ...names.env,
      COURSES_TELEMETRY_TRACING_ENABLED: "false",
      // info: the harness waits for the "listening" line (the access log is kept to its last lines).
      COURSES_LOG_LEVEL: "info",
      COURSES_SERVICE_MODULES: "api,relay,consumer",
      COURSES_MONGO_SERVER_SELECTION_TIMEOUT: "2s",
      COURSES_HTTP_REQUEST_TIMEOUT: "5s",
      COURSES_API_IDEMPOTENCY_IN_PROGRESS_TIMEOUT: "6s",
      COURSES_SHUTDOWN_DEADLINE: "10s",
      COURSES_EVENTS_SWEEP_INTERVAL: "1m",
      // Backoffs short enough that a run's end is not spent waiting out a 30 s retry.
      COURSES_ENROLLMENTS_RETRY_BACKOFF_MAX: "5s",
    });
    say(`[chaos] seed ${seed}, ${opts.minutes} min, database ${names.database}`);

    const replicas: (RunningService | undefined)[] = [undefined, undefined];
    /** Replicas that exited without being told to, with what they printed last. */
    const unasked: string[] = [];
    const start = async (i: number) => {
      const r = await startService(env, { timeoutMs: 30_000, retainLines: 2000 });
      replicas[i] = r;
      void r.exited.then((code) => {
        if (replicas[i] !== r) return;
        replicas[i] = undefined;
        const last = r.lines.slice(-15).map((l) => `    ${l.slice(0, 400)}`);
        unasked.push(`replica ${i} exited ${code} without being told to; its last lines:\n${last.join("\n")}`);
        say(`[chaos] ${unasked.at(-1)}`);
      });
    };
    await Promise.all([start(0), start(1)]);

    const counts = {
      creates: 0,
      patches: 0,
      lessons: 0,
      lifecycle: 0,
      reads: 0,
      unknown: 0,
      fiveHundreds: 0,
      unavailable: 0,
      enrollSent: 0,
      enrollDup: 0,
      faults: {} as Record<string, number>,
    };
    const fiveHundredSamples: string[] = [];
    const acked = new Map<string, Acked>();
    const enrollments = new Map<string, Set<string>>();
    /** Sends that failed: maybe written all the same (a timeout after the write), maybe not. */
    const maybeEnrolled = new Map<string, Set<string>>();
    let running = true;

    const live = () => replicas.filter((r): r is RunningService => r !== undefined);
    /** One request to a live replica; undefined when its outcome is unknown (reset, 503, timeout). */
    async function call(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<Response | undefined> {
      const r = live();
      if (r.length === 0) return undefined;
      try {
        const res = await fetch(`${pick(r).url}${path}`, {
          method,
          headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(8000),
        });
        if (res.status >= 500 && res.status !== 503) {
          counts.fiveHundreds++;
          if (fiveHundredSamples.length < 5)
            fiveHundredSamples.push(`${method} ${path} ${res.status} ${await res.text()}`);
          return undefined;
        }
        if (res.status === 503) {
          counts.unavailable++;
          await res.body?.cancel();
          return undefined;
        }
        return res;
      } catch {
        return undefined;
      }
    }

    const record = (id: string, body: { version: number; summary?: string }) => {
      const a = acked.get(id) ?? { version: 0, summary: "", unknownAfter: false, versions: new Set<number>() };
      if (body.version >= a.version) {
        a.version = body.version;
        a.summary = body.summary ?? "";
        a.unknownAfter = false;
      }
      a.versions.add(body.version);
      acked.set(id, a);
    };

    async function writer(w: number): Promise<void> {
      const mine: string[] = [];
      let n = 0;
      while (running) {
        n++;
        if (mine.length < 3 || rnd() < 0.25) {
          // Create with an Idempotency-Key, retried with the same key until a definite answer.
          const key = `chaos-${w}-${n}-${crypto.randomUUID()}`;
          const body = {
            title: `Chaos ${w}-${n} ${names.id}`,
            summary: "s",
            description: "d",
            language: "en",
            level: "beginner",
            instructor: { id: `w${w}`, name: "Writer" },
          };
          for (let attempt = 0; attempt < 60; attempt++) {
            const res = await call("POST", "/v1/courses", body, { "idempotency-key": key });
            if (res && res.status === 201) {
              const c = (await res.json()) as { id: string; version: number; summary: string };
              if (!acked.has(c.id)) counts.creates++;
              record(c.id, c);
              if (!mine.includes(c.id)) mine.push(c.id);
              break;
            }
            if (res && res.status !== 409) throw new Error(`create answered ${res.status}: ${await res.text()}`);
            await res?.body?.cancel();
            await Bun.sleep(500);
          }
        } else {
          const id = pick(mine);
          const current = await call("GET", `/v1/courses/${id}`);
          if (current?.status !== 200) {
            await current?.body?.cancel();
            continue;
          }
          const etag = current.headers.get("etag")!;
          const c = (await current.json()) as { status: string; lessons: unknown[] };
          const r = rnd();
          let res: Response | undefined;
          let kind: "patches" | "lessons" | "lifecycle";
          if (r < 0.5) {
            kind = "patches";
            res = await call("PATCH", `/v1/courses/${id}`, { summary: `summary ${w}-${n}` }, { "if-match": etag });
          } else if (r < 0.8 || c.lessons.length === 0) {
            kind = "lessons";
            res = await call(
              "POST",
              `/v1/courses/${id}/lessons`,
              { title: `Lesson ${n}`, durationMinutes: 5 },
              { "if-match": etag },
            );
          } else {
            kind = "lifecycle";
            const action = c.status === "draft" ? "publish" : c.status === "published" ? "archive" : "unarchive";
            res = await call("POST", `/v1/courses/${id}/${action}`, undefined, { "if-match": etag });
          }
          if (res && (res.status === 200 || res.status === 201)) {
            counts[kind]++;
            record(id, (await res.json()) as { version: number; summary: string });
          } else if (!res) {
            counts.unknown++;
            const a = acked.get(id);
            if (a) a.unknownAfter = true;
          } else {
            // 412: someone (an enrollment) moved the ETag on; re-read and go on.
            if (res.status !== 412 && res.status !== 409)
              throw new Error(`${kind} answered ${res.status}: ${await res.text()}`);
            await res.body?.cancel();
          }
        }
        await Bun.sleep(pause);
      }
    }

    async function reader(): Promise<void> {
      while (running) {
        const ids = [...acked.keys()];
        if (ids.length) {
          const res = await call("GET", `/v1/courses/${pick(ids)}`);
          if (res) counts.reads++;
          await res?.body?.cancel();
        }
        await Bun.sleep(pause);
      }
    }

    const kafka = testKafka(s.kafkaBrokers);
    async function enroller(): Promise<void> {
      let producer: ReturnType<typeof testProducer> | undefined;
      const sent: { courseId: string; id: string }[] = [];
      while (running) {
        const ids = [...acked.keys()];
        if (ids.length === 0) {
          await Bun.sleep(100);
          continue;
        }
        // A duplicate now and then: the same event id again.
        const dup = sent.length > 0 && rnd() < 0.15;
        const e = dup ? pick(sent) : { courseId: pick(ids), id: crypto.randomUUID() };
        try {
          producer ??= testProducer(kafka);
          await producer.send({
            messages: [
              {
                topic: names.enrollTopic,
                key: e.courseId,
                value: JSON.stringify({
                  specversion: "1.0",
                  id: e.id,
                  source: "/chaos",
                  type: "enrollment.created",
                  data: { courseId: e.courseId, studentId: `s-${e.id.slice(0, 8)}` },
                }),
              },
            ],
          });
          if (dup) counts.enrollDup++;
          else {
            counts.enrollSent++;
            sent.push(e);
          }
          const set = enrollments.get(e.courseId) ?? new Set<string>();
          set.add(e.id);
          enrollments.set(e.courseId, set);
        } catch {
          // Kafka is down: not acknowledged, so not expected — but it may have been written.
          const maybe = maybeEnrolled.get(e.courseId) ?? new Set<string>();
          maybe.add(e.id);
          maybeEnrolled.set(e.courseId, maybe);
          await producer?.close(true).catch(() => {});
          producer = undefined;
          await Bun.sleep(500);
        }
        await Bun.sleep(Math.max(50, pause));
      }
      await producer?.close().catch(() => {});
    }

    const [gapMin, gapMax] = opts.gapMs ?? [20_000, 40_000];
    // Drawn from a bag of every kind, refilled when empty: a short run meets each kind once
    // before any repeats.
    const bag: string[] = [];
    async function faults(until: number): Promise<void> {
      await Bun.sleep(between(gapMin, gapMax, faultRnd));
      while (Date.now() < until) {
        if (bag.length === 0) bag.push(...(opts.faultKinds ?? FAULT_KINDS));
        const kind = bag.splice(between(0, bag.length, faultRnd), 1)[0]!;
        counts.faults[kind] = (counts.faults[kind] ?? 0) + 1;
        const t0 = Date.now();
        if (kind === "kill replica" || kind === "stop replica") {
          const i = between(0, 2, faultRnd);
          const r = replicas[i];
          replicas[i] = undefined;
          if (r && (await Promise.race([r.exited.then(() => false), Promise.resolve(true)]))) {
            if (kind === "kill replica") process.kill(r.pid, "SIGKILL");
            else process.kill(r.pid, "SIGTERM");
            const code = await r.exited;
            if (kind === "stop replica" && code !== 0) throw new Error(`a replica stopped with SIGTERM exited ${code}`);
          }
          await start(i);
        } else if (kind === "stop kafka") {
          await broker.down();
          await Bun.sleep(between(10_000, 20_000, faultRnd));
          await broker.up();
        } else {
          await store.down();
          await Bun.sleep(between(5_000, 10_000, faultRnd));
          await store.up();
        }
        say(`[chaos] ${kind}: back after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        await Bun.sleep(between(gapMin, gapMax, faultRnd));
      }
    }

    const until = Date.now() + opts.minutes * 60_000;
    const loops = [writer(1), writer(2), writer(3), reader(), reader(), enroller()];
    const loopErrors: unknown[] = [];
    const guarded = loops.map((p) => p.catch((e) => loopErrors.push(e)));
    try {
      await faults(until);
    } finally {
      running = false;
      await Promise.all(guarded);
    }
    if (loopErrors.length) throw loopErrors[0];
    await Promise.all([store.up(), broker.up()]);

    // Convergence: the outbox drains, the counts settle (bounded; a stall is a finding).
    const mongo = new MongoClient(s.mongoUrl);
    const db = mongo.db(names.database);
    const lost: string[] = [];
    try {
      for (let i = 0; i < 120 && (await db.collection("outbox_pending").countDocuments()) > 0; i++)
        await Bun.sleep(1000);
      const pendingLeft = await db.collection("outbox_pending").countDocuments();
      const courseIds = new Set([...enrollments.keys(), ...maybeEnrolled.keys()]);
      const expectedCounts = () =>
        [...courseIds].map((courseId) => {
          const sure = enrollments.get(courseId) ?? new Set<string>();
          const maybe = [...(maybeEnrolled.get(courseId) ?? [])].filter((id) => !sure.has(id));
          return { courseId, expected: sure.size, atMost: sure.size + maybe.length };
        });
      let mismatched: { courseId: string; expected: number; atMost: number; stored: number }[] = [];
      // Up to 3 minutes: a killed replica's partitions wait for its session to expire (30 s) and a
      // rebalance, then for the survivor's backoff; longer than that is a stalled consumer.
      for (let i = 0; i < 180; i++) {
        const docs = new Map(
          (
            await db
              .collection<{ _id: string; enrollmentCount?: number }>("courses")
              .find({}, { projection: { enrollmentCount: 1 } })
              .toArray()
          ).map((d) => [d._id, d.enrollmentCount ?? 0]),
        );
        mismatched = expectedCounts()
          .map((e) => ({ ...e, stored: docs.get(e.courseId) ?? -1 }))
          .filter((e) => e.stored < e.expected || e.stored > e.atMost);
        if (mismatched.length === 0) break;
        await Bun.sleep(1000);
      }

      // Why counts differ, if they do: messages not consumed yet (a stalled consumer) or consumed
      // and miscounted.
      const lag = await groupLag(kafka, env.COURSES_ENROLLMENTS_GROUP_ID!, names.enrollTopic);

      // Stored: every acknowledged write.
      const stored = new Map(
        (
          await db
            .collection<{ _id: string; version: number; summary: string }>("courses")
            .find({}, { projection: { version: 1, summary: 1 } })
            .toArray()
        ).map((d) => [d._id, d]),
      );
      let missingCourses = 0;
      let staleCourses = 0;
      for (const [id, a] of acked) {
        const d = stored.get(id);
        if (!d) {
          missingCourses++;
          lost.push(`course ${id} acknowledged at v${a.version} is not stored`);
        } else if (d.version < a.version || (!a.unknownAfter && (d.version !== a.version || d.summary !== a.summary))) {
          staleCourses++;
          lost.push(`course ${id}: stored v${d.version} "${d.summary}", acknowledged v${a.version} "${a.summary}"`);
        }
      }

      // Events: the whole topic, to its end offsets.
      const events = await readAll(kafka, names.eventsTopic);
      const byCourse = new Map<string, { id: string; version: number }[]>();
      let duplicates = 0;
      const seen = new Set<string>();
      for (const e of events) {
        if (seen.has(e.id)) {
          duplicates++;
          continue;
        }
        seen.add(e.id);
        const list = byCourse.get(e.courseId) ?? [];
        list.push(e);
        byCourse.set(e.courseId, list);
      }
      let outOfOrder = 0;
      for (const [courseId, list] of byCourse)
        for (let i = 1; i < list.length; i++)
          if (list[i]!.version <= list[i - 1]!.version) {
            outOfOrder++;
            lost.push(`course ${courseId}: event v${list[i]!.version} after v${list[i - 1]!.version}`);
          }
      let missingEvents = 0;
      for (const [id, a] of acked) {
        const versions = new Set((byCourse.get(id) ?? []).map((e) => e.version));
        for (const v of a.versions)
          if (!versions.has(v)) {
            missingEvents++;
            if (missingEvents <= 10) lost.push(`course ${id}: acknowledged v${v} has no event`);
          }
      }
      for (const m of mismatched.slice(0, 10))
        lost.push(`course ${m.courseId}: enrollmentCount ${m.stored}, ${m.expected} distinct events acknowledged`);
      if (mismatched.length > 10) lost.push(`… ${mismatched.length - 10} more enrollment mismatches`);
      if (counts.fiveHundreds)
        lost.push(`${counts.fiveHundreds} answers 5xx other than 503: ${fiveHundredSamples.join(" | ")}`);
      if (pendingLeft) lost.push(`${pendingLeft} courses still have unpublished events after 120 s`);
      lost.push(...unasked);

      const rows: [string, string | number][] = [
        ["seed", seed],
        ["minutes", opts.minutes],
        ["pause between operations (ms)", pause],
        [
          "faults",
          Object.entries(counts.faults)
            .map(([k, v]) => `${k} ×${v}`)
            .join(", ") || "none",
        ],
        ["creates acknowledged", counts.creates],
        ["patches acknowledged", counts.patches],
        ["lessons acknowledged", counts.lessons],
        ["lifecycle changes acknowledged", counts.lifecycle],
        ["writes with unknown outcome (503, reset, timeout)", counts.unknown],
        ["503 answers", counts.unavailable],
        ["reads", counts.reads],
        ["acknowledged writes not stored", missingCourses + staleCourses],
        ["events read", events.length],
        ["event duplicates (at-least-once)", duplicates],
        ["acknowledged changes without an event", missingEvents],
        ["events out of per-course order", outOfOrder],
        ["enrollment events acknowledged (distinct + duplicates)", `${counts.enrollSent} + ${counts.enrollDup}`],
        ["courses whose enrollment count differs", mismatched.length],
        ["enrollment messages not consumed at the end (group lag)", lag],
        ["answers 5xx other than 503", counts.fiveHundreds],
      ];
      if (lost.length) {
        // What the replicas said about it: their last warnings and errors.
        for (const [i, r] of replicas.entries())
          for (const line of (r?.lines ?? []).filter((l) => /"level":(40|50|60)/.test(l)).slice(-15))
            lost.push(`replica ${i}: ${line.slice(0, 400)}`);
      }
      return { rows, lost, ok: lost.length === 0 };
    } finally {
      await mongo.close();
      const stopping = live();
      replicas.fill(undefined); // told to stop: not an exit of their own
      await Promise.all(stopping.map((r) => r.stop().catch(() => {})));
    }
  }
}

/** Every course event on `topic`, in partition offset order, read up to the end offsets. */
async function readAll(kafka: TestKafka, topic: string): Promise<{ id: string; courseId: string; version: number }[]> {
  const msgs = await readTopic(kafka, topic, () => true, 60_000);
  return msgs
    .sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset))
    .map((m) => {
      const e = JSON.parse(m.value) as { id: string; data: { courseId: string; courseVersion: number } };
      return { id: e.id, courseId: e.data.courseId, version: e.data.courseVersion };
    });
}

export function formatReport(r: ChaosReport): string {
  const width = Math.max(...r.rows.map(([k]) => k.length));
  const lines = r.rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  lines.push(r.ok ? "nothing lost" : `LOST:\n  ${r.lost.join("\n  ")}`);
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { minutes: { type: "string", default: "10" }, seed: { type: "string" }, gaps: { type: "string" } },
  });
  const gaps = values.gaps?.split(",").map(Number);
  const report = await runChaos({
    minutes: Number(values.minutes),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    // --gaps MIN,MAX in ms between faults (the suite's run: 6000,12000).
    ...(gaps?.length === 2 ? { gapMs: [gaps[0]!, gaps[1]!] as [number, number] } : {}),
  });
  console.log(formatReport(report));
  process.exit(report.ok ? 0 : 1);
}
