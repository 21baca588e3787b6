/**
 * A ResizeObserver that never reports: jsdom lays nothing out, so there is no size to observe, but
 * components that measure their box (the charts, the table, the palette's list) still create one.
 */
export function installQuietResizeObserver(): void {
  const quiet = (): void => undefined;
  globalThis.ResizeObserver = class {
    observe = quiet;
    unobserve = quiet;
    disconnect = quiet;
  };
}
