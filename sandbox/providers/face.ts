/**
 * Face sandbox (flow v2): "sees" the selfie by finding the face marker embedded in the image
 * bytes, as the OCR sandbox does for ID cards, and answers liveness and similarity from the
 * catalogue's entry for it.
 */
import type { FastifyInstance } from 'fastify';
import { faceRequestSchema } from '../../contracts/providers';
import { catalogue, faceMarkerSchema } from '../catalogue';
import { parseOr400 } from '../http';
import { makeSelfieImage } from './id-card-image';
import { decodeImage, findJsonMarker } from './ocr';

const { markerPrefix, entries } = catalogue.providers.face;
const PREFIX_BYTES = Buffer.from(markerPrefix, 'latin1');
const noMarker = entries.find((entry) => entry.marker === null);

export function faceAnswer(image: Buffer): { status: number; body: unknown } {
  const marker = faceMarkerSchema.safeParse(findJsonMarker(image, PREFIX_BYTES));
  const entry = marker.success
    ? entries.find((candidate) => candidate.marker?.face === marker.data.face)
    : noMarker;
  if (!entry) throw new Error('catalogue.json: the face entries must cover every marker and no marker');
  return entry.answer;
}

export function registerFaceRoutes(app: FastifyInstance): void {
  app.post('/face/v1/verify', async (request, reply) => {
    const body = parseOr400(faceRequestSchema, request.body);
    const answer = faceAnswer(decodeImage(body.selfieBase64));
    return reply.status(answer.status).send(answer.body);
  });

  app.post('/sandbox/selfie-images', async (request, reply) => {
    const marker = parseOr400(faceMarkerSchema, request.body);
    return reply.type('image/png').send(makeSelfieImage(marker));
  });
}
