/** Currencies Pagou accepts (its OpenAPI v2 enum); the catalog and value-only links are limited to them. */
export const currencies = [
  'BRL', 'MXN', 'COP', 'CLP', 'ARS', 'PEN', 'USD', 'GTQ', 'CRC', 'NIO', 'PYG', 'UYU', 'BOB', 'PHP', 'RUB',
  'INR', 'SAR', 'AED', 'KWD', 'QAR', 'OMR', 'KHR', 'SGD', 'IDR', 'KRW', 'THB', 'MYR', 'HKD', 'CNY', 'EGP',
  'EUR', 'GBP', 'BHD', 'MAD', 'AUD', 'CAD', 'CHF', 'NZD', 'PLN', 'KZT', 'UZS', 'JPY', 'GLC',
] as const;

export type Currency = (typeof currencies)[number];
