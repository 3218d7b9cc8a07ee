import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A chart with its text alternative and its data. `render` builds the chart (Observable Plot)
 * and is called again when `deps` change; the SVG gets `description` as its accessible name, and
 * `table` (the same figures) is always in the page, for screen readers and for copying.
 */
export function PlotFigure(props: {
  title: string;
  description: string;
  render: () => SVGElement | HTMLElement;
  deps: readonly unknown[];
  table: ComponentChildren;
  /** Links or controls drawn over the chart (keyboard-reachable points). */
  overlay?: ComponentChildren;
}) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = props.render();
    element.setAttribute('role', 'img');
    element.setAttribute('aria-label', props.description);
    holder.current?.replaceChildren(element);
    return () => element.remove();
  }, props.deps);
  return (
    <figure class="chart">
      <figcaption>
        <strong>{props.title}</strong>
        <span class="chart-description">{props.description}</span>
      </figcaption>
      <div class="chart-canvas">
        <div ref={holder} />
        {props.overlay}
      </div>
      <details>
        <summary>The figures as a table</summary>
        {props.table}
      </details>
    </figure>
  );
}
