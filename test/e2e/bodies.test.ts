// Request bodies are bounded before anything else, whatever the headers say, and an anonymous or
// under-scoped caller is answered before a byte of its body is read. Over raw sockets (fetch
// would fix the framing), 50 MB each, against the compiled binary with a 64 KiB body limit; the
// process's peak resident memory (VmHWM) may not grow by more than a few MiB over all of it.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { connect, type Socket } from "node:net";
import { serviceEnv, startService, testToken, withAuth, type RunningService } from "../support/service.ts";
import { dropDatabases, stack, uniqueName, type StackEndpoints } from "../support/stack.ts";

let s: StackEndpoints;
let svc: RunningService;
let writer: string;
let reader: string;
const database = uniqueName("it_bodies").replaceAll("-", "_");
const LIMIT = 65_536;
const FIFTY_MB = 50_000_000;
beforeAll(async () => {
  s = await stack();
  svc = await startService(
    withAuth(
      serviceEnv(s, {
        COURSES_MONGO_DATABASE: database,
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
        COURSES_LOG_LEVEL: "info",
        COURSES_HTTP_BODY_LIMIT: String(LIMIT),
      }),
    ),
    { args: ["serve", "--modules=api"] },
  );
  writer = await testToken(["courses:write"]);
  reader = await testToken([]);
});
afterAll(async () => {
  await svc?.stop();
  await dropDatabases(s.mongoUrl, [database]);
});

const status = async (pid: number, field: "VmHWM" | "VmRSS") =>
  Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(await Bun.file(`/proc/${pid}/status`).text())?.[1]) * 1024;

interface Answer {
  status: number;
  /** Body bytes written before the server answered or closed. */
  sent: number;
  text: string;
}

/**
 * Sends `head` then up to `total` body bytes (as chunks when `chunked`), stopping as soon as the
 * server answers or closes: a server that reads the whole body before answering gets all 50 MB.
 */
async function raw(head: string, total: number, chunked: boolean): Promise<Answer> {
  const sock: Socket = connect(svc.port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => sock.once("connect", resolve).once("error", reject));
  let response = "";
  let over = false;
  const answered = new Promise<void>((resolve) => {
    sock.on("data", (d: Buffer) => {
      response += d.toString("latin1");
      if (response.includes("\r\n\r\n")) {
        over = true;
        resolve();
      }
    });
    const end = () => {
      over = true;
      resolve();
    };
    sock.on("close", end);
    sock.on("error", end);
  });
  sock.write(head);
  const piece = Buffer.alloc(64 * 1024, "a");
  const frame = chunked
    ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
    : piece;
  // The body opens like a course, so that a server reading it would have to parse it all.
  const opening = Buffer.from('{"title":"');
  let sent = 0;
  if (total > 0) {
    sock.write(
      chunked
        ? Buffer.concat([Buffer.from(`${opening.length.toString(16)}\r\n`), opening, Buffer.from("\r\n")])
        : opening,
    );
    sent = opening.length;
  }
  while (sent < total && !over) {
    if (!sock.write(frame)) await Promise.race([new Promise((r) => sock.once("drain", r)), answered]);
    // Let the answer's data event run: a server that discards what it does not read keeps the
    // socket writable, and a loop that never yields would send all 50 MB before seeing the answer.
    else await new Promise((r) => setImmediate(r));
    sent += piece.length;
  }
  if (chunked && total > 0 && !over) sock.write("0\r\n\r\n");
  await Promise.race([answered, Bun.sleep(15_000)]);
  sock.destroy();
  const code = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
  return { status: code, sent, text: response };
}

const head = (lines: string[]) =>
  [`POST /v1/courses HTTP/1.1`, `Host: 127.0.0.1:${svc.port}`, "Content-Type: application/json", ...lines, "", ""].join(
    "\r\n",
  );

