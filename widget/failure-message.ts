import type { Problem } from '../contract/problems.js';
import type { CheckoutErrorCode } from './api-client.js';
import { labelsFor, languageOf } from './labels.js';

/**
 * The shopper's sentence for a failure. The proxy's messages (three languages, with the merchant's console hints)
 * are a chunk of their own, fetched from beside the widget's script after the first failure the proxy answers. Without
 * an answer the chunk would not come either, so the button says that with its own words; and when the chunk cannot be
 * fetched (the page's policy forbids it, or the proxy was upgraded since the page loaded), the shopper still reads
 * that payment is unavailable.
 */
export async function failureMessage(element: Element, code: CheckoutErrorCode, problem?: Problem): Promise<string> {
  const labels = labelsFor(element);
  // The two codes of `UnansweredCode`, which the chunk does not know.
  if (code === 'network_error') return labels.offline;
  if (code === 'timeout') return labels.unavailable;
  try {
    const { explainFailure } = await import('./messages.js');
    return explainFailure(languageOf(element), code, problem) ?? labels.unavailable;
  } catch {
    return labels.unavailable;
  }
}
