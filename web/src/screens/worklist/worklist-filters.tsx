import { FILTERS, type Filters, OVERDUE_CHOICES, PRIORITIES, STATUSES } from './worklist.model';

/**
 * The search form. Its fields start from the URL (it is keyed by the filters, so Back refills it);
 * submitting hands the filled-in values to `onSearch`, which puts them in the URL.
 */
export function WorklistFilters(props: { filters: Filters; onSearch: (filters: Filters) => void }) {
  const { filters } = props;
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    props.onSearch(
      Object.fromEntries(
        FILTERS.flatMap((name) => {
          const value = String(form.get(name) ?? '').trim();
          return value ? [[name, value]] : [];
        }),
      ),
    );
  };
  return (
    <form class="filters worklist-filters" role="search" aria-label="Search cases" onSubmit={submit}>
      <label>
        Patient reference
        <input name="patientRef" type="search" defaultValue={filters.patientRef ?? ''} autoComplete="off" />
      </label>
      <label>
        Study instance UID
        <input
          name="studyInstanceUid"
          type="search"
          defaultValue={filters.studyInstanceUid ?? ''}
          inputMode="decimal"
          autoComplete="off"
        />
      </label>
      <label>
        Status
        <select name="status" defaultValue={filters.status ?? ''}>
          <option value="">Any status</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <label>
        Priority
        <select name="priority" defaultValue={filters.priority ?? ''}>
          <option value="">Any priority</option>
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {priority}
            </option>
          ))}
        </select>
      </label>
      <label>
        Due time
        <select name="overdue" defaultValue={filters.overdue ?? ''}>
          {OVERDUE_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      <div class="filter-actions">
        <button type="submit">Search</button>
        <a href="/app/cases">Clear</a>
      </div>
    </form>
  );
}
