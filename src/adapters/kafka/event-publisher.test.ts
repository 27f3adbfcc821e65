// A broker that accepts connections and never answers (what a relay met after a broker restart
// in `bun run chaos`): a publish must give up within its own bound, not when the client does.
import { afterAll, describe, expect, it } from "bun:test";
import { AppError } from "../../../lib/xerrors/index.ts";
import type { OutboxEvent } from "../../app/outbox.ts";
import { KafkaEventPublisher } from "./event-publisher.ts";

const accepted: unknown[] = [];
const blackHole = Bun.listen({
  hostname: "127.0.0.1",
  port: 0,
  socket: {
    open: (socket) => void accepted.push(socket),
    data: () => {},
  },
});
afterAll(() => blackHole.stop(true));

const event: OutboxEvent = {
  id: "e-1",
  type: "course.created",
  courseId: "c-1",
  courseVersion: 1,
  occurredAt: new Date(),
  data: {},
};

describe("KafkaEventPublisher", () => {
  it("gives up on a broker that never answers within its bound, each time", async () => {
    // The client's own timeouts are ten minutes: only the publisher's bound can end the wait.
    const publisher = new KafkaEventPublisher(
      { clientId: "t", brokers: [`127.0.0.1:${blackHole.port}`], connectionTimeout: 600_000, requestTimeout: 600_000 },
      "t",
      "/courses",
      undefined,
      300,
    );
    for (let i = 0; i < 2; i++) {
      const e = await publisher.publish([event]).catch((err) => err);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).kind).toBe("unavailable");
    }
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    await publisher.close().catch(() => {});
  }, 10_000);
});
