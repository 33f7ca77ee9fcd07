/**
 * OCR sandbox: "reads" an ID card by finding the marker embedded in the image bytes, so any
 * image format works (a tester can put the marker in a JPEG comment by hand).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type OcrResponse, ocrRequestSchema } from '../../contracts/providers';
import { addDays, todayInChina } from '../../domain/china-time';
import { catalogue, type IdCardMarker, idCardMarkerSchema } from '../catalogue';
import { parseOr400 } from '../http';
import { makeIdCardImage } from './id-card-image';

const { markerPrefix, unreadableOmits } = catalogue.providers.ocr;
const PREFIX_BYTES = Buffer.from(markerPrefix, 'latin1');
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** No sane marker is longer; stops a scan through a large photo without a closing brace. */
const MAX_MARKER_BYTES = 16 * 1024;

/**
 * The JSON object right after the prefix, found by brace matching on bytes: UTF-8 multi-byte
 * sequences never contain ASCII bytes, so braces and quotes inside names cannot confuse it.
 */
export function findMarker(image: Buffer): IdCardMarker | null {
  const parsed = idCardMarkerSchema.safeParse(findJsonMarker(image, PREFIX_BYTES));
  return parsed.success ? parsed.data : null;
}

/** The JSON value after `prefix` in the image bytes (undefined when there is none); the face sandbox uses it too. */
export function findJsonMarker(image: Buffer, prefix: Buffer): unknown {
  const at = image.indexOf(prefix);
  if (at < 0) return undefined;
  const start = at + prefix.length;
  if (image[start] !== OPEN) return undefined;
  let depth = 0;
  let inString = false;
  const end = Math.min(image.length, start + MAX_MARKER_BYTES);
  for (let i = start; i < end; i++) {
    const byte = image[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN) depth++;
    else if (byte === CLOSE && --depth === 0) {
      try {
        return JSON.parse(image.subarray(start, i + 1).toString('utf8'));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** What the back side prints; `today` (China) anchors a relative validity (validForDays). */
function printedValidUntil(marker: IdCardMarker, today: string): string | undefined {
  return marker.validForDays === undefined ? marker.validUntil : addDays(today, marker.validForDays);
}

export function readIdCard(image: Buffer, today: string = todayInChina()): OcrResponse {
  const marker = findMarker(image);
  if (!marker || marker.notIdCard) return { isIdCard: false, fields: {}, quality: [] };
  const quality = marker.quality ?? [];
  const fields: OcrResponse['fields'] =
    marker.side === 'FRONT'
      ? { name: marker.name, idNumber: marker.idNumber }
      : { validUntil: printedValidUntil(marker, today) };
  if (quality.includes('PARTLY_UNREADABLE')) {
    for (const field of unreadableOmits[marker.side] ?? []) delete fields[field];
  }
  for (const key of Object.keys(fields) as Array<keyof typeof fields>) {
    if (fields[key] === undefined) delete fields[key];
  }
  return { isIdCard: true, side: marker.side, fields, quality };
}

export function decodeImage(imageBase64: string): Buffer {
  return Buffer.from(imageBase64.replace(/^data:[^,]*,/, ''), 'base64');
}

/** Strict so a misspelt field (`qualty`) is a 400, not a silently clean image. */
const imageRequestSchema = z.strictObject(idCardMarkerSchema.shape);

export function registerOcrRoutes(app: FastifyInstance, now: () => Date): void {
  app.post('/ocr/v1/id-card', async (request) => {
    const body = parseOr400(ocrRequestSchema, request.body);
    return readIdCard(decodeImage(body.imageBase64), todayInChina(now()));
  });

  app.post('/sandbox/id-card-images', async (request, reply) => {
    const marker = parseOr400(imageRequestSchema, request.body);
    return reply.type('image/png').send(makeIdCardImage(marker));
  });
}
