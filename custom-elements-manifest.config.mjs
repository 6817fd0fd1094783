/** Where the elements are registered: through a guarded helper, with each tag in a constant. */
const registry = 'widget/index.ts';

/**
 * The analyzer reads `customElements.define(tag, element)` literally and cannot follow the helper,
 * so the definitions are rebuilt from each class's `@tag`, in the module that registers them.
 */
const definitionsFromTags = {
  name: 'checkout-button:definitions-from-tags',
  packageLinkPhase({ customElementsManifest }) {
    const { modules } = customElementsManifest;
    for (const module of modules) {
      module.exports = module.exports?.filter((entry) => entry.kind !== 'custom-element-definition');
    }
    const definitions = modules.flatMap((module) =>
      (module.declarations ?? [])
        .filter((declaration) => declaration.customElement && declaration.tagName)
        .map((declaration) => ({
          kind: 'custom-element-definition',
          name: declaration.tagName,
          declaration: { name: declaration.name, module: module.path },
        })),
    );
    modules.find((module) => module.path === registry)?.exports?.push(...definitions);
  },
};

/** `cem analyze` settings; the globs and output folder come from the `build:widget` script. */
export default {
  litelement: true,
  plugins: [definitionsFromTags],
};
