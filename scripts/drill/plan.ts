/**
 * What the drill will do, drawn from its seed before anything starts: the applicants, which of
 * them go through a review (and which of those are rejected and send new photos first), the
 * agreements each account signs, the debits of the burst and the order of the kills. The same
 * seed gives the same plan; what the faults do to it is not seeded.
 */
import { withLuhnDigit } from '../../domain/bank-card';
import { makeIdNumber } from '../../domain/id-number';
import type { PieceName } from './pieces';

/** mulberry32: small, fast and good enough to spread a drill's choices. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const INSTITUTIONS = ['WECHAT_PAY', 'UNIONPAY', 'JD_PAY'] as const;
export type DrillInstitution = (typeof INSTITUTIONS)[number];

/** What each agreement asks for: two of them pass the Class II daily cap together, as the burst should try to. */
export const AGREEMENT_LIMITS = { perDebitLimitCny: '2000.00', dailyLimitCny: '6000.00' } as const;
/** Funded from the bound account (outside the caps): more than the caps let out in a day. */
export const FUNDING_CNY = '20000.00';
export const AGREEMENTS_PER_ACCOUNT = 2;

export interface Applicant {
  index: number;
  applicationId: string;
  name: string;
  idNumber: string;
  mobile: string;
  card: string;
  /** The front photo is blurred: the account opens with a review pending. */
  review: boolean;
  /** The review rejects the photo first (a payment hold), the customer sends new ones, another operator approves. */
  resubmit: boolean;
  /** The institutions this account signs agreements with. */
  institutions: DrillInstitution[];
}

export interface PlannedDebit {
  applicant: number;
  /** Which of the applicant's agreements. */
  agreement: number;
  amountCny: string;
  reference: string;
}

export interface DrillPlanDetail {
  applicants: Applicant[];
  debits: PlannedDebit[];
  /** The order the pieces are killed in, cycled. */
  kills: PieceName[];
}

// Plain names: none holds a sandbox magic word (繁忙, 不符, 查无, 疑似, 命中). One with the middle dot.
const NAMES = ['张伟', '李娜', '王芳', '刘洋', '陈静', '欧阳明', '阿依古丽·买买提', '赵磊'];

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export interface PlanOptions {
  seed: number;
  applications: number;
  reviewsShare: number;
  resubmitShare: number;
  debits: number;
  kills: readonly PieceName[];
}

export function makePlan(opts: PlanOptions): DrillPlanDetail {
  const random = seeded(opts.seed);
  const int = (n: number) => Math.floor(random() * n);
  const reviews = Math.round(opts.applications * opts.reviewsShare);
  const resubmits = Math.round(reviews * opts.resubmitShare);
  // Reviews spread over the applicants, not bunched at the start.
  const order = shuffle(
    Array.from({ length: opts.applications }, (_, i) => i),
    random,
  );
  const reviewed = new Set(order.slice(0, reviews));
  const resubmitting = new Set(order.slice(0, resubmits));
  const run = pad(opts.seed % 1000, 3);
  const applicants = Array.from({ length: opts.applications }, (_, index): Applicant => {
    const birth = `${1960 + int(40)}${pad(1 + int(12), 2)}${pad(1 + int(28), 2)}`;
    return {
      index,
      applicationId: crypto.randomUUID(),
      name: NAMES[int(NAMES.length)]!,
      // The index in the sequence and the mobile keeps every applicant apart from the others.
      idNumber: makeIdNumber(String(110000 + int(540000)), birth, pad(index % 1000, 3)),
      mobile: `13${pad(int(1000), 3)}${run.slice(0, 1)}${pad(index, 5)}`,
      card: withLuhnDigit(`62${pad(int(1e8), 8)}${pad(index, 5)}1${pad(int(100), 2)}`),
      review: reviewed.has(index),
      resubmit: resubmitting.has(index),
      institutions: Array.from(
        { length: AGREEMENTS_PER_ACCOUNT },
        (_, k) => INSTITUTIONS[(index + k) % INSTITUTIONS.length]!,
      ),
    };
  });
  const debits = Array.from({ length: opts.debits }, (_, i): PlannedDebit => {
    // 100.00 to 2,499.99: about one in six above the per-debit limit, and enough in all to reach
    // the agreements' daily limits and the class's daily cap.
    const fen = 10_000 + int(240_000);
    return {
      applicant: int(opts.applications),
      agreement: int(AGREEMENTS_PER_ACCOUNT),
      amountCny: `${Math.floor(fen / 100)}.${pad(fen % 100, 2)}`,
      reference: `drill-${opts.seed}-debit-${i}`,
    };
  });
  return { applicants, debits, kills: shuffle([...opts.kills], random) };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
