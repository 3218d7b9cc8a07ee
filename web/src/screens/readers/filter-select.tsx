import type { Option } from './metrics-scope';

/**
 * A labelled select whose value lives in the URL: changing it calls `onChange` (which routes).
 * A value that is not among the options (a bookmark from another configuration) is still shown.
 */
export function FilterSelect(props: {
  label: string;
  value: string;
  options: readonly Option[];
  onChange: (value: string) => void;
  /** The option that means "no filter" (value ''). */
  anyLabel?: string;
  disabled?: boolean;
  hint?: string;
}) {
  const known = props.options.some((option) => option.value === props.value);
  return (
    <label>
      {props.label}
      <select
        value={props.value}
        disabled={props.disabled}
        onChange={(event) => props.onChange((event.currentTarget as HTMLSelectElement).value)}
      >
        {props.anyLabel !== undefined && <option value="">{props.anyLabel}</option>}
        {!known && props.value !== '' && <option value={props.value}>{props.value}</option>}
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {props.hint && <span class="hint">{props.hint}</span>}
    </label>
  );
}
