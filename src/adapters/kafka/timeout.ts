// A bound on a Kafka client call: the publisher and the dead-letter producer never wait longer than this,
// whatever the client's own retries do.

export class KafkaTimeout extends Error {
  override readonly name = "KafkaTimeout";
}

/** Resolves as `work` does, or rejects with KafkaTimeout after `ms` (the work is left running). */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new KafkaTimeout(`${what}: Kafka did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
