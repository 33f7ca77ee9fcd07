/**
 * `npm run build:console`: bundles the review console and the applicant's page into
 * dist/console (for an API installed without devDependencies) and prints each page's weight.
 * The API builds them itself, in memory, wherever esbuild is installed (npm start, npm test).
 */
import { buildConsoleAssets, PREBUILT_DIR, pageWeights, writeConsoleAssets } from '../api/console-assets';

const started = performance.now();
const built = await buildConsoleAssets();
await writeConsoleAssets(built);
console.log(`built ${PREBUILT_DIR} in ${Math.round(performance.now() - started)} ms`);
for (const [page, w] of Object.entries(await pageWeights(built))) {
  console.log(
    `${page.padEnd(8)} JS ${w.jsBytes} B (${w.jsGzipBytes} B gzipped), CSS ${w.cssBytes} B (${w.cssGzipBytes} B gzipped)`,
  );
}
