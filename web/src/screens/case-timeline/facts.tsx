import type { ComponentChildren } from 'preact';

export type Fact = [term: string, value: ComponentChildren];

/** Terms and their values; a falsy item (a fact that does not apply) is left out. */
export function Facts(props: { items: Array<Fact | false | undefined | null>; class?: string }) {
  const items = props.items.filter((item): item is Fact => !!item);
  return (
    <dl class={props.class ?? 'facts'}>
      {items.map(([term, value]) => [
        <dt key={`${term}-term`}>{term}</dt>,
        <dd key={`${term}-value`}>{value}</dd>,
      ])}
    </dl>
  );
}
