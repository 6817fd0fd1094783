/** Formats an amount in minor units (7990 BRL → "R$ 79.90") for the currency and the reader's locale. */
export function formatMoney(minorUnits: number, currency: string, locale = 'en'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(
    minorUnits / 10 ** minorUnitDigits(currency),
  );
}

/** How many decimals the catalog's minor unit has: Intl's for the currency (2 for BRL, 0 for JPY and COP, 3 for KWD). */
export function minorUnitDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
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
