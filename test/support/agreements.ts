/** What the agreement tests share: an opened account and its holder, money in it, fresh references. */
import { type Harness, openCleanly } from './harness';

/** An account opened without a doubt, and its holder's elements as an institution would send them. */
export async function openAccount(h: Harness) {
  const { req, accountNumber } = await openCleanly(h);
  const { name, idNumber, mobile } = req.applicant;
  if (!mobile) throw new Error('a v3 applicant has a mobile');
  return { accountNumber, holder: { name, idNumber, mobile } };
}

/** A transfer in from the bound account: outside the Class II caps, so it never limits a test's debits. */
export async function fund(h: Harness, accountNumber: string, amountCny: string): Promise<void> {
  const res = await fetch(`${h.coreBankingUrl}/sandbox/accounts/${accountNumber}/credits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ amountCny, from: 'BOUND' }),
  });
  if (!res.ok) throw new Error(`could not fund ${accountNumber}: ${res.status} ${await res.text()}`);
}

let refs = 0;
/** An institution's reference no other test has used. */
export const reference = (prefix = 'ref') => `${prefix}-${Date.now()}-${++refs}`;

/** A code the holder did not receive. */
export const otherCode = (code: string) => (code === '111111' ? '222222' : '111111');
