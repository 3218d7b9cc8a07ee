import type { MetricsScope, Option } from './metrics-scope';
import { useScopeVocabulary } from './scope-vocabulary';

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

/** The scope's three selects, in the order both reader screens show them. */
const SCOPE_SELECTS = [
  { key: 'finding', label: 'Finding', anyLabel: 'All findings', choices: 'findings' },
  { key: 'bodyRegion', label: 'Body region', anyLabel: 'All body regions', choices: 'bodyRegions' },
  { key: 'period', label: 'Period', anyLabel: 'All periods', choices: 'periods' },
] as const;

/** The scope's three selects, as both reader screens show them: only choices the engine has figures for. */
export function ScopeSelects(props: {
  scope: MetricsScope;
  onChange: (key: keyof MetricsScope, value: string) => void;
}) {
  const { scope, onChange } = props;
  const vocabulary = useScopeVocabulary();
  return (
    <>
      {SCOPE_SELECTS.map(({ key, label, anyLabel, choices }) => (
        <FilterSelect
          key={key}
          label={label}
          value={scope[key] ?? ''}
          anyLabel={anyLabel}
          options={vocabulary[choices]}
          onChange={(value) => onChange(key, value)}
        />
      ))}
    </>
  );
}
