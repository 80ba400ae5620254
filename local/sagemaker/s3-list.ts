/**
 * The one S3 operation the tuner's functions call, ListObjectsV2, over the emulator's folder
 * that stands in for S3 (`s3://bucket/key` is `<s3Root>/bucket/key`). Served by the emulator's
 * HTTP server for path-style GET requests (`GET /<bucket>?list-type=2&prefix=...&max-keys=N`), so
 * the real `@aws-sdk/client-s3` talks to it with `AWS_ENDPOINT_URL_S3` and `forcePathStyle`.
 *
 * Answers as S3 does: `ListBucketResult` XML; `NoSuchBucket` (404) for a bucket folder that does
 * not exist. Keys are listed in UTF-8 binary order, files only (S3 has no folders).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** An S3 REST answer: status, XML body. */
export interface S3Answer {
  readonly statusCode: number;
  readonly body: string;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function s3Error(statusCode: number, code: string, message: string, extra = ''): S3Answer {
  return {
    statusCode,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${extra}<RequestId>local</RequestId></Error>`,
  };
}

/** Every file under `dir` (following links), as keys relative to `bucketDir`, until `limit` are found. */
function listFiles(bucketDir: string, dir: string, keyPrefix: string, limit: number, out: { key: string; size: number; mtime: Date }[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    if (out.length >= limit) return;
    const path = join(dir, name);
    let stats;
    try {
      stats = statSync(path);
    } catch {
      continue;
    }
    const key = relative(bucketDir, path).split(sep).join('/');
    if (stats.isDirectory()) {
      if (`${key}/`.startsWith(keyPrefix) || keyPrefix.startsWith(`${key}/`)) listFiles(bucketDir, path, keyPrefix, limit, out);
    } else if (key.startsWith(keyPrefix)) {
      out.push({ key, size: stats.size, mtime: stats.mtime });
    }
  }
}

/**
 * Answers `GET /<bucket>?list-type=2&prefix=..&max-keys=..` (ListObjectsV2, path style); any
 * other S3 request gets `NotImplemented`.
 */
export function handleS3Request(s3Root: string, method: string, url: string): S3Answer {
  const parsed = new URL(url, 'http://localhost');
  const path = parsed.pathname.replace(/^\/+/, '').replace(/\/+$/, '');
  const bucket = decodeURIComponent(path);
  if (method !== 'GET' || bucket === '' || path.includes('/') || parsed.searchParams.get('list-type') !== '2') {
    return s3Error(501, 'NotImplemented', 'the local S3 answers ListObjectsV2 only (GET /<bucket>?list-type=2)');
  }
  const bucketDir = resolve(s3Root, bucket);
  if (!bucketDir.startsWith(resolve(s3Root) + sep) || !existsSync(bucketDir)) {
    return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', `<BucketName>${xmlEscape(bucket)}</BucketName>`);
  }
  const prefix = parsed.searchParams.get('prefix') ?? '';
  const maxKeys = Math.max(0, Math.min(1000, Number(parsed.searchParams.get('max-keys') ?? '1000') || 0));
  // Start at the deepest folder the prefix names, so a listing never walks the whole bucket.
  const start = prefix.includes('/') ? join(bucketDir, prefix.endsWith('/') ? prefix : dirname(prefix)) : bucketDir;
  const found: { key: string; size: number; mtime: Date }[] = [];
  if (resolve(start).startsWith(bucketDir)) listFiles(bucketDir, start, prefix, maxKeys + 1, found);
  const page = found.slice(0, maxKeys);
  const contents = page
    .map((f) => `<Contents><Key>${xmlEscape(f.key)}</Key><LastModified>${f.mtime.toISOString()}</LastModified><ETag>&quot;local&quot;</ETag><Size>${f.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
    .join('');
  return {
    statusCode: 200,
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
      `<IsTruncated>${found.length > maxKeys}</IsTruncated>${contents}</ListBucketResult>`,
  };
}
