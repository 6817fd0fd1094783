// The snippet builder: the merchant's choices become a live <checkout-button> and the HTML to paste.
// Everything on the page is built with DOM methods (no HTML parsing), so it runs under the proxy's CSP.

/** This proxy, wherever it is mounted: the script lives at {proxy}/builder/builder.js. */
const proxy = new URL('../', import.meta.url).href.replace(/\/$/, '');
const DEFAULT_COLOURS = { background: '#1f2937', color: '#ffffff' };
/** The widget's default labels; the no-script form needs a label written out. */
const DEFAULT_LABEL = { en: 'Buy now', pt: 'Comprar agora' };

const byId = (id) => document.getElementById(id);

/** Page text in Portuguese, by `data-i18n` key; the English is the page's own text. */
const portuguese = {
  brand: 'criador de snippet',
  title: 'Crie um botão de compra para o seu site',
  lead: 'Escolha o que ele vende e como ele fica, teste e copie o snippet para o bloco HTML do seu site. Preços e nomes vêm sempre do catálogo deste proxy.',
  noscript: 'O criador precisa de JavaScript.',
  choices: 'Escolhas',
  products: '1. Produtos',
  'products-hint': 'Marque um produto, ou vários para um carrinho, e diga quantos de cada.',
  button: '2. Botão',
  label: 'Texto do botão',
  'label-hint': 'Deixe vazio para "Comprar agora" (ou "Buy now" numa página em inglês).',
  provider: 'Provedor de pagamento',
  'provider-default': 'O padrão do proxy',
  target: 'A página de pagamento abre',
  'target-self': 'na mesma aba',
  'target-blank': 'numa nova aba',
  colours: '3. Cores',
  background: 'Fundo',
  color: 'Cor do texto',
  reset: 'Restaurar cores',
  extras: '4. Extras',
  'with-price': 'Mostrar o preço ao lado do botão',
  'with-form': 'Incluir um formulário simples para quem navega sem JavaScript',
  'form-hint': 'O formulário vende um produto; num carrinho ele fica de fora.',
  preview: 'Prévia',
  follow: 'Seguir o link até a página de pagamento do sandbox (nenhum dinheiro é movido)',
  snippet: 'Seu snippet',
  copy: 'Copiar snippet',
  'snippet-label': 'O snippet para colar no seu site',
  origins: 'Onde o snippet funciona',
  'origins-lead': 'Só páginas nestas origens podem usar este proxy:',
  'origins-missing':
    'O seu site não está na lista? Peça a quem mantém este proxy para incluir a origem dele (esquema, host e porta, como https://loja.exemplo.com.br) em ALLOWED_ORIGINS e reiniciá-lo. Até lá o botão avisa que o pagamento não está configurado e os preços ficam em branco.',
};

/** Text the script writes, in both languages. */
const messages = {
  en: {
    language: 'Português',
    sandbox: 'Sandbox: no money moves',
    live: 'Live: a real provider key is set',
    loading: 'Loading the catalog…',
    catalogError: 'Could not load the catalog from this proxy (GET /api/products).',
    emptyCatalog: 'The catalog is empty: add products to the catalog file first.',
    quantity: (name) => `Quantity of ${name}`,
    pickOne: 'Tick at least one product to see the button.',
    would: 'A click sends this to the proxy, and nothing more:',
    wouldLive: 'The preview never creates a link while a real provider key is set.',
    opens: (blank) =>
      blank ? 'Then the checkout page opens in a new tab.' : 'Then the checkout page opens in this tab.',
    copied: 'Copied. Paste it into your site.',
    copyFailed: 'Could not copy: the snippet is selected, press Ctrl+C (⌘C on a Mac).',
    thisProxy: '(this proxy)',
    contrast: (ratio) => `The label's contrast is ${ratio}:1; some shoppers cannot read it. Aim for at least 4.5:1.`,
  },
  pt: {
    language: 'English',
    sandbox: 'Sandbox: nenhum dinheiro é movido',
    live: 'Produção: há uma chave de provedor real',
    loading: 'Carregando o catálogo…',
    catalogError: 'Não foi possível carregar o catálogo deste proxy (GET /api/products).',
    emptyCatalog: 'O catálogo está vazio: inclua produtos no arquivo do catálogo primeiro.',
    quantity: (name) => `Quantidade de ${name}`,
    pickOne: 'Marque ao menos um produto para ver o botão.',
    would: 'Um clique envia isto ao proxy, e nada mais:',
    wouldLive: 'A prévia nunca cria um link enquanto houver uma chave de provedor real.',
    opens: (blank) =>
      blank ? 'Depois a página de pagamento abre numa nova aba.' : 'Depois a página de pagamento abre nesta aba.',
    copied: 'Copiado. Cole no seu site.',
    copyFailed: 'Não foi possível copiar: o snippet está selecionado, tecle Ctrl+C (⌘C no Mac).',
    thisProxy: '(este proxy)',
    contrast: (ratio) =>
      `O contraste do texto é ${ratio}:1; alguns clientes não vão conseguir ler. Busque ao menos 4,5:1.`,
  },
};

