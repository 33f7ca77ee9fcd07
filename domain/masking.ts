/** Masked forms safe for logs, answers and notifications. */

export const maskCardNumber = (n: string): string => `${n.slice(0, 4)} **** **** ${n.slice(-4)}`;

export const maskMobile = (m: string): string => `${m.slice(0, 3)}****${m.slice(-4)}`;

export const maskIdNumber = (id: string): string => `${id.slice(0, 3)}***********${id.slice(-4)}`;

/** First character kept, the rest starred: 张** , 阿******* . */
export function maskName(name: string): string {
  const chars = [...name];
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}
