/** The widget's size budgets, gzipped, Lit included: `npm test` keeps them; `npm run bench` and `npm run report:widget` show them. */
export const widgetBudgets = {
  /** What a storefront downloads before the button works: the script, which imports nothing up front. */
  firstDownloadBytes: 8 * 1024,
  /** The script with every chunk it may load later (the failure messages). */
  totalBytes: 10 * 1024,
};
