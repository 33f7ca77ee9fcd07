/** Luhn (mod 10) check. Some real cards fail it, so callers record a warning, not a rejection. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Appends the Luhn check digit to a number without one (sandbox samples and tests). */
export function withLuhnDigit(body: string): string {
  for (let c = 0; c <= 9; c++) if (passesLuhn(body + c)) return body + c;
  throw new Error('unreachable: one of ten digits always completes a Luhn number');
}
