/** Formats an amount in minor units (7990 BRL → "R$ 79.90") for the currency and the reader's locale. */
export function formatMoney(minorUnits: number, currency: string, locale = 'en'): string {
  const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(minorUnits / 10 ** digits);
}

/** The first of the request's preferred languages that Intl supports, else English. */
export function pickLocale(accepted: readonly string[]): string {
  for (const tag of accepted) {
    try {
      if (tag !== '*' && Intl.NumberFormat.supportedLocalesOf(tag).length > 0) return tag;
    } catch {
      // A malformed tag in Accept-Language: try the next one.
    }
  }
  return 'en';
}
