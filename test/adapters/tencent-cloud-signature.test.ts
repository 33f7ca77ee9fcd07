/**
 * Our TC3-HMAC-SHA256 signer against the official SDK's own (tencentcloud-sdk-nodejs-common,
 * a devDependency for this test alone): the same request must get the same Authorization.
 */

import Sign from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/sign';
import { describe, expect, it } from 'vitest';
import { parseTc3Authorization, tc3Authorization } from '../../contracts/tencent-cloud';

// The SDK's sign3 is typed loosely (its .d.ts says any); this is the part we call.
const sdkSign3 = (Sign as unknown as { sign3(o: Record<string, unknown>): string }).sign3;

const cases = [
  {
    what: 'OCR at Tencent Cloud',
    url: 'https://ocr.tencentcloudapi.com/',
    service: 'ocr',
    payload: { ImageBase64: 'aGVsbG8=', CardSide: 'FRONT', Config: '{"Quality":true}' },
    timestamp: 1_733_400_000,
  },
  {
    what: 'FaceID at the sandbox, a port and a path, a name beyond ASCII',
    url: 'http://127.0.0.1:7310/tencentcloud/faceid',
    service: 'faceid',
    payload: { IdCard: '11010119900307002X', Name: '张·三𠀀' },
    timestamp: 1_764_892_800,
  },
];

describe('TC3-HMAC-SHA256', () => {
  for (const c of cases) {
    it(`signs as the official SDK does: ${c.what}`, () => {
      const url = new URL(c.url);
      const ours = tc3Authorization({
        secretId: 'AKIDexample',
        secretKey: 'example-secret-key',
        service: c.service,
        hostname: url.hostname,
        path: url.pathname,
        contentType: 'application/json',
        payload: JSON.stringify(c.payload),
        timestamp: c.timestamp,
      });
      const sdk = sdkSign3({
        method: 'POST',
        url: c.url,
        payload: c.payload,
        timestamp: c.timestamp,
        service: c.service,
        secretId: 'AKIDexample',
        secretKey: 'example-secret-key',
        multipart: false,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(ours).toBe(sdk);
    });
  }

  it('a different secret key gives a different signature under the same credential', () => {
    const base = {
      secretId: 'AKIDexample',
      service: 'ocr',
      hostname: 'ocr.tencentcloudapi.com',
      path: '/',
      contentType: 'application/json',
      payload: '{}',
      timestamp: 1_733_400_000,
    };
    const a = parseTc3Authorization(tc3Authorization({ ...base, secretKey: 'one' }));
    const b = parseTc3Authorization(tc3Authorization({ ...base, secretKey: 'two' }));
    expect(a?.secretId).toBe('AKIDexample');
    expect(a?.date).toBe('2024-12-05');
    expect(a?.signature).not.toBe(b?.signature);
  });
});
