/**
 * The review console (/console) and the applicant's page (/apply): two HTML shells, their
 * scripts and stylesheets (api/console-assets.ts, built on the first request), under a
 * strict Content-Security-Policy: scripts, styles, images and API calls from this origin only
 * (images also from blob: URLs, which is how photos fetched with a bearer token are shown), no
 * inline script or style, no framing, no forms posting elsewhere, Trusted Types enforced. The
 * pages hold no data and no token: they call /v1 like any client, with the caller's token.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { type ConsoleAssets, etagOf, loadConsoleAssets, PAGES, type PageName } from '../console-assets';
import { sendProblem } from '../problem';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** On every page and asset. */
const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function shell(page: PageName, built: ConsoleAssets, production: boolean): string {
  const { script, style } = built.pages[page];
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(PAGES[page].title)}</title>
<meta name="account-opening-mode" content="${production ? 'production' : 'development'}">
<link rel="stylesheet" href="/console/assets/${escapeHtml(style)}">
<script type="module" src="/console/assets/${escapeHtml(script)}"></script>
</head>
<body>
<div id="app"><noscript>此页面需要启用 JavaScript。</noscript></div>
</body>
</html>
`;
}

export const consoleRoutes =
  (
    opts: {
      assets?: () => Promise<ConsoleAssets>;
      /** NODE_ENV=production: /apply takes only a customer's session token from its host, never a tenant's. */
      production?: boolean;
    } = {},
  ): FastifyPluginAsync =>
  async (app) => {
    let loading: Promise<ConsoleAssets> | undefined;
    const assets = () => {
      loading ??= (opts.assets ?? loadConsoleAssets)().catch((err: unknown) => {
        loading = undefined; // try again on the next request
        throw err;
      });
      return loading;
    };
    const unavailable = (reply: FastifyReply, err: unknown) => {
      reply.log.error({ err: { message: (err as Error).message } }, 'console assets unavailable');
      return sendProblem(
        reply,
        503,
        'Console unavailable',
        'the console could not be built; see the API log',
      );
    };

    for (const [page, url] of [
      ['console', '/console'],
      ['apply', '/apply'],
    ] as const) {
      app.get(url, { schema: { hide: true } }, async (_req, reply) => {
        let built: ConsoleAssets;
        try {
          built = await assets();
        } catch (err) {
          return unavailable(reply, err);
        }
        return reply
          .headers(SECURITY_HEADERS)
          .header('cache-control', 'no-cache')
          .type('text/html; charset=utf-8')
          .send(shell(page, built, opts.production ?? false));
      });
    }

    app.get<{ Params: { file: string } }>(
      '/console/assets/:file',
      { schema: { hide: true } },
      async (req, reply) => {
        // Names as the build gives them; anything else is not an asset.
        if (!/^[\w-]{1,80}\.(js|css)$/.test(req.params.file)) {
          return sendProblem(reply, 404, 'Not found', 'no such console asset');
        }
        let built: ConsoleAssets;
        try {
          built = await assets();
        } catch (err) {
          return unavailable(reply, err);
        }
        const asset = built.assets.get(req.params.file);
        if (!asset) return sendProblem(reply, 404, 'Not found', 'no such console asset');
        const etag = etagOf(asset.body);
        reply.headers(SECURITY_HEADERS).header('etag', etag);
        // Names carry a content hash: a new build is a new name.
        reply.header('cache-control', 'public, max-age=31536000, immutable');
        if (req.headers['if-none-match'] === etag) return reply.code(304).send();
        return reply.type(asset.type).send(asset.body);
      },
    );
  };