/** The page's English, read once from the page itself. */
const english = Object.fromEntries(
  [...document.querySelectorAll('[data-i18n]')].map((node) => [node.dataset.i18n, node.textContent]),
);

let language = navigator.languages.some((tag) => tag.toLowerCase().startsWith('pt')) ? 'pt' : 'en';
// Until the proxy says otherwise, assume a real key is set: the preview then never creates a link.
let settings = { sandbox: false, providers: [], allowed_origins: [] };
/** `loading`, `ready`, `empty` or `error`: what the catalog status line says. */
let catalogState = 'loading';
let products = [];
/** Each product's checkbox and quantity field, by product id. */
const pickers = new Map();
const t = () => messages[language];

/** An element with attributes and children; text is never parsed as HTML. */
function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

// The merchant's choices --------------------------------------------------------------------------

function choices() {
  const lines = products.flatMap(({ id }) => {
    const { check, quantity } = pickers.get(id);
    if (!check.checked) return [];
    return [{ product: id, quantity: Math.min(99, Math.max(1, Number.parseInt(quantity.value, 10) || 1)) }];
  });
  return {
    lines,
    label: byId('label').value.trim(),
    provider: byId('provider').value,
    target: byId('target').value,
    background: byId('background').value,
    color: byId('color').value,
    withPrice: byId('with-price').checked,
    withForm: byId('with-form').checked && lines.length === 1,
  };
}

/** The custom properties the colours set, only those that differ from the button's own. */
const colourProperties = ({ background, color }) =>
  [
    ['--checkout-button-background', background, DEFAULT_COLOURS.background],
    ['--checkout-button-color', color, DEFAULT_COLOURS.color],
  ].filter(([, value, fallback]) => value !== fallback);

// The snippet ------------------------------------------------------------------------------------

const escapeHtml = (text) =>
  String(text).replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]);

/** ` name="value"` for each pair with a value, escaped. */
const attributes = (pairs) =>
  pairs
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('');

const quantityOf = ({ quantity }) => (quantity === 1 ? undefined : quantity);
const nameOf = (line) => products.find((product) => product.id === line.product).name;

