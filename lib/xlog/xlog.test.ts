import { beforeAll, describe, expect, it } from "bun:test";
import { context, trace, TraceFlags } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { closeSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REDACTED, captureLogs, createLogger, log, prettyStream, turnDestination, withLogFields } from "./index.ts";

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});

describe("xlog", () => {
  it("carries bound fields through awaits, timers and nested scopes", async () => {
    const cap = captureLogs();
    await cap.run(() =>
      withLogFields({ requestId: "r-1" }, async () => {
        await Bun.sleep(1);
        log().info("after await");
        await new Promise<void>((resolve) =>
          setTimeout(() => {
            log().info("in timer");
            resolve();
          }, 1),
        );
        await withLogFields({ courseId: "c-9" }, async () => log().info("nested"));
        log().info("back outside");
      }),
    );
    expect(cap.find("after await")?.requestId).toBe("r-1");
    expect(cap.find("in timer")?.requestId).toBe("r-1");
    expect(cap.find("nested")).toMatchObject({ requestId: "r-1", courseId: "c-9" });
    expect(cap.find("back outside")?.courseId).toBeUndefined();
  });

  it("keeps concurrent scopes apart", async () => {
    const cap = captureLogs();
    await cap.run(() =>
      Promise.all(
        ["a", "b", "c"].map((id) =>
          withLogFields({ requestId: id }, async () => {
            await Bun.sleep(Math.random() * 5);
            log().info(`done ${id}`);
          }),
        ),
      ),
    );
    for (const id of ["a", "b", "c"]) expect(cap.find(`done ${id}`)?.requestId).toBe(id);
  });

  it("adds trace_id and span_id of the active span", () => {
    const cap = captureLogs();
    const span = trace.wrapSpanContext({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: TraceFlags.SAMPLED,
    });
    cap.run(() => context.with(trace.setSpan(context.active(), span), () => log().info("traced")));
    cap.run(() => log().info("untraced"));
    expect(cap.find("traced")).toMatchObject({
      trace_id: "0af7651916cd43dd8448eb211c80319c",
      span_id: "b7ad6b7169203331",
    });
    expect(cap.find("untraced")?.trace_id).toBeUndefined();
  });

  it("redacts secrets by default and configured paths", () => {
    const cap = captureLogs({ redact: ["mongo.url"] });
    cap.logger.info(
      {
        authorization: "Bearer abc.def",
        headers: { authorization: "Bearer xyz", cookie: "sid=1", accept: "json" },
        user: { password: "hunter2", name: "ann" },
        token: "t0k",
        mongo: { url: "mongodb://u:p@h/db" },
      },
      "request",
    );
    const text = cap.text();
    for (const secret of ["abc.def", "xyz", "sid=1", "hunter2", "t0k", "u:p@h"]) expect(text).not.toContain(secret);
    const e = cap.find("request")!;
    expect((e.headers as Record<string, string>).authorization).toBe(REDACTED);
    expect((e.headers as Record<string, string>).accept).toBe("json");
    expect((e.user as Record<string, string>).name).toBe("ann");
  });

  it("honours the level", () => {
    const cap = captureLogs({ level: "warn" });
    cap.logger.info("hidden");
    cap.logger.warn("shown");
    expect(cap.entries.map((e) => e.msg)).toEqual(["shown"]);
  });

  it("writes readable lines in pretty format without a worker transport", () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: prettyStream({ write: (s: string) => lines.push(s) }, false) });
    logger.info({ courseId: "c1", token: "secret" }, "course published");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}course published courseId=c1 token=\[REDACTED\]\n$/);
  });
});

describe("turnDestination", () => {
  it("writes the lines of one event-loop turn together, in order, before the next turn", async () => {
    const file = join(tmpdir(), `xlog-turn-${process.pid}-${Date.now()}.log`);
    const fd = openSync(file, "w");
    try {
      const logger = createLogger({ destination: turnDestination(fd) });
      for (let i = 0; i < 3; i++) logger.info({ i }, "line");
      expect(readFileSync(file, "utf8")).toBe("");
      await new Promise((resolve) => setImmediate(resolve));
      const lines = readFileSync(file, "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).i);
      expect(lines).toEqual([0, 1, 2]);
    } finally {
      closeSync(fd);
    }
  });

  it("loses no line when the process exits or crashes in the same turn", async () => {
    const script = `import { createLogger } from ${JSON.stringify(join(import.meta.dir, "index.ts"))};
      const l = createLogger({});
      l.info("first");
      setTimeout(() => { l.info("last"); if (process.argv[2] === "crash") throw new Error("boom"); process.exit(3); }, 5);`;
    const file = join(tmpdir(), `xlog-exit-${process.pid}-${Date.now()}.ts`);
    await Bun.write(file, script);
    for (const how of ["crash", "exit"]) {
      const proc = Bun.spawn(["bun", file, how], { stdout: "pipe", stderr: "ignore" });
      const out = await new Response(proc.stdout).text();
      expect(await proc.exited).toBe(how === "crash" ? 1 : 3);
      expect(
        out
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l).msg),
      ).toEqual(["first", "last"]);
    }
  });
});
