// The demo store's own script: it lists the catalog, runs the little cart, and logs the widget's
// events. The widget itself needs none of this; it is loaded by its own script tag.

const LOG_LIMIT = 20;
const INITIAL_CART = { 'SKU-STICKERS': 1 };

/** The proxy is wherever the widget's script comes from, as it is for the widget itself. */
const widgetScript = document.querySelector('script[src$="/checkout-button.js"]');
const apiOrigin = new URL(widgetScript?.src ?? '/', location.href).origin;

const byId = (id) => document.getElementById(id);

/** An element with text content and attributes; text is never parsed as HTML. */
function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** The reader's languages that Intl accepts: WebKitGTK under the C locale reports "C", which Intl rejects. */
const readerLocales = navigator.languages.filter((tag) => {
  try {
    return Intl.getCanonicalLocales(tag).length > 0;
  } catch {
    return false;
  }
});

/** 7990 BRL → "R$ 79.90" in the reader's locale, using the currency's own number of decimals. */
function formatMoney(minorUnits, currency) {
  const format = new Intl.NumberFormat(readerLocales, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

async function getJson(path) {
  const response = await fetch(`${apiOrigin}${path}`, { credentials: 'omit' });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
}

// Products ------------------------------------------------------------------------------------

function productCard(product) {
  const art = element('div', { class: 'product-art', 'aria-hidden': 'true' });
  if (product.image_url) art.append(element('img', { src: product.image_url, alt: '' }));
  else art.append(product.name.charAt(0));

  const price = element('p', { class: 'price' }, formatMoney(product.price, product.currency));
  if (product.compare_price > product.price) {
    price.append(
      ' ',
      element(
        's',
        {},
        element('span', { class: 'visually-hidden' }, 'was '),
        formatMoney(product.compare_price, product.currency),
      ),
    );
  }
  // Four "Buy now" buttons need names that tell them apart; the slotted label is the button's name.
  const button = element(
    'checkout-button',
    { product: product.id },
    element('span', { 'aria-hidden': 'true' }, 'Buy now'),
    element('span', { class: 'visually-hidden' }, `Buy ${product.name}`),
  );

  return element(
    'li',
    { class: 'product-card' },
    art,
    ...(product.type ? [element('span', { class: 'tag' }, product.type === 'digital' ? 'Digital' : 'Physical')] : []),
    element('h3', {}, product.name),
    element('p', {}, product.description ?? ''),
    price,
    button,
  );
}

function showProducts(products) {
  byId('product-grid').replaceChildren(...products.map(productCard));
  byId('products-status').textContent = '';
  // The no-script form lists the demo catalog; with script on, list whatever catalog the proxy runs.
  byId('fallback-product').replaceChildren(
    ...products.map((product) =>
      element('option', { value: product.id }, `${product.name} · ${formatMoney(product.price, product.currency)}`),
    ),
  );
}

function showCatalogError() {
  const status = byId('products-status');
  status.classList.add('error');
  status.textContent = `Could not load the catalog from ${apiOrigin}. If this page is served from another origin, the proxy must list it in ALLOWED_ORIGINS.`;
}

// The cart that a script keeps in step through the `items` property ------------------------------

function runCart(products) {
  const quantities = new Map(products.map((product) => [product.id, INITIAL_CART[product.id] ?? 0]));
  const button = byId('cart-button');

  const rows = products.map((product) => {
    const minus = element('button', { type: 'button', 'aria-label': `One less ${product.name}` }, '−');
    const plus = element('button', { type: 'button', 'aria-label': `One more ${product.name}` }, '+');
    const count = element('output', { 'aria-label': `${product.name} quantity` });
    minus.addEventListener('click', () => change(product.id, -1));
    plus.addEventListener('click', () => change(product.id, +1));

    const show = () => {
      const quantity = quantities.get(product.id);
      count.textContent = String(quantity);
      // A button that becomes disabled drops the keyboard focus: hand it to its neighbour first.
      if (quantity === 0 && document.activeElement === minus) plus.focus();
      if (quantity === 99 && document.activeElement === plus) minus.focus();
      minus.disabled = quantity === 0;
      plus.disabled = quantity === 99;
    };
    const row = element(
      'li',
      {},
      element(
        'span',
        { class: 'cart-name' },
        product.name,
        element('small', {}, formatMoney(product.price, product.currency)),
      ),
      element('span', { class: 'stepper' }, minus, count, plus),
    );
    return { row, show };
  });

  const show = () => {
    for (const { show: showRow } of rows) showRow();
    const items = [...quantities]
      .filter(([, quantity]) => quantity > 0)
      .map(([product, quantity]) => ({ product, quantity }));
    // The demo catalog has one currency; a cart of several would be refused by the proxy anyway.
    const total = products.reduce((sum, product) => sum + product.price * quantities.get(product.id), 0);
    byId('cart-total').textContent = items.length > 0 ? formatMoney(total, products[0].currency) : 'Empty';
    button.items = items;
    button.disabled = items.length === 0;
  };

  const change = (id, step) => {
    quantities.set(id, Math.min(99, Math.max(0, quantities.get(id) + step)));
    show();
  };

  byId('cart-lines').replaceChildren(...rows.map(({ row }) => row));
  show();
}

// The Lago button's customer token ---------------------------------------------------------------

async function loadCustomerToken() {
  const button = byId('lago-button');
  const status = byId('lago-status');
  try {
    const { customerId, customerToken } = await getJson('/demo/session.json');
    button.customerToken = customerToken;
    button.disabled = false;
    status.textContent = `Signed in as ${customerId} (sandbox). A real store's backend signs this token for its signed-in customer.`;
  } catch {
    status.textContent =
      "This button needs a customer token from the store's backend. The demo mints one only when the proxy serves it in sandbox mode.";
  }
}

// The event log ----------------------------------------------------------------------------------

/** One line per event. The customer token is a credential, so the log never prints it. */
function describe(event) {
  const { type, detail } = event;
  if (type === 'checkout-start') {
    const request = detail.request.customer_token ? { ...detail.request, customer_token: '…' } : detail.request;
    return [JSON.stringify(request)];
  }
  // The widget only reports https URLs (or http on loopback), so the link is safe to offer.
  if (type === 'checkout-success')
    return [`${detail.provider} → `, element('a', { href: detail.url, rel: 'noopener' }, detail.url)];
  return [`${detail.status || 'no answer'} ${detail.code}: ${detail.message}`];
}

function logEvent(event) {
  const log = byId('event-log');
  const time = new Date();
  const source = event.target.textContent.trim().replace(/\s+/g, ' ');
  log.prepend(
    element(
      'li',
      { class: event.type },
      element('time', { datetime: time.toISOString() }, time.toLocaleTimeString()),
      element('span', { class: 'event-name' }, event.type),
      element('span', {}, `${source}: `, ...describe(event)),
    ),
  );
  while (log.children.length > LOG_LIMIT) log.lastElementChild.remove();
}

for (const type of ['checkout-start', 'checkout-success', 'checkout-error']) {
  document.addEventListener(type, (event) => {
    logEvent(event);
    if (type === 'checkout-success' && byId('stay-here').checked) event.preventDefault();
  });
}
byId('clear-log').addEventListener('click', () => byId('event-log').replaceChildren());

// Start ------------------------------------------------------------------------------------------

loadCustomerToken();
try {
  const { products } = await getJson('/api/products');
  showProducts(products);
  runCart(products);
} catch {
  showCatalogError();
}
