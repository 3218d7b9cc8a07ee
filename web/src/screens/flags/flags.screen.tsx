import { Page } from '../../ui/page';

export function FlagsScreen() {
  return (
    <Page title="FlagsScreen">
      <p>Being built.</p>
    </Page>
  );
}
