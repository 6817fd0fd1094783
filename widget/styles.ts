import { css } from '@lit/reactive-element';

/**
 * `<checkout-button>`'s shadow styles. The public surface is the `--checkout-button-*` properties
 * (each with a fallback) and the parts; `--_background` is private so hover can derive from it.
 * The message lies over what follows rather than in the flow, so showing or clearing it never moves the page.
 */
export const checkoutButtonStyles = css`
  :host {
    display: inline-block;
    position: relative;
    --_background: var(--checkout-button-background, #1f2937);
  }

  :host([hidden]) {
    display: none;
  }

  [part~='button'] {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5em;
    box-sizing: border-box;
    inline-size: 100%;
    margin: 0;
    padding: var(--checkout-button-padding, 0.75em 1.5em);
    border: var(--checkout-button-border, 1px solid transparent);
    border-radius: var(--checkout-button-radius, 0.375em);
    background: var(--_background);
    color: var(--checkout-button-color, #fff);
    font-family: var(--checkout-button-font-family, inherit);
    font-size: var(--checkout-button-font-size, 1em);
    font-weight: var(--checkout-button-font-weight, 600);
    line-height: 1.25;
    text-decoration: none;
    cursor: pointer;
    transition: background-color 0.15s;
  }

  [part~='button']:hover {
    background: var(--checkout-button-hover-background, color-mix(in srgb, var(--_background), currentColor 15%));
  }

  [part~='button']:focus-visible {
    outline: var(--checkout-button-focus-ring, 2px solid #2563eb);
    outline-offset: 2px;
  }

  :host([loading]) button {
    cursor: progress;
  }

  :host([disabled]) button {
    cursor: not-allowed;
    opacity: 0.5;
  }

  [part='spinner'] {
    flex: none;
    box-sizing: border-box;
    inline-size: 1em;
    block-size: 1em;
    border: 0.15em solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }

  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }

  [part='error'] {
    position: absolute;
    inset-block-start: 100%;
    inset-inline-start: 0;
    z-index: 1;
    box-sizing: border-box;
    min-inline-size: 100%;
    inline-size: max-content;
    max-inline-size: max(100%, 20em);
    color: var(--checkout-button-error-color, #b91c1c);
    font-size: 0.875em;
  }

  [part='error']:not(:empty) {
    margin-block-start: 0.25rem;
    padding: 0.375em 0.625em;
    border: 1px solid;
    border-radius: var(--checkout-button-radius, 0.375em);
    background: var(--checkout-button-error-background, #fef2f2);
  }

  @media (prefers-reduced-motion: reduce) {
    [part~='button'] {
      transition: none;
    }

    [part='spinner'] {
      animation: none;
    }
  }

  @media (forced-colors: active) {
    [part~='button'] {
      border-color: ButtonText;
    }

    [part~='button']:focus-visible {
      outline-color: Highlight;
    }

    :host([disabled]) button {
      border-color: GrayText;
      color: GrayText;
      opacity: 1;
    }

    [part='spinner'] {
      border-color: ButtonText;
      border-inline-end-color: transparent;
    }
  }
`;
