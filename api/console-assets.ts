/**
 * The review console's and the applicant's page's assets: bundled from console/ with esbuild
 * (Preact and the SDK; one script and one stylesheet per page, names carrying a content hash),
 * in memory. Where esbuild is not installed (a production image built with `npm ci
 * --omit=dev`), `npm run build:console` writes them to dist/console beforehand and they are
 * read from there.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PREBUILT_DIR = path.join(ROOT, 'dist/console');

export const PAGES = {
  console: { entry: 'console/review/main.tsx', title: '开户审核台' },
  apply: { entry: 'console/apply/main.tsx', title: '开立二类账户' },
} as const;
export type PageName = keyof typeof PAGES;

export interface Asset {
  body: Buffer;
  type: string;
}

export interface ConsoleAssets {
  /** By file name, as served under /console/assets/. */
  assets: Map<string, Asset>;
  /** Each page's script and stylesheet file names. */
  pages: Record<PageName, { script: string; style: string }>;
  /** The source files bundled (fresh builds only): what the pages are made of. */
  inputs?: string[];
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Bundles both pages, minified for browsers; takes a few hundred milliseconds. */
export async function buildConsoleAssets(): Promise<ConsoleAssets> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(PAGES).map(([name, p]) => [name, p.entry])),
    absWorkingDir: ROOT,
    outdir: 'dist/console',
    entryNames: '[name]-[hash]',
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['es2022', 'chrome100', 'safari15'],
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    const name = path.basename(file.path);
    assets.set(name, {
      body: Buffer.from(file.contents),
      type: TYPES[path.extname(name)] ?? 'application/octet-stream',
    });
  }
  const pages = {} as ConsoleAssets['pages'];
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    const page = (Object.keys(PAGES) as PageName[]).find((p) => meta.entryPoint === PAGES[p].entry);
    if (page && meta.cssBundle)
      pages[page] = { script: path.basename(out), style: path.basename(meta.cssBundle) };
  }
  for (const page of Object.keys(PAGES) as PageName[]) {
    if (!pages[page]) throw new Error(`the ${page} page built no script and stylesheet`);
  }
  return { assets, pages, inputs: Object.keys(result.metafile.inputs) };
}

/** Writes the assets and a manifest to `dir` (dist/console): `npm run build:console`. */
export async function writeConsoleAssets(built: ConsoleAssets, dir = PREBUILT_DIR): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, asset] of built.assets) await writeFile(path.join(dir, name), asset.body);
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(built.pages, null, 2)}\n`);
}

async function readPrebuilt(dir: string): Promise<ConsoleAssets> {
  const pages = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as ConsoleAssets['pages'];
  const assets = new Map<string, Asset>();
  for (const { script, style } of Object.values(pages)) {
    for (const name of [script, style]) {
      assets.set(name, { body: await readFile(path.join(dir, name)), type: TYPES[path.extname(name)]! });
    }
  }
  return { assets, pages };
}

/** Fresh from the sources where esbuild is installed (development, tests), else dist/console. */
export async function loadConsoleAssets(): Promise<ConsoleAssets> {
  try {
    await import('esbuild');
  } catch {
    if (existsSync(path.join(PREBUILT_DIR, 'manifest.json'))) return readPrebuilt(PREBUILT_DIR);
    throw new Error('the console is not built: run `npm run build:console` (needs the devDependencies)');
  }
  return buildConsoleAssets();
}

/** Page weight: bytes of each page's script and stylesheet, raw and gzipped. */
export async function pageWeights(built: ConsoleAssets) {
  const { gzipSync } = await import('node:zlib');
  return Object.fromEntries(
    (Object.keys(built.pages) as PageName[]).map((page) => {
      const { script, style } = built.pages[page];
      const js = built.assets.get(script)!.body;
      const css = built.assets.get(style)!.body;
      return [
        page,
        {
          jsBytes: js.length,
          jsGzipBytes: gzipSync(js).length,
          cssBytes: css.length,
          cssGzipBytes: gzipSync(css).length,
        },
      ];
    }),
  ) as Record<PageName, { jsBytes: number; jsGzipBytes: number; cssBytes: number; cssGzipBytes: number }>;
}

/** A short content hash, for ETags. */
export const etagOf = (body: Buffer): string =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
