/** Markup that is already safe; everything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => entities[char]!);

type Value = SafeHtml | string | number | undefined | null | false | readonly Value[];

function render(value: Value): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/** A tagged template for server-rendered pages: interpolations are escaped unless already SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, chunk, index) => out + render(values[index - 1] ?? '') + chunk));
}

/** A complete, minimal document; no inline script or style, so it passes a strict CSP. */
export function htmlDocument({
  title,
  lang = 'en',
  stylesheet,
  body,
}: {
  title: string;
  lang?: string;
  stylesheet?: string;
  body: SafeHtml;
}): string {
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${stylesheet ? html`<link rel="stylesheet" href="${stylesheet}">` : ''}
</head>
<body>
${body}
</body>
</html>
`.value;
}
