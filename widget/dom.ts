/**
 * The elements build their few shadow nodes with the DOM itself, on Lit's `ReactiveElement`: a template engine
 * (lit-html) would be 3 kB of the widget's 8 kB budget, for a button, a link, a message and a price.
 */

/** A new `tag` element with these attributes and children. */
export const element = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
};

/** Sets the attribute to `value`, or removes it when `value` is empty, null or false. */
export const setAttribute = (node: Element, name: string, value: string | null | false): void => {
  if (value) node.setAttribute(name, value);
  else node.removeAttribute(name);
};
