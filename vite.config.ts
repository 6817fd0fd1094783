import { transform } from 'lightningcss';
import { defineConfig, type Plugin } from 'vite';

/**
 * Lit's css`` templates reach the bundle as written, indentation and all: this minifies each one as Vite minifies a
 * CSS file. Only templates without `${…}` are touched; the widget's styles interpolate nothing.
 */
const minifyLitCss: Plugin = {
  name: 'checkout-button:minify-lit-css',
  transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const minified = code.replace(/\bcss`([^`$]*)`/g, (_, text: string) => {
      const css = transform({ filename: `${id}.css`, code: new TextEncoder().encode(text), minify: true }).code;
      return `css\`${new TextDecoder().decode(css)}\``;
    });
    return { code: minified, map: null };
  },
};

/** The widget as one self-contained, minified ES module: what the proxy serves and the package exports. */
export default defineConfig({
  // Without `development`, Lit resolves to its production build: no dev-mode warnings, smaller.
  resolve: { conditions: ['module', 'browser', 'production'] },
  publicDir: false,
  plugins: [minifyLitCss],
  build: {
    lib: {
      entry: 'widget/index.ts',
      formats: ['es'],
      fileName: () => 'checkout-button.js',
    },
    outDir: 'dist/widget',
    // Chunks of earlier builds would linger beside the script and be served; the declarations tsc writes here come after.
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        // Vite keeps whitespace and pure annotations in ES libraries for the next bundler; these files are
        // served to browsers as they are, so they are minified completely.
        minify: true,
        comments: false,
        // What loads on demand (the failure messages) sits beside the script, named after it, and is served by the
        // proxy from there; the hash changes with the content, so a chunk's URL never serves two versions.
        chunkFileNames: 'checkout-button-[name]-[hash].js',
      },
    },
  },
});
