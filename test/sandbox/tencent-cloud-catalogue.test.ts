/**
 * The Tencent Cloud sandbox's magic (catalogue.json, tencentCloud) is what docs/sandbox.md
 * lists, and its key pair and endpoint are the ones the settings fall back to.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TENCENT_SANDBOX_CREDENTIALS, TENCENT_SANDBOX_PATH } from '../../contracts/tencent-cloud';
import { tencentCatalogue } from '../../sandbox/tencent-cloud/catalogue';

const doc = readFileSync(new URL('../../docs/sandbox.md', import.meta.url), 'utf8');

describe('the Tencent Cloud sandbox in catalogue.json and docs/sandbox.md', () => {
  it('docs/sandbox.md lists every magic input and signature error of the catalogue', () => {
    const c = tencentCatalogue;
    const examples = [
      ...c.signatureErrors,
      ...c.ocr.examples,
      ...c.identity.examples,
      ...c.bankCard.examples,
      ...c.face.examples,
    ];
    const missing = examples
      .flatMap((e) => [`\`${e.input}\``, `\`${e.code}\``])
      .filter((t) => !doc.includes(t));
    expect(missing).toEqual([]);
    for (const text of [
      c.ocr.markerPrefix,
      c.face.markerPrefix,
      c.credentials.secretId,
      c.credentials.secretKey,
    ])
      expect(doc).toContain(text);
  });

  it('names the key pair and the endpoint the settings fall back to', () => {
    expect(tencentCatalogue.credentials).toEqual(TENCENT_SANDBOX_CREDENTIALS);
    expect(tencentCatalogue.endpoint).toBe(`http://127.0.0.1:7310${TENCENT_SANDBOX_PATH}`);
  });
});
