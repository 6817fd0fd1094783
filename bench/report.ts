/** The printed table: one row per measurement, with its target and a pass/fail mark. */

export interface Row {
  /** The heading the row goes under; empty for the previous row's. */
  section: string;
  name: string;
  value: string;
  /** The target, in words, and whether the measurement meets it; absent for context rows. */
  target?: { text: string; met: boolean };
}

export function formatTable(rows: readonly Row[]): string {
  const widths = {
    name: Math.max(...rows.map((row) => row.name.length)),
    value: Math.max(...rows.map((row) => row.value.length)),
  };
  const lines: string[] = [];
  let section = '';
  for (const row of rows) {
    if (row.section && row.section !== section) {
      section = row.section;
      lines.push('', section);
    }
    const mark = row.target ? `${row.target.met ? 'PASS' : 'FAIL'}  target ${row.target.text}` : '';
    lines.push(`  ${row.name.padEnd(widths.name)}  ${row.value.padStart(widths.value)}  ${mark}`.trimEnd());
  }
  return lines.join('\n');
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
export const mb = (value: number) => `${value.toFixed(1)} MB`;
export const perSecond = (value: number) => `${Math.round(value).toLocaleString('en-US')} req/s`;
