/**
 * The pages' bundles, without a server or a browser: made of console/, the SDK (sdk/, domain/,
 * contracts/ through domain/), Preact and zod only, so no server code or secret can reach a
 * browser; the HTML shells load one script and one stylesheet, with nothing inline.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildConsoleAssets } from '../../api/console-assets';
import { CONTENT_SECURITY_POLICY, consoleRoutes } from '../../api/routes/console';

describe('the console and applicant page bundles', () => {
  it('hold only the pages, the SDK, Preact and zod', async () => {
    const built = await buildConsoleAssets();
    const outside = (built.inputs ?? []).filter(
      (f) => !/^(console|sdk|domain|contracts)\//.test(f) && !/^node_modules\/(preact|zod)\//.test(f),
    );
    expect(outside).toEqual([]);
    expect(built.inputs).toEqual(
      expect.arrayContaining(['console/review/main.tsx', 'console/apply/main.tsx']),
    );
    for (const { script, style } of Object.values(built.pages)) {
      expect(script).toMatch(/^[\w-]+\.js$/);
      expect(style).toMatch(/^[\w-]+\.css$/);
      expect(built.assets.get(script)?.body.toString()).not.toMatch(/process\.env|require\(/);
    }
  });

  it('serves the shells and assets with the CSP, and nothing else under /console', async () => {
    const app = Fastify();
    await app.register(consoleRoutes({ assets: buildConsoleAssets }));
    const page = await app.inject({ url: '/console' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['x-frame-options']).toBe('DENY');
    const srcs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs).toHaveLength(2);
    for (const src of srcs) {
      const asset = await app.inject({ url: src });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(asset.headers['cache-control']).toMatch(/immutable/);
    }
    expect((await app.inject({ url: '/console/assets/../../package.json' })).statusCode).not.toBe(200);
    expect((await app.inject({ url: '/console/assets/nope.js' })).statusCode).toBe(404);
    await app.close();
  });
});
