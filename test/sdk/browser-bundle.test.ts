/**
 * The SDK runs in a browser bundle, in Node and in a WebView: esbuild bundles sdk/index.ts for
 * the browser (a Node built-in would not resolve), the bundle runs in a bare JavaScript realm
 * that has only web globals (no process, Buffer or require), and the SDK type-checks against the
 * DOM library without Node's types. That its sources import only sdk/, domain/ and zod is one of
 * the repository's import rules (test/architecture.test.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../contracts/webhook-signature';
import type * as Sdk from '../../sdk/index';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = path.join(ROOT, 'sdk/index.ts');

const bundle = (format: 'esm' | 'iife') =>
  build({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'browser',
    format,
    globalName: format === 'iife' ? 'AccountOpeningSdk' : undefined,
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });

describe('the SDK in a browser bundle', () => {
  it('bundles for the browser with no Node built-in, from sdk/, domain/ (and what it shares) and zod only', async () => {
    const result = await bundle('esm');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const inputs = result.metafile.inputs;
    const imported = Object.values(inputs).flatMap((i) => i.imports.map((imp) => imp.path));
    expect(imported.filter((p) => p.startsWith('node:') || !p.includes('/'))).toEqual([]);
    const outside = Object.keys(inputs).filter(
      (f) => !/^(sdk|domain|contracts)\//.test(f) && !f.startsWith('node_modules/zod/'),
    );
    expect(outside).toEqual([]);
    // What domain/ brings along from contracts/ is zod schemas, not Node code.
    for (const f of Object.keys(inputs).filter((f) => f.startsWith('contracts/'))) {
      expect(
        inputs[f]!.imports.every(
          (imp) => imp.path.startsWith('node_modules/zod/') || /^(domain|contracts)\//.test(imp.path),
        ),
        f,
      ).toBe(true);
    }

    const bytes = result.outputFiles[0]!.contents;
    const byTop = new Map<string, number>();
    for (const [file, { bytesInOutput }] of Object.entries(
      Object.values(result.metafile.outputs)[0]!.inputs,
    )) {
      const top = file.startsWith('node_modules/') ? 'zod' : file.split('/')[0]!;
      byTop.set(top, (byTop.get(top) ?? 0) + bytesInOutput);
    }
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      `[sdk bundle] ${kb(bytes.length)} minified, ${kb(gzipSync(bytes).length)} gzipped; ` +
        [...byTop].map(([k, n]) => `${k} ${kb(n)}`).join(', '),
    );
    // A guard against pulling in something big (a Temporal or Fastify module), not a target.
    expect(bytes.length).toBeLessThan(700 * 1024);
  });

  it('runs in a realm with web globals only: paths, errors and a webhook check work there', async () => {
    const result = await bundle('iife');
    const realm = vm.createContext({
      // What a browser or a WebView offers; no process, Buffer, require or module.
      crypto: globalThis.crypto,
      TextEncoder,
      TextDecoder,
      atob,
      btoa,
      URL,
      URLSearchParams,
      Headers,
      Response,
      AbortController,
      setTimeout,
      clearTimeout,
      console,
      fetch: async () => new Response(JSON.stringify({ documentId: 'a'.repeat(64) }), { status: 201 }),
    });
    vm.runInContext(result.outputFiles[0]!.text, realm);
    expect(vm.runInContext('typeof process + typeof Buffer + typeof require', realm)).toBe(
      'undefinedundefinedundefined',
    );
    const sdk = vm.runInContext('AccountOpeningSdk', realm) as typeof Sdk;

    expect(sdk.pathOf('listEvents', { applicationId: 'a/b' })).toBe('/v1/applications/a%2Fb/events');
    const client = new sdk.ApiClient({ baseUrl: 'https://api.example', token: 't' });
    expect(await client.uploadDocument(new Uint8Array([0x89, 0x50]), 'image/png')).toBe('a'.repeat(64));

    const body = JSON.stringify({
      eventId: 'e1',
      type: 'ACCOUNT_OPENED',
      applicationId: 'a1',
      occurredAt: new Date().toISOString(),
      data: {},
    });
    // A whsec_ secret's key is decoded with the realm's atob: no Buffer there.
    for (const secret of [
      'a-secret-of-enough-length',
      `whsec_${Buffer.alloc(32, 0xe7).toString('base64')}`,
    ]) {
      const headers = { ...signWebhook(secret, 'e1', body) };
      expect((await sdk.verifyWebhook({ secret, headers, body })).eventId).toBe('e1');
      const refused = await sdk
        .verifyWebhook({ secret: 'wrong-secret-xxxxxxxx', headers, body })
        .catch((e) => e);
      expect(refused).toBeInstanceOf(sdk.WebhookVerificationError);
      expect(refused.reason).toBe('BAD_SIGNATURE');
    }
  });

  it("type-checks against the browser's library without Node's types", () => {
    const program = ts.createProgram([ENTRY], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: [],
      strict: true,
      noUncheckedIndexedAccess: true,
      noImplicitOverride: true,
      skipLibCheck: true,
      noEmit: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${path.relative(ROOT, d.file.fileName)}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    expect(problems).toEqual([]);
    const files = program
      .getSourceFiles()
      .map((f) => path.relative(ROOT, f.fileName))
      .filter((f) => !f.startsWith('node_modules/'));
    expect(files).toContain('sdk/webhooks.ts');
    expect(files.filter((f) => !/^(sdk|domain|contracts)\//.test(f))).toEqual([]);
  });
});
