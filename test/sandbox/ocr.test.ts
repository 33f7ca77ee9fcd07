import type { AddressInfo } from 'node:net';
import { crc32, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpIdCardReader } from '../../adapters/http/providers';
import type { IdCardReader } from '../../adapters/ports';
import { imageQualityFlagSchema, ocrResponseSchema } from '../../contracts/providers';
import { todayInChina } from '../../domain/china-time';
import { classifyIdDocument } from '../../domain/id-document';
import { catalogue, type IdCardMarker } from '../../sandbox/catalogue';
import { buildProvidersSandbox } from '../../sandbox/providers/app';
import { encodeMarker, makeIdCardImage, makePlainImage } from '../../sandbox/providers/id-card-image';
import { findMarker, readIdCard } from '../../sandbox/providers/ocr';
import { tempDir } from './helpers';

interface Chunk {
  type: string;
  data: Buffer;
  crc: number;
}

/** An independent PNG reader: checks the framing the way a decoder would. */
function readPng(png: Buffer): Chunk[] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: Chunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    const data = png.subarray(at + 8, at + 8 + length);
    const crc = png.readUInt32BE(at + 8 + length);
    expect(crc, `CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push({ type, data, crc });
    at += 12 + length;
  }
  expect(at).toBe(png.length);
  return chunks;
}

const { ocr } = catalogue.providers;
const front: IdCardMarker = { side: 'FRONT', name: '阿依古丽·买买提', idNumber: '11010119900307002X' };

describe('ID-card images', () => {
  it('are valid PNGs: signature, IHDR first, IDAT that inflates to the pixel rows, IEND last', () => {
    const chunks = readPng(makeIdCardImage(front));
    expect(chunks[0]!.type).toBe('IHDR');
    expect(chunks.at(-1)!.type).toBe('IEND');
    expect(chunks.at(-1)!.data).toHaveLength(0);
    const ihdr = chunks[0]!.data;
    const width = ihdr.readUInt32BE(0);
    const height = ihdr.readUInt32BE(4);
    expect([ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]]).toEqual([8, 2, 0, 0, 0]);
    const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
    const raw = inflateSync(idat);
    expect(raw).toHaveLength(height * (1 + width * 3));
    for (let y = 0; y < height; y++) expect(raw[y * (1 + width * 3)]).toBe(0);
  });

  it('carry the marker in a Latin-1 tEXt chunk, Chinese names escaped', () => {
    const text = readPng(makeIdCardImage(front)).find((c) => c.type === 'tEXt')!;
    const [keyword, value] = text.data.toString('latin1').split('\0');
    expect(keyword).toBe('Comment');
    expect(value).toBe(encodeMarker(front));
    expect([...text.data].every((byte) => byte < 0x80)).toBe(true);
  });

  it('differ by side and are the same bytes for the same marker', () => {
    expect(makeIdCardImage(front).equals(makeIdCardImage(front))).toBe(true);
    expect(makeIdCardImage(front).equals(makeIdCardImage({ ...front, quality: ['GLARE'] }))).toBe(false);
  });

  it('plain images have no marker and valid framing', () => {
    expect(readPng(makePlainImage()).some((c) => c.type === 'tEXt')).toBe(false);
    expect(findMarker(makePlainImage())).toBeNull();
  });
});

describe('marker reading', () => {
  const wrap = (text: string) =>
    Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xfe]),
      Buffer.from(text, 'utf8'),
      Buffer.from([0x7d, 0xff, 0xd9]),
    ]);

  it('finds the marker in any bytes, raw UTF-8 included (a tester editing a JPEG comment)', () => {
    const marker = findMarker(
      wrap('SANDBOX-IDCARD:{"side":"FRONT","name":"张三","idNumber":"11010119900307002X"}'),
    );
    expect(marker).toEqual({ side: 'FRONT', name: '张三', idNumber: '11010119900307002X' });
  });

  it('ends the marker at the end of its JSON object, braces inside strings included', () => {
    const marker = findMarker(wrap('SANDBOX-IDCARD:{"side":"FRONT","name":"a}\\"{b"}trailing{junk}'));
    expect(marker).toEqual({ side: 'FRONT', name: 'a}"{b' });
  });

  it('reads unterminated, malformed or invalid markers as no marker', () => {
    expect(findMarker(Buffer.from('SANDBOX-IDCARD:{"side":"FRONT"'))).toBeNull();
    expect(findMarker(Buffer.from('SANDBOX-IDCARD:{side:FRONT}'))).toBeNull();
    expect(findMarker(Buffer.from('SANDBOX-IDCARD:{"side":"TOP"}'))).toBeNull();
    expect(findMarker(Buffer.from('SANDBOX-IDCARD: {"side":"FRONT"}'))).toBeNull();
  });

  it('front answers name and ID number; back answers validity; unreadable omits the number or the date', () => {
    expect(readIdCard(makeIdCardImage({ ...front, validUntil: '2040-01-01' })).fields).toEqual({
      name: front.name,
      idNumber: front.idNumber,
    });
    expect(readIdCard(makeIdCardImage({ side: 'BACK', name: 'x', validUntil: 'LONG' })).fields).toEqual({
      validUntil: 'LONG',
    });
    expect(readIdCard(makeIdCardImage({ ...front, quality: ['BLURRED', 'PARTLY_UNREADABLE'] }))).toEqual({
      isIdCard: true,
      side: 'FRONT',
      fields: { name: front.name },
      quality: ['BLURRED', 'PARTLY_UNREADABLE'],
    });
  });

  it('a notIdCard marker wins over everything else in it', () => {
    expect(readIdCard(makeIdCardImage({ ...front, notIdCard: true }))).toEqual({
      isIdCard: false,
      fields: {},
      quality: [],
    });
  });

  it('round-trips any marker through an image (names of any script)', () => {
    const markerArb = fc.record(
      {
        side: fc.constantFrom('FRONT' as const, 'BACK' as const),
        name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
        idNumber: fc.stringMatching(/^\d{17}[\dX]$/),
        validUntil: fc.oneof(
          fc.constant('LONG'),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        ),
        quality: fc.uniqueArray(fc.constantFrom(...imageQualityFlagSchema.options)),
      },
      { requiredKeys: ['side'] },
    );
    fc.assert(
      fc.property(markerArb, (marker) => {
        expect(findMarker(makeIdCardImage(marker))).toEqual(marker);
      }),
    );
  });
});

describe('POST /ocr/v1/id-card and POST /sandbox/id-card-images', () => {
  const dir = tempDir();
  let app: FastifyInstance;
  beforeAll(() => {
    app = buildProvidersSandbox({ dbFile: dir.dbFile() });
  });
  afterAll(async () => {
    await app.close();
    dir.remove();
  });

  it('the helper route serves the same PNG as makeIdCardImage, and OCR reads it back', async () => {
    const made = await app.inject({ method: 'POST', url: '/sandbox/id-card-images', payload: front });
    expect(made.statusCode).toBe(200);
    expect(made.headers['content-type']).toBe('image/png');
    expect(made.rawPayload.equals(makeIdCardImage(front))).toBe(true);

    const res = await app.inject({
      method: 'POST',
      url: '/ocr/v1/id-card',
      payload: { side: 'FRONT', imageBase64: made.rawPayload.toString('base64') },
    });
    expect(ocrResponseSchema.parse(res.json())).toEqual({
      isIdCard: true,
      side: 'FRONT',
      fields: { name: front.name, idNumber: front.idNumber },
      quality: [],
    });
  });

  it('accepts a data: URL prefix on the base64', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/ocr/v1/id-card',
      payload: {
        side: 'FRONT',
        imageBase64: `data:image/png;base64,${makeIdCardImage(front).toString('base64')}`,
      },
    });
    expect(res.json().isIdCard).toBe(true);
  });

  it('refuses a misspelt image field and a bad OCR body with a 400 naming the field', async () => {
    const typo = await app.inject({
      method: 'POST',
      url: '/sandbox/id-card-images',
      payload: { side: 'FRONT', qualty: ['GLARE'] },
    });
    expect(typo.statusCode).toBe(400);
    const bad = await app.inject({ method: 'POST', url: '/ocr/v1/id-card', payload: { side: 'FRONT' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: 'BAD_REQUEST',
      message: expect.stringContaining('body.imageBase64'),
    });
  });
});

describe("the back side's validity date (validUntil)", () => {
  const dir = tempDir();
  const backs = new Map(ocr.entries.filter((e) => e.marker?.side === 'BACK').map((e) => [e.name, e]));
  let app: FastifyInstance;
  let reader: IdCardReader;
  beforeAll(async () => {
    // The catalogue's relative entries are written for its answersAsOf day in China.
    app = buildProvidersSandbox({
      dbFile: dir.dbFile(),
      now: () => new Date(`${ocr.answersAsOf}T10:00:00+08:00`),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    reader = httpIdCardReader(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await app.close();
    dir.remove();
  });

  it('validForDays counts from the China date, not the UTC one: 01:00 on 2 March in China is still 1 March in UTC', () => {
    const today = todayInChina(new Date('2025-03-01T17:00:00Z'));
    expect(today).toBe('2025-03-02');
    const read = (validForDays: number) =>
      readIdCard(makeIdCardImage({ side: 'BACK', validForDays }), today).fields.validUntil;
    expect([read(20), read(0), read(-1)]).toEqual(['2025-03-22', '2025-03-02', '2025-03-01']);
  });

  it('validForDays replaces a validUntil in the same marker', () => {
    const fields = readIdCard(
      makeIdCardImage({ side: 'BACK', validUntil: 'LONG', validForDays: 3 }),
      '2025-03-01',
    );
    expect(fields.fields).toEqual({ validUntil: '2025-03-04' });
  });

  for (const name of [
    'expired card',
    'card expired recently',
    'card expiring today',
    'card expiring soon',
    'clean back, valid for life',
  ]) {
    it(`the OCR adapter answers the catalogue's validUntil for "${name}" over HTTP`, async () => {
      const entry = backs.get(name);
      expect(entry, `catalogue entry ${name}`).toBeDefined();
      const read = await reader.read('BACK', makeIdCardImage(entry!.marker!));
      expect(read).toEqual(entry!.answer.body);
    });
  }

  it('the expired, expiring-soon and valid-for-life entries classify as reject, pass and pass on answersAsOf', async () => {
    const frontImage = makeIdCardImage(front);
    const entered = { name: front.name!, idNumber: front.idNumber! };
    const outcome = async (name: string) =>
      classifyIdDocument(
        await reader.read('FRONT', frontImage),
        await reader.read('BACK', makeIdCardImage(backs.get(name)!.marker!)),
        entered,
        ocr.answersAsOf,
      ).outcome;
    expect(await outcome('card expired recently')).toBe('REJECT');
    expect(await outcome('card expiring soon')).toBe('PASS');
    expect(await outcome('card expiring today')).toBe('PASS');
    expect(await outcome('clean back, valid for life')).toBe('PASS');
  });

  it('the OCR adapter reads 长期 as LONG and dotted or compact dates as YYYY-MM-DD', async () => {
    const read = async (validUntil: string) =>
      (await reader.read('BACK', makeIdCardImage({ side: 'BACK', validUntil }))).fields.validUntil;
    expect(await read('长期')).toBe('LONG');
    expect(await read('2040.03.07')).toBe('2040-03-07');
    expect(await read('20400307')).toBe('2040-03-07');
  });

  it('the OCR adapter leaves out a validity it cannot read (no such date, not a date), so the photo goes to review', async () => {
    for (const validUntil of ['2040-02-30', 'soon', '2040-3-7']) {
      const back = await reader.read('BACK', makeIdCardImage({ side: 'BACK', validUntil }));
      expect(back.fields, validUntil).toEqual({});
      const result = classifyIdDocument(
        await reader.read('FRONT', makeIdCardImage(front)),
        back,
        { name: front.name!, idNumber: front.idNumber! },
        ocr.answersAsOf,
      );
      expect(result).toMatchObject({ outcome: 'REVIEW', reasons: ['ID_IMAGE_PARTLY_UNREADABLE'] });
    }
  });
});
