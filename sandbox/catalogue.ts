/**
 * The magic-input catalogue, parsed once from catalogue.json. The sandbox takes its rules from
 * here, so the document testers read and the behaviour they get cannot drift apart; bodies are
 * checked against the wire contracts so the catalogue cannot promise an answer the API cannot give.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { accountLimitsSchema } from '../contracts/core-banking';
import { creditRefusalReasonSchema, debitRefusalReasonSchema } from '../contracts/core-banking-payments';
import {
  faceResponseSchema,
  fourElementsResponseSchema,
  idCardSideSchema,
  identityResponseSchema,
  imageQualityFlagSchema,
  ocrResponseSchema,
  otpVerifyResponseSchema,
  punishmentListResponseSchema,
  smsConfirmResponseSchema,
  unionPayResultSchema,
  watchlistResponseSchema,
} from '../contracts/providers';
import { agreementSigningStatusSchema } from '../domain/agreement-signing';
import { reasonCodeSchema } from '../domain/steps';

const busyBodySchema = z.object({ result: z.literal('BUSY') });
const answerOf = <T extends z.ZodType>(body: T) => z.object({ status: z.number().int(), body });

/** What an ID-card image says about itself; the OCR sandbox answers from it. */
export const idCardMarkerSchema = z.object({
  side: idCardSideSchema,
  name: z.string().optional(),
  idNumber: z.string().optional(),
  /** What the back side prints: YYYY-MM-DD, or LONG (长期). Any text: an OCR reads what is there. */
  validUntil: z.string().optional(),
  /**
   * A card valid for this many days from the sandbox's today (China time; negative: expired that
   * long ago). Replaces validUntil, so "expires soon" stays soon whenever the test runs.
   */
  validForDays: z.number().int().min(-36_500).max(36_500).optional(),
  quality: z.array(imageQualityFlagSchema).optional(),
  notIdCard: z.boolean().optional(),
});
export type IdCardMarker = z.infer<typeof idCardMarkerSchema>;

const ocrSchema = z.object({
  about: z.string(),
  markerPrefix: z.string().min(1),
  /** The China date the entries' answers are written for (entries with validForDays depend on it). */
  answersAsOf: z.iso.date(),
  unreadableOmits: z.record(idCardSideSchema, z.array(z.enum(['name', 'idNumber', 'validUntil']))),
  entries: z.array(
    z.object({
      name: z.string(),
      marker: idCardMarkerSchema.nullable(),
      answer: answerOf(ocrResponseSchema),
      tier: z.enum(['PASS', 'REVIEW', 'REJECT']),
      reasons: z.array(reasonCodeSchema),
      meaning: z.string(),
    }),
  ),
});

const identityOutcomeSchema = z.object({
  answer: answerOf(z.union([identityResponseSchema, busyBodySchema])),
  retryable: z.boolean(),
  reasons: z.array(reasonCodeSchema),
  meaning: z.string(),
  example: z.object({ name: z.string(), idNumber: z.string() }),
});

const watchlistOutcomeSchema = z.object({
  answer: answerOf(z.union([watchlistResponseSchema, busyBodySchema])),
  tier: z.enum(['PASS', 'REVIEW', 'REJECT']),
  reasons: z.array(reasonCodeSchema),
  meaning: z.string(),
  example: z.object({ name: z.string(), idNumber: z.string() }),
});

const fourElementsAnswerSchema = answerOf(
  fourElementsResponseSchema
    .extend({ result: unionPayResultSchema })
    .omit({ verificationId: true, codeExpiresAt: true }),
);
export type FourElementsAnswer = z.infer<typeof fourElementsAnswerSchema>;

const fourElementsOutcomeSchema = z.object({
  answers: z.array(fourElementsAnswerSchema).min(1),
  retryable: z.boolean(),
  reasons: z.array(reasonCodeSchema),
  meaning: z.string(),
  exampleCardNumber: z.string().regex(/^\d{16,19}$/),
});

/** What a selfie says about itself; the face sandbox answers from it. */
export const faceMarkerSchema = z.strictObject({ face: z.enum(['PASS', 'BORDERLINE', 'MISMATCH', 'SPOOF']) });
export type FaceMarker = z.infer<typeof faceMarkerSchema>;

const faceSchema = z.object({
  about: z.string(),
  markerPrefix: z.string().min(1),
  entries: z.array(
    z.object({
      name: z.string(),
      marker: faceMarkerSchema.nullable(),
      answer: answerOf(faceResponseSchema),
      tier: z.enum(['PASS', 'REVIEW', 'REJECT']),
      reasons: z.array(reasonCodeSchema),
      meaning: z.string(),
    }),
  ),
});

/** What the simulated holder types once the bank has sent the signing code. */
export const holderTypesSchema = z.enum(['RIGHT', 'WRONG_THEN_RIGHT', 'WRONG_UNTIL_REFUSED', 'NOTHING']);
export type HolderTypes = z.infer<typeof holderTypesSchema>;

const signingBehaviourSchema = z.object({
  holderTypes: holderTypesSchema,
  /** The signing's status once the simulator is done, for a request the bank accepts. */
  outcome: agreementSigningStatusSchema,
  meaning: z.string(),
});
const debitBehaviourSchema = z.object({ sends: z.number().int().min(1).max(5), meaning: z.string() });
/** Upper-case letters and a dash: a prefix no generated reference (sim-<uuid>) starts with. */
const referencePrefixSchema = z.string().regex(/^[A-Z]+-$/);

