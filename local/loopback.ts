/**
 * The local twin's servers listen on loopback only (127.0.0.1), on an ephemeral port unless
 * told otherwise. One place for listening and closing them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /**
   * Stop accepting connections and drop the open ones (idle SDK keep-alive sockets would
   * otherwise hold `close` open). Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Listen on 127.0.0.1 (port 0: an ephemeral port) and resolve once listening.
 *
 * @param drop - on close, drop every open connection (`all`), or only idle ones (`idle`: lets
 *   requests in flight finish, e.g. while a database flushes)
 */
export async function listenOnLoopback(server: Server, port = 0, drop: 'all' | 'idle' = 'all'): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err?: Error) => (err ? reject(err) : resolve()));
        if (drop === 'all') server.closeAllConnections();
        else server.closeIdleConnections();
      });
      return closed;
    },
  };
}
