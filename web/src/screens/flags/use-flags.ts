import { useCallback, useEffect, useState } from 'preact/hooks';
import { type ApiError, api, asApiError, query } from '../../api/client';
import type { Flag, FlagPage } from './flags.model';

const FLAGS = '/api/v1/opinion-shopping/flags';
const PAGE = 500;
/** The API lists flags by raisedAt; sorting by severity needs them all, so a few pages are read. */
const MAX_PAGES = 4;

export interface FlagList {
  flags: Flag[] | undefined;
  /** More flags match than were read (MAX_PAGES pages). */
  truncated: boolean;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Every flag matching `filter` (up to MAX_PAGES × 500), read page by page through the cursor. */
export function useFlagList(filter: { status?: string; rule?: string }): FlagList {
  const [state, setState] = useState<Omit<FlagList, 'reload'>>({
    flags: undefined,
    truncated: false,
    error: undefined,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const { status, rule } = filter;
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    (async () => {
      const flags: Flag[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const answer = await api<FlagPage>(`${FLAGS}${query({ status, rule, limit: PAGE, cursor })}`);
        flags.push(...answer.items);
        cursor = answer.nextCursor;
        if (!cursor) break;
      }
      return { flags, truncated: cursor !== undefined };
    })().then(
      ({ flags, truncated }) => current && setState({ flags, truncated, error: undefined, loading: false }),
      (error: unknown) =>
        current && setState({ flags: undefined, truncated: false, error: asApiError(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [status, rule, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, reload };
}

/**
 * One flag, found among its patient's flags (the API lists flags by patient; there is no route by
 * id), so that a selected flag stays on screen whatever the queue's filter, also once resolved.
 */
export async function fetchFlag(flagId: string, patientRef: string): Promise<Flag | undefined> {
  const answer = await api<FlagPage>(`${FLAGS}${query({ patientRef, limit: PAGE })}`);
  return answer.items.find((flag) => flag.flagId === flagId);
}

export interface SelectedFlag {
  flag: Flag | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Read again, until `until` holds (the read model applies a review shortly after it is recorded). */
  refresh: (until?: (flag: Flag | undefined) => boolean) => Promise<void>;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function useSelectedFlag(flagId: string | undefined, patientRef: string | undefined): SelectedFlag {
  const [state, setState] = useState<Omit<SelectedFlag, 'refresh'>>({
    flag: undefined,
    error: undefined,
    loading: false,
  });
  useEffect(() => {
    if (!flagId || !patientRef) {
      setState({ flag: undefined, error: undefined, loading: false });
      return;
    }
    let current = true;
    setState({ flag: undefined, error: undefined, loading: true });
    fetchFlag(flagId, patientRef).then(
      (flag) => current && setState({ flag, error: undefined, loading: false }),
      (error: unknown) => current && setState({ flag: undefined, error: asApiError(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [flagId, patientRef]);
  const refresh = useCallback(
    async (until: (flag: Flag | undefined) => boolean = () => true) => {
      if (!flagId || !patientRef) return;
      let flag = await fetchFlag(flagId, patientRef);
      // A few seconds at most: the projection applies a review within its next batch.
      for (let attempt = 0; attempt < 40 && !until(flag); attempt += 1) {
        await delay(250);
        flag = await fetchFlag(flagId, patientRef);
      }
      setState({ flag, error: undefined, loading: false });
    },
    [flagId, patientRef],
  );
  return { ...state, refresh };
}
