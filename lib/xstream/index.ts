// xstream: reading a byte stream without trusting its sender about its size.

/**
 * Reads `stream` to its end, but never more than `limit` bytes: they are counted as they arrive,
 * and the first chunk past the limit cancels the stream and throws `tooLarge()` — whatever a
 * header claimed, nothing past the limit is buffered.
 */
export async function readAtMost(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
