/** Reading a request body on the twin's HTTP endpoints, with a size limit. */
import type { IncomingMessage } from 'node:http';

/**
 * The body as UTF-8 text.
 *
 * @param tooLarge the error to throw once more than `maxBytes` arrived (each service words it its way)
 */
export async function readBodyLimited(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
