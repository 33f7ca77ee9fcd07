/** Masked forms safe for logs, answers and notifications. */

export const maskCardNumber = (n: string): string => `${n.slice(0, 4)} **** **** ${n.slice(-4)}`;
