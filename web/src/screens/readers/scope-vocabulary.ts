import { useMemo } from 'preact/hooks';
import { useApi } from '../../api/use-api';
import { type Option, periodOptions } from './metrics-scope';

/** What the reader metrics list says about the scope's dimensions (GET /api/v1/metrics/readers). */
interface ReaderBreakdowns {
  items: Array<{
    byFinding: ReadonlyArray<{ code: string }>;
    byBodyRegion: ReadonlyArray<{ bodyRegion: string }>;
    byPeriod: ReadonlyArray<{ period: string }>;
  }>;
}

export interface ScopeVocabulary {
  findings: Option[];
  bodyRegions: Option[];
  periods: Option[];
}

const sortedOptions = (values: Iterable<string>): Option[] =>
  [...new Set(values)].sort().map((value) => ({ value, label: value }));

/**
 * The findings, body regions and months that have reads, from the unscoped reader metrics: the
 * choices of the scope selects are those the engine can answer with figures.
 */
export function useScopeVocabulary(): ScopeVocabulary {
  const { data } = useApi<ReaderBreakdowns>('/api/v1/metrics/readers');
  return useMemo(() => {
    const items = data?.items ?? [];
    return {
      findings: sortedOptions(items.flatMap((item) => item.byFinding.map(({ code }) => code))),
      bodyRegions: sortedOptions(
        items.flatMap((item) => item.byBodyRegion.map(({ bodyRegion }) => bodyRegion)),
      ),
      periods: periodOptions(items.flatMap((item) => item.byPeriod.map(({ period }) => period))),
    };
  }, [data]);
}
