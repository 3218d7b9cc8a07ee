import { Page } from '../../ui/page';

export function CaseTimelineScreen() {
  return (
    <Page title="CaseTimelineScreen">
      <p>Being built.</p>
    </Page>
  );
}
