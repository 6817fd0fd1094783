import { defineConfig } from 'vite';

/** The widget as one self-contained, minified ES module: what the proxy serves and the package exports. */
export default defineConfig({
  // Without `development`, Lit resolves to its production build: no dev-mode warnings, smaller.
  resolve: { conditions: ['module', 'browser', 'production'] },
  publicDir: false,
  build: {
    lib: {
      entry: 'widget/index.ts',
      formats: ['es'],
      fileName: () => 'checkout-button.js',
    },
    outDir: 'dist/widget',
    // The server build writes into dist/ too.
    emptyOutDir: false,
    target: 'es2022',
    rolldownOptions: {
      // Vite keeps whitespace and pure annotations in ES libraries for the next bundler; this file is
      // served to browsers as is, so it is minified completely.
      output: { codeSplitting: false, minify: true, comments: false },
    },
  },
});
