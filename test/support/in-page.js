// Runs inside the page under test, after axe-core: finds elements the way a shopper does, by role and accessible
// name, through shadow roots, with axe's own name computation so every engine answers alike. Defines window.__e2e.
(() => {
  if (window.__e2e) return;

  /** Whether `node` is `root` or inside it, across shadow roots. */
  const within = (root, node) => {
    for (let at = node; at; at = at.parentNode ?? at.host) if (at === root) return true;
    return false;
  };

  const matches = (text, wanted) =>
    wanted === undefined ||
    (typeof wanted === 'string' ? text === wanted : new RegExp(wanted.source, wanted.flags).test(text));

  const normalize = (text) => text.replace(/\s+/g, ' ').trim();

  /** Every element under `scope` whose axe role and name match, in document order, visible ones only. */
  const byRole = ({ role, name, label, within: scopeSelector }) => {
    // Read at each call: the driver injects axe-core only once a test first asks for a role.
    const { axe } = window;
    const scope = scopeSelector ? document.querySelector(scopeSelector) : document.documentElement;
    if (!scope) return [];
    const tree = axe.setup(document.documentElement);
    try {
      return axe.utils
        .querySelectorAllFilter(tree, '*', (node) => {
          const element = node.actualNode;
          if (!within(scope, element) || !element.checkVisibility()) return false;
          if (label !== undefined) {
            const isControl = ['INPUT', 'SELECT', 'TEXTAREA'].includes(element.tagName);
            return isControl && matches(normalize(axe.commons.text.accessibleTextVirtual(node)), label);
          }
          return (
            axe.commons.aria.getRole(node) === role &&
            matches(normalize(axe.commons.text.accessibleTextVirtual(node)), name)
          );
        })
        .map((node) => node.actualNode);
    } finally {
      axe.teardown();
    }
  };

  const findAll = (query) => {
    if (query.css !== undefined) {
      const elements = [...document.querySelectorAll(query.css)];
      return query.hidden ? elements : elements.filter((element) => element.checkVisibility());
    }
    return byRole(query);
  };

  window.__e2e = {
    /** The first match, or null. */
    find: (query) => findAll(query)[0] ?? null,
    /** The innerText of every match. */
    texts: (query) => findAll(query).map((element) => element.innerText),
    /** Whether `text` shows in the first match (the whole page when no query). */
    showsText: (text, query) => {
      const element = query ? findAll(query)[0] : document.body;
      return element ? element.innerText.includes(text) : false;
    },
    /** Whether the first match has focus, following focus into shadow roots. */
    focused: (query) => {
      const element = findAll(query)[0];
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return element !== undefined && element === active;
    },
    /** The start of the focused element's markup, for failure messages. */
    focusDescription: () => document.activeElement?.outerHTML.slice(0, 80) ?? 'nothing',
    /** axe-core's violations on the whole page, as `rule: target` lines. */
    audit: async () => {
      const { violations } = await window.axe.run(document, { resultTypes: ['violations'] });
      return violations.flatMap(({ id, nodes }) => nodes.map(({ target }) => `${id}: ${target.join(' ')}`));
    },
  };
})();