describe("bodies bounded before anything else", () => {
  // Bun answers the garbage after a lying Content-Length itself (431, connection closed) and may
  // write that before our answer to the framed request, or close the connection before either is
  // read (no answer: 0): each is a refusal that buffered nothing (peak memory is checked below).
  const BUN_GARBAGE = 431;
  const CLOSED = 0;
  const cases: {
    name: string;
    lines: string[];
    chunked: boolean;
    anonymous: number | number[];
    authenticated: number | number[];
  }[] = [
    {
      name: "two identical Content-Length headers",
      lines: [`Content-Length: ${FIFTY_MB}`, `Content-Length: ${FIFTY_MB}`],
      chunked: false,
      anonymous: 400,
      authenticated: 400,
    },
    {
      // Bun frames the body by the declared 100 bytes; the rest is garbage after the request.
      name: "a Content-Length that lies (100, then 50 MB)",
      lines: ["Content-Length: 100"],
      chunked: false,
      anonymous: [401, BUN_GARBAGE, CLOSED],
      authenticated: [400, BUN_GARBAGE, CLOSED],
    },
    {
      name: "chunked with no length",
      lines: ["Transfer-Encoding: chunked"],
      chunked: true,
      anonymous: 401,
      authenticated: 413,
    },
    {
      name: "a declared length past the limit",
      lines: [`Content-Length: ${FIFTY_MB}`],
      chunked: false,
      anonymous: 413,
      authenticated: 413,
    },
  ];

  it("each is answered with its problem before the body is buffered; peak memory stays flat", async () => {
    Bun.gc(true);
    const peakBefore = await status(svc.pid, "VmHWM");
    const rssBefore = await status(svc.pid, "VmRSS");
    const seen: string[] = [];
    const wrong: string[] = [];
    for (const c of cases) {
      for (const [who, auth, expected] of [
        ["anonymous", [], c.anonymous],
        ["authenticated", [`Authorization: Bearer ${writer}`], c.authenticated],
      ] as const) {
        const a = await raw(head([...auth, ...c.lines]), FIFTY_MB, c.chunked);
        seen.push(`${c.name}, ${who}: ${a.status} after ${(a.sent / 1e6).toFixed(1)} MB sent`);
        const allowed = ([] as number[]).concat(expected);
        const name = `${c.name}, ${who}: ${a.status} after ${a.sent} bytes (${JSON.stringify(a.text.slice(0, 120))})`;
        if (!allowed.includes(a.status)) wrong.push(`${name}: status not in ${allowed}`);
        else if (
          a.status !== BUN_GARBAGE &&
          a.status !== CLOSED &&
          !a.text.toLowerCase().includes("content-type: application/problem+json")
        )
          wrong.push(`${name}: not a problem`);
        // Answered long before the 50 MB went out: the server stopped reading at the limit.
        if (a.sent >= FIFTY_MB) wrong.push(`${name}: the whole body was sent before an answer`);
      }
    }
    expect(wrong).toEqual([]);
    const peakAfter = await status(svc.pid, "VmHWM");
    const rssAfter = await status(svc.pid, "VmRSS");
    console.error(
      `[bodies] ${seen.join("; ")}; peak RSS ${(peakBefore / 2 ** 20).toFixed(1)} → ${(peakAfter / 2 ** 20).toFixed(1)} MiB, RSS ${(rssBefore / 2 ** 20).toFixed(1)} → ${(rssAfter / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(peakAfter - peakBefore).toBeLessThan(8 * 2 ** 20);
    expect((await fetch(`${svc.url}/v1/courses?limit=1`)).status).toBe(200);
  }, 120_000);

  it("a caller without the scope gets 403 before its body is read", async () => {
    const a = await raw(head([`Authorization: Bearer ${reader}`, "Transfer-Encoding: chunked"]), FIFTY_MB, true);
    expect(a.status).toBe(403);
    expect(a.sent).toBeLessThan(FIFTY_MB);
  }, 60_000);

  it("a valid body within the limit, chunked or with its length, is still accepted", async () => {
    const body = JSON.stringify({
      title: "Bounded course",
      language: "en",
      level: "beginner",
      instructor: { id: "i", name: "I" },
    });
    const chunked = await raw(
      head([`Authorization: Bearer ${writer}`, "Transfer-Encoding: chunked"]).replace(/\r\n\r\n$/, "\r\n\r\n") +
        `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      0,
      false,
    );
    expect(chunked.status).toBe(201);
    const sized = await fetch(`${svc.url}/v1/courses`, {
      method: "POST",
      headers: { authorization: `Bearer ${writer}`, "content-type": "application/json" },
      body: body.replace("Bounded course", "Bounded course two"),
    });
    expect(sized.status).toBe(201);
  }, 60_000);
});
