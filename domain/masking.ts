/** Masked forms safe for logs, answers and notifications. */

export const maskCardNumber = (n: string): string => `${n.slice(0, 4)} **** **** ${n.slice(-4)}`;

/** A name as staff see it until they reveal it: the first character, then one `*` per character. */
export const maskName = (name: string): string => {
  const chars = Array.from(name);
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
};

/** An ID number as staff see it until they reveal it: the first three and last four characters. */
export const maskIdNumber = (idNumber: string): string =>
  idNumber.length <= 7
    ? '*'.repeat(idNumber.length)
    : `${idNumber.slice(0, 3)}${'*'.repeat(idNumber.length - 7)}${idNumber.slice(-4)}`;