function snippet(choice) {
  const { lines, label, provider, target } = choice;
  const style = colourProperties(choice)
    .map(([name, value]) => `${name}: ${value}`)
    .join('; ');
  const buttonAttributes = [
    ['provider', provider],
    ['target', target === '_blank' ? target : undefined],
    ['style', style],
  ];
  const parts = [`<script type="module" src="${proxy}/checkout-button.js"></script>`];
  const priceOf = (line) =>
    `<checkout-price${attributes([
      ['product', line.product],
      ['quantity', quantityOf(line)],
    ])}></checkout-price>`;
  if (choice.withPrice && lines.length === 1) parts.push(priceOf(lines[0]));
  if (choice.withPrice && lines.length > 1) {
    // A cart's prices need the names beside them; the names are the catalog's today, in the page's words from then on.
    parts.push(
      [
        '<ul>',
        ...lines.map((line) => `  <li>${line.quantity} × ${escapeHtml(nameOf(line))} ${priceOf(line)}</li>`),
        '</ul>',
      ].join('\n'),
    );
  }
  if (lines.length === 1) {
    const [line] = lines;
    const own = [['product', line.product], ['quantity', quantityOf(line)], ...buttonAttributes];
    parts.push(`<checkout-button${attributes(own)}>${escapeHtml(label)}</checkout-button>`);
  } else {
    parts.push(
      [
        `<checkout-button${attributes(buttonAttributes)}>`,
        ...lines.map(
          (line) =>
            `  <checkout-item${attributes([
              ['product', line.product],
              ['quantity', quantityOf(line)],
            ])}></checkout-item>`,
        ),
        ...(label ? [`  ${escapeHtml(label)}`] : []),
        '</checkout-button>',
      ].join('\n'),
    );
  }
  if (choice.withForm) {
    const [line] = lines;
    const hidden = (name, value) =>
      `    <input type="hidden"${attributes([
        ['name', name],
        ['value', value],
      ])}>`;
    parts.push(
      [
        '<noscript>',
        `  <form method="post"${attributes([
          ['action', `${proxy}/api/checkout`],
          ['target', target === '_blank' ? target : undefined],
        ])}>`,
        hidden('product', line.product),
        ...(line.quantity > 1 ? [hidden('quantity', line.quantity)] : []),
        ...(provider ? [hidden('provider', provider)] : []),
        `    <button type="submit">${escapeHtml(label || DEFAULT_LABEL[language])}</button>`,
        '  </form>',
        '</noscript>',
      ].join('\n'),
    );
  }
  return `${parts.join('\n')}\n`;
}

// The live preview -------------------------------------------------------------------------------

function preview(choice) {
  const { lines, label, provider, target } = choice;
  if (lines.length === 0) {
    byId('preview').replaceChildren(element('p', { class: 'hint' }, t().pickOne));
    return;
  }
  const button = element(
    'checkout-button',
    { target },
    ...(lines.length > 1
      ? lines.map((line) => element('checkout-item', { product: line.product, quantity: line.quantity }))
      : []),
    label,
  );
  if (lines.length === 1) {
    button.setAttribute('product', lines[0].product);
    button.setAttribute('quantity', lines[0].quantity);
  }
  if (provider) button.setAttribute('provider', provider);
  // CSSOM, not a style attribute: the page's CSP allows no inline styles in markup.
  for (const [name, value] of colourProperties(choice)) button.style.setProperty(name, value);
  const priceOf = (line) => element('checkout-price', { product: line.product, quantity: line.quantity });
  const prices =
    lines.length === 1
      ? element('p', { class: 'prices' }, priceOf(lines[0]))
      : element(
          'ul',
          { class: 'prices' },
          ...lines.map((line) => element('li', {}, `${line.quantity} × ${nameOf(line)} `, priceOf(line))),
        );
  byId('preview').replaceChildren(...(choice.withPrice ? [prices] : []), button);
}

/** What a preview click would do. Unless the merchant follows sandbox links, nothing leaves the page. */
function onCheckoutStart(event) {
  const follow = settings.sandbox && byId('follow').checked;
  if (follow) return;
  event.preventDefault();
  const target = event.target.getAttribute('target');
  byId('would').replaceChildren(
    element('p', {}, t().would),
    element('pre', {}, `POST ${proxy}/api/checkout\n${JSON.stringify(event.detail.request, null, 2)}`),
    element('p', {}, t().opens(target === '_blank'), settings.sandbox ? '' : ` ${t().wouldLive}`),
  );
}

