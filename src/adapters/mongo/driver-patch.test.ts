// patches/mongodb@7.9.0.patch: a command whose write is waiting for the socket to drain fails with
// the connection's error when the connection closes. Under Bun a write to a socket whose peer has
// just closed returns false, then the socket emits 'close' but never 'drain' nor 'error' (shown
// below on a real TCP socket); unpatched, the driver waited for 'drain' forever. In its server
// monitor that froze the server's state at Unknown after a store restart, and every operation of
// the replica failed server selection until it was restarted (the chaos soak's stalled replica).
import { describe, expect, it } from "bun:test";
import { createRequire } from "node:module";
import { connect, createServer } from "node:net";
import { Duplex } from "node:stream";
import { MongoNetworkError } from "mongodb";

const require = createRequire(import.meta.url);
// The driver's own connection class: the patched code path, with no server behind it.
const { Connection } = require("mongodb/lib/cmap/connection.js") as {
  Connection: new (
    stream: Duplex,
    options: { id: number; generation: number; hostAddress: unknown },
  ) => { command(ns: unknown, cmd: object, options: object): Promise<unknown> };
};
const { ns, HostAddress } = require("mongodb/lib/utils.js") as {
  ns(s: string): unknown;
  HostAddress: { fromString(s: string): unknown };
};

describe("the mongodb driver's write wait (patched)", () => {
  it("under Bun, a socket written to just after its peer closed reports neither drain nor error", async () => {
    // The premise of the patch, on a real socket: if this changes, the patch may go.
    const server = createServer((s) => setTimeout(() => s.destroy(), 20)).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const socket = connect((server.address() as { port: number }).port, "127.0.0.1");
    const events: string[] = [];
    for (const e of ["drain", "error", "close"]) socket.on(e, () => events.push(e));
    await new Promise((r) => socket.once("end", r));
    const accepted = socket.write(Buffer.alloc(300, 1));
    await Bun.sleep(200);
    server.close();
    expect({ accepted, events }).toEqual({ accepted: false, events: ["close"] });
  });

  it("a command waiting for 'drain' fails with the connection's error when the socket closes", async () => {
    // A stream that never flushes (so write() returns false), then closes without an error: what
    // a Bun socket does after its peer went away. setTimeout as a socket has it (a no-op here).
    class StalledSocket extends Duplex {
      setTimeout() {
        return this;
      }
    }
    const stream = new StalledSocket({ read() {}, write() {}, highWaterMark: 1 });
    const conn = new Connection(stream, {
      id: 7,
      generation: 0,
      hostAddress: HostAddress.fromString("127.0.0.1:27017"),
    });
    const sent = conn.command(ns("admin.$cmd"), { ping: 1 }, {});
    const outcome = sent.then(
      () => "answered",
      (e: unknown) => e,
    );
    await Bun.sleep(50);
    stream.destroy();
    const settled = await Promise.race([outcome, Bun.sleep(5_000).then(() => "still waiting after 5 s")]);
    expect(settled).toBeInstanceOf(MongoNetworkError);
    expect((settled as Error).message).toMatch(/^connection 7 to \S+ closed$/);
  });
});
