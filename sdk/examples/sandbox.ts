/**
 * What a real app gets from the customer, taken from the providers sandbox instead: ID-card
 * photos (`POST /sandbox/id-card-images`, a PNG carrying what the sandbox's OCR will "read") and
 * the SMS code "sent" to a phone (`GET /sandbox/sms?mobile=`). Not part of the SDK; magic inputs
 * are in docs/sandbox.md.
 */
import { withLuhnDigit } from '../../domain/bank-card';
import { makeIdNumber } from '../../domain/id-number';

export interface IdCardPhoto {
  side: 'FRONT' | 'BACK';
  name?: string;
  idNumber?: string;
  /** Back: `YYYY-MM-DD` or `LONG` (valid for life). */
  validUntil?: string;
  /** Any of OCCLUDED, BLURRED, GLARE, PARTLY_UNREADABLE: the account opens with a review pending. */
  quality?: ('OCCLUDED' | 'BLURRED' | 'GLARE' | 'PARTLY_UNREADABLE')[];
}

export class Sandbox {
  constructor(private readonly url: string) {}

  /** A PNG "photo" of one side of an ID card. */
  async idCardImage(photo: IdCardPhoto): Promise<Uint8Array> {
    const res = await fetch(`${this.url}/sandbox/id-card-images`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(photo),
    });
    if (!res.ok) throw new Error(`the sandbox made no image (${res.status}): ${await res.text()}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  /** The last code the sandbox's UnionPay "texted" to this mobile. */
  async smsCode(mobile: string): Promise<string> {
    const res = await fetch(`${this.url}/sandbox/sms?mobile=${encodeURIComponent(mobile)}`);
    if (!res.ok) throw new Error(`no SMS for ${mobile} (${res.status})`);
    return ((await res.json()) as { code: string }).code;
  }
}

const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

/**
 * A customer no one has used yet: the sandboxes remember people (one Class II account each),
 * cards and mobiles (5 applications a day each), so every run needs new ones. The card ends in
 * 1xx, never one of the sandbox's magic endings. Each has a phone of their own: flow v4 counts the
 * identities that apply from one device.
 */
export function testCustomer(name = '张伟') {
  const year = 1960 + Math.floor(Math.random() * 40);
  const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  return {
    name,
    idNumber: makeIdNumber(`1101${digits(2)}`, `${year}${month}${day}`, digits(3)),
    mobile: `13${digits(9)}`,
    card: withLuhnDigit(`62${digits(13)}1${digits(2)}`),
    deviceId: crypto.randomUUID(),
  };
}
