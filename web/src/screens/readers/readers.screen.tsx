import { Page } from '../../ui/page';

export function ReadersScreen() {
  return (
    <Page title="ReadersScreen">
      <p>Being built.</p>
    </Page>
  );
}