// Contrast ---------------------------------------------------------------------------------------

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((start) => {
    const channel = Number.parseInt(hex.slice(start, start + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function showContrast({ background, color }) {
  const [light, dark] = [luminance(background), luminance(color)].sort((a, b) => b - a);
  const ratio = (light + 0.05) / (dark + 0.05);
  byId('contrast').textContent = ratio < 4.5 ? t().contrast(ratio.toFixed(1)) : '';
}

// Putting it together ----------------------------------------------------------------------------

function update() {
  const choice = choices();
  byId('with-form').disabled = choice.lines.length > 1;
  byId('snippet').value = choice.lines.length > 0 ? snippet(choice) : '';
  byId('copy').disabled = choice.lines.length === 0;
  byId('would').replaceChildren();
  byId('copied').textContent = '';
  preview(choice);
  showContrast(choice);
}

function productRow(product, index) {
  // Catalog ids may hold any character; the label's `for` needs a plain one.
  const id = `product-${index}`;
  const check = element('input', { type: 'checkbox', id });
  check.checked = index === 0;
  const quantity = element('input', {
    type: 'number',
    min: '1',
    max: '99',
    value: '1',
    inputmode: 'numeric',
    'data-quantity-of': product.name,
  });
  pickers.set(product.id, { check, quantity });
  return element(
    'li',
    {},
    check,
    element('label', { for: id }, product.name),
    element('checkout-price', { product: product.id }),
    quantity,
  );
}

function showProducts() {
  byId('products').replaceChildren(...products.map(productRow));
  labelQuantities();
}

function labelQuantities() {
  for (const input of document.querySelectorAll('[data-quantity-of]'))
    input.setAttribute('aria-label', t().quantity(input.dataset.quantityOf));
}

function showSettings() {
  const mode = byId('mode');
  mode.hidden = false;
  mode.textContent = settings.sandbox ? t().sandbox : t().live;
  mode.classList.toggle('live', !settings.sandbox);
  byId('follow-field').hidden = !settings.sandbox;
  const own = element('li', {}, element('code', {}, new URL(proxy).origin), ` ${t().thisProxy}`);
  byId('origins').replaceChildren(
    own,
    ...settings.allowed_origins.map((origin) => element('li', {}, element('code', {}, origin))),
  );
}

function showCatalogState() {
  const status = byId('catalog-status');
  status.hidden = catalogState === 'ready';
  status.classList.toggle('error', catalogState === 'error' || catalogState === 'empty');
  status.textContent = { loading: t().loading, empty: t().emptyCatalog, error: t().catalogError, ready: '' }[
    catalogState
  ];
}

function setLanguage(next) {
  language = next;
  document.documentElement.lang = next === 'pt' ? 'pt-BR' : 'en';
  for (const node of document.querySelectorAll('[data-i18n]')) {
    const key = node.dataset.i18n;
    node.textContent = next === 'pt' ? portuguese[key] : english[key];
  }
  const toggle = byId('language');
  toggle.textContent = t().language;
  toggle.lang = next === 'pt' ? 'en' : 'pt';
  labelQuantities();
  showSettings();
  showCatalogState();
  // Prices read the nearest lang when they render.
  for (const price of document.querySelectorAll('checkout-price')) price.requestUpdate();
  update();
}

async function copySnippet() {
  const text = byId('snippet').value;
  try {
    await navigator.clipboard.writeText(text);
    byId('copied').textContent = t().copied;
  } catch {
    byId('snippet').select();
    byId('copied').textContent = t().copyFailed;
  }
}

async function getJson(path) {
  const response = await fetch(`${proxy}${path}`);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
}

byId('choices').addEventListener('input', update);
byId('choices').addEventListener('submit', (event) => event.preventDefault());
byId('reset-colours').addEventListener('click', () => {
  byId('background').value = DEFAULT_COLOURS.background;
  byId('color').value = DEFAULT_COLOURS.color;
  update();
});
byId('copy').addEventListener('click', copySnippet);
byId('language').addEventListener('click', () => setLanguage(language === 'pt' ? 'en' : 'pt'));
byId('preview').addEventListener('checkout-start', onCheckoutStart);

try {
  settings = await getJson('/builder/settings.json');
  for (const name of settings.providers) byId('provider').append(element('option', { value: name }, name));
} catch {
  // The defaults stand: a sandbox proxy with no other allowed origins.
}
try {
  ({ products } = await getJson('/api/products'));
  catalogState = products.length > 0 ? 'ready' : 'empty';
  showProducts();
} catch {
  catalogState = 'error';
}
setLanguage(language);
