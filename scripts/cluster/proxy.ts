/**
 * One address in front of several API instances, as a load balancer would be: round robin over
 * the backends whose /ready answers 200 (checked four times a second), and a request whose backend
 * refuses the connection goes to the next one (nothing reached the refusing backend, so it is
 * safe to resend). A draining API (SIGTERM) answers /ready 503 at once, gets no new requests,
 * and finishes the ones it has. Bodies are buffered (uploads are capped at a few MB anyway).
 */
import http from 'node:http';

export interface Proxy {
  port: number;
  /** Requests sent to each backend so far (for the cluster's summary and tests). */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024 * 1024;

export async function startProxy(opts: { host: string; port: number; backends: string[] }): Promise<Proxy> {
  const backends = opts.backends.map((url) => ({ url: new URL(url), ready: false, count: 0 }));
  let next = 0;
  const check = async () => {
    await Promise.all(
      backends.map(async (b) => {
        try {
          const res = await fetch(new URL('/ready', b.url), { signal: AbortSignal.timeout(1000) });
          b.ready = res.ok;
        } catch {
          b.ready = false;
        }
      }),
    );
  };
  await check();
  const timer = setInterval(() => void check(), 250);
  timer.unref();

  const forward = (
    b: (typeof backends)[number],
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
  ): Promise<'sent' | 'refused'> =>
    new Promise((resolve) => {
      const upstream = http.request(
        {
          host: b.url.hostname,
          port: b.url.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        },
        (up) => {
          b.count += 1;
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.once('end', () => resolve('sent'));
          up.once('error', () => resolve('sent'));
        },
      );
      upstream.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET') {
          b.ready = false;
          resolve('refused');
        } else {
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
          res.end('bad gateway\n');
          resolve('sent');
        }
      });
      upstream.end(body);
    });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const ready = backends.filter((b) => b.ready);
      const order = (ready.length ? ready : backends).slice();
      const start = next++ % order.length;
      for (let i = 0; i < order.length; i++) {
        if ((await forward(order[(start + i) % order.length]!, req, body, res)) === 'sent') return;
      }
      res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: 'no API instance is up',
        }),
      );
    });
  });
  // Long update-with-start answers (up to the first answer's wait) must not be cut.
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    counts: () => Object.fromEntries(backends.map((b) => [b.url.origin, b.count])),
    close: () =>
      new Promise((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
