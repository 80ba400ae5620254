/** Request bodies on the twin's HTTP endpoints: read with a size limit, parsed as a JSON object. */
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

/**
 * A JSON request body as an object: `{}` for an empty body or a JSON value that is not an object,
 * undefined when the text is not JSON (the service answers `SerializationException`).
 */
export function parseJsonObject<T extends object>(text: string): T | undefined {
  try {
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    return (typeof parsed === 'object' && parsed !== null ? parsed : {}) as T;
  } catch {
    return undefined;
  }
}
