/**
 * Test ID-card images: small, valid PNGs that carry an OCR marker in a tEXt chunk. Pure
 * functions, so tests of other modules can make images without a running sandbox.
 */
import { deflateSync } from 'node:zlib';
import {
  catalogue,
  type FaceMarker,
  faceMarkerSchema,
  type IdCardMarker,
  idCardMarkerSchema,
} from '../catalogue';

export type { FaceMarker, IdCardMarker } from '../catalogue';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG (and zlib) define it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

export type Rgb = readonly [number, number, number];

/** An 8-bit RGB PNG; `pixel` colours each (x, y); `texts` become tEXt chunks (keyword, Latin-1 text). */
export function makePng(opts: {
  width: number;
  height: number;
  pixel: (x: number, y: number) => Rgb;
  texts?: ReadonlyArray<{ keyword: string; text: string }>;
}): Buffer {
  const { width, height } = opts;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: truecolour
  // compression, filter and interlace methods stay 0
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    raw[row] = 0; // filter type None
    for (let x = 0; x < width; x++) {
      const [r, g, b] = opts.pixel(x, y);
      raw.set([r, g, b], row + 1 + x * 3);
    }
  }
  const texts = (opts.texts ?? []).map(({ keyword, text }) =>
    chunk(
      'tEXt',
      Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]),
    ),
  );
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    ...texts,
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * The marker text. Non-ASCII characters (Chinese names) are written as JSON \u escapes, so the
 * tEXt chunk stays within Latin-1 as PNG requires while JSON.parse still restores the name.
 */
export function encodeMarker(marker: IdCardMarker): string {
  const json = JSON.stringify(idCardMarkerSchema.parse(marker)).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return catalogue.providers.ocr.markerPrefix + json;
}

const FRONT_BACKGROUND: Rgb = [214, 232, 246];
const BACK_BACKGROUND: Rgb = [246, 238, 206];
const PHOTO: Rgb = [120, 120, 130];
const EMBLEM: Rgb = [200, 40, 40];

/** A 32x20 card-coloured PNG (a photo block on the front, an emblem on the back) carrying the marker. */
export function makeIdCardImage(marker: IdCardMarker): Buffer {
  const front = marker.side === 'FRONT';
  return makePng({
    width: 32,
    height: 20,
    pixel: (x, y) => {
      if (front && x >= 22 && x < 30 && y >= 3 && y < 15) return PHOTO;
      if (!front && x >= 2 && x < 7 && y >= 2 && y < 7) return EMBLEM;
      return front ? FRONT_BACKGROUND : BACK_BACKGROUND;
    },
    texts: [{ keyword: 'Comment', text: encodeMarker(marker) }],
  });
}

/** An image with no marker: the OCR sandbox reads it as "not an ID card". */
export function makePlainImage(): Buffer {
  return makePng({ width: 8, height: 8, pixel: (x, y) => ((x + y) % 2 ? [255, 255, 255] : [30, 30, 30]) });
}

const SKIN: Rgb = [232, 196, 170];
const SELFIE_BACKGROUND: Rgb = [225, 228, 232];

/**
 * A 16x20 selfie-coloured PNG carrying a face marker (`{"face": "PASS"}` and so on): what the
 * face sandbox "sees" in it (flow v2).
 */
export function makeSelfieImage(marker: FaceMarker): Buffer {
  return makePng({
    width: 16,
    height: 20,
    pixel: (x, y) => ((x - 8) ** 2 + (y - 9) ** 2 < 30 ? SKIN : SELFIE_BACKGROUND),
    texts: [
      {
        keyword: 'Comment',
        text: catalogue.providers.face.markerPrefix + JSON.stringify(faceMarkerSchema.parse(marker)),
      },
    ],
  });
}