export const catalogueSchema = z.object({
  version: z.literal(1),
  about: z.string(),
  providers: z.object({
    ocr: ocrSchema,
    identity: z.object({
      about: z.string(),
      rules: z.array(identityOutcomeSchema.extend({ nameContains: z.string().min(1) })),
      otherwise: identityOutcomeSchema,
    }),
    watchlist: z.object({
      about: z.string(),
      rules: z.array(watchlistOutcomeSchema.extend({ nameContains: z.string().min(1) })),
      otherwise: watchlistOutcomeSchema,
    }),
    fourElements: z.object({
      about: z.string(),
      dailyChecksPerCard: z.number().int().positive(),
      dailyWindowHours: z.number().positive(),
      dailyLimitAnswer: fourElementsAnswerSchema,
      rules: z.array(fourElementsOutcomeSchema.extend({ cardSuffix: z.string().regex(/^\d{4}$/) })),
      otherwise: fourElementsOutcomeSchema,
    }),
    threeElements: z.object({
      about: z.string(),
      notApplicableSuffixes: z.array(z.string().regex(/^\d{4}$/)),
    }),
    face: faceSchema,
    smsResend: z.object({ about: z.string() }),
    /** Flow v4's punishment list: listed by PUT /sandbox/punishment-list/{idNumber}, not by a magic value. */
    punishmentList: z.object({
      about: z.string(),
      entries: z.array(
        z.object({
          name: z.string(),
          /** What the tester sends first (none: never listed); `until` in the past or future as written. */
          setup: z.array(
            z.object({ method: z.enum(['PUT', 'DELETE']), body: z.object({ until: z.string() }).partial() }),
          ),
          answer: answerOf(punishmentListResponseSchema),
          tier: z.enum(['PASS', 'REJECT']),
          reasons: z.array(reasonCodeSchema),
          meaning: z.string(),
        }),
      ),
    }),
    /** The bank's own SMS one-time codes (agreement signing): the lifetime and the magic codes. */
    bankOtp: z.object({
      about: z.string(),
      defaultCodeTtlSeconds: z.number().positive(),
      rules: z.array(
        z.object({
          code: z.string().regex(/^\d{6}$/),
          answer: answerOf(otpVerifyResponseSchema),
          meaning: z.string(),
        }),
      ),
    }),
    smsConfirm: z.object({
      about: z.string(),
      defaultCodeTtlSeconds: z.number().positive(),
      rules: z.array(
        z.object({
          code: z.string().regex(/^\d{6}$/),
          answer: answerOf(smsConfirmResponseSchema),
          reasons: z.array(reasonCodeSchema),
          meaning: z.string(),
        }),
      ),
    }),
  }),
  /**
   * Flow v4's branches that no single vendor answers: the intent, linked applicants (counted
   * across applications) and the risk rating. `evidence` is what domain/risk-rules.ts is given.
   */
  flowV4: z.object({
    about: z.string(),
    branches: z.array(
      z.object({
        name: z.string(),
        how: z.string(),
        status: z.enum(['OPENED', 'REJECTED']),
        reasons: z.array(reasonCodeSchema),
        riskRating: z.enum(['LOW', 'MEDIUM', 'HIGH']).optional(),
        evidence: z
          .object({
            doubts: z.array(reasonCodeSchema),
            rankOnDevice: z.number().int().min(0),
            rankOnMobile: z.number().int().min(0),
          })
          .optional(),
      }),
    ),
  }),
  coreBanking: z.object({
    about: z.string(),
    accountNumber: z.object({ prefix: z.string().regex(/^\d+$/), length: z.number().int().min(12).max(19) }),
    limits: z.object({ II: accountLimitsSchema, III: accountLimitsSchema }),
    /** Core banking's own cap per person and class, every channel counted. */
    perPersonCaps: z.object({ II: z.number().int().positive(), III: z.number().int().positive() }),
    entries: z.array(
      z.object({
        scenario: z.string(),
        input: z.string(),
        answer: z.object({ status: z.number().int(), body: z.record(z.string(), z.unknown()) }),
        reasons: z.array(reasonCodeSchema),
        meaning: z.string(),
      }),
    ),
    /** Why a debit is refused, in the order core banking checks: each reason once. */
    debitRules: z.array(
      z.object({ reason: debitRefusalReasonSchema, when: z.string(), meaning: z.string() }),
    ),
    /** Why a sandbox credit is refused, in the order checked. */
    creditRules: z.array(
      z.object({ reason: creditRefusalReasonSchema, when: z.string(), meaning: z.string() }),
    ),
  }),
  /** The payment-network simulator: what the institution's reference makes the holder and the institution do. */
  paymentNetwork: z.object({
    about: z.string(),
    signing: z.object({
      rules: z.array(signingBehaviourSchema.extend({ referencePrefix: referencePrefixSchema })),
      otherwise: signingBehaviourSchema,
    }),
    debits: z.object({
      rules: z.array(debitBehaviourSchema.extend({ referencePrefix: referencePrefixSchema })),
      otherwise: debitBehaviourSchema,
    }),
  }),
  /** The fault knobs' refusals: which operations each service's `refuse` may name, and the answer. */
  faults: z.object({
    about: z.string(),
    refuse: z.object({ providers: z.array(z.string()), coreBanking: z.array(z.string()) }),
    answer: z.object({ status: z.literal(422), body: z.object({ error: z.literal('REFUSED') }) }),
  }),
});
export type Catalogue = z.infer<typeof catalogueSchema>;

/** Read with fs rather than a JSON import so it loads the same under tsx, vitest and tsc. */
export const catalogue: Catalogue = catalogueSchema.parse(
  JSON.parse(readFileSync(new URL('./catalogue.json', import.meta.url), 'utf8')),
);
