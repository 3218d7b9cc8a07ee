import { query } from '../../api/client';
import { formatAge, formatInstant } from '../../ui/format';
import { type Flag, SEVERITY_BADGE, STATUS_BADGE, type Sort, ruleName } from './flags.model';

/**
 * The flags as a table. Sorting is by links in the column headers (the order lives in the URL);
 * each patient reference opens the flag below the table.
 */
export function FlagQueue(props: {
  flags: readonly Flag[];
  caption: string;
  sort: Sort;
  selected: string | undefined;
  /** The screen's query string values, which every link keeps. */
  params: Record<string, string | undefined>;
}) {
  const link = (changes: Record<string, string | undefined>): string =>
    `/app/flags${query({ ...props.params, ...changes })}`;
  const raisedOrder =
    props.sort === 'oldest' ? 'ascending' : props.sort === 'newest' ? 'descending' : undefined;
  return (
    <div class="table-scroll">
      <table class="flag-queue">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col" aria-sort={props.sort === 'severity' ? 'descending' : undefined}>
              <a href={link({ sort: undefined })} class="sort-link">
                Severity{props.sort === 'severity' ? ' ▼' : ''}
              </a>
            </th>
            <th scope="col">Rule</th>
            <th scope="col">Patient</th>
            <th scope="col">Body region</th>
            <th scope="col" aria-sort={raisedOrder}>
              <a href={link({ sort: props.sort === 'oldest' ? 'newest' : 'oldest' })} class="sort-link">
                Raised{props.sort === 'oldest' ? ' ▲' : props.sort === 'newest' ? ' ▼' : ''}
              </a>
            </th>
            <th scope="col" class="numeric">
              Age
            </th>
            <th scope="col" class="numeric">
              Cases
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {props.flags.length === 0 ? (
            <tr>
              <td colSpan={8}>No flag matches these filters.</td>
            </tr>
          ) : (
            props.flags.map((flag) => {
              const selected = flag.flagId === props.selected;
              return (
                <tr key={flag.flagId} class={selected ? 'selected' : undefined}>
                  <td>
                    <span class={`badge ${SEVERITY_BADGE[flag.severity] ?? 'neutral'}`}>{flag.severity}</span>
                  </td>
                  <td>
                    {ruleName(flag.rule)} <span class="hint">{flag.rule}</span>
                  </td>
                  <td>
                    <a
                      href={link({ flag: flag.flagId, patient: flag.patientRef })}
                      aria-current={selected ? 'true' : undefined}
                    >
                      <span class="patient-ref">{flag.patientRef}</span>
                      <span class="visually-hidden"> — {ruleName(flag.rule)} flag</span>
                    </a>
                  </td>
                  <td>{flag.bodyRegion}</td>
                  <td>{formatInstant(flag.raisedAt)}</td>
                  <td class="numeric">{formatAge(flag.raisedAt)}</td>
                  <td class="numeric">{flag.cases.length}</td>
                  <td>
                    <span class={`badge ${STATUS_BADGE[flag.status] ?? 'neutral'}`}>{flag.status}</span>
                    {flag.disposition && <span class="hint"> ({flag.disposition})</span>}
                  </td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
