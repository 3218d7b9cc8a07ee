import { Page } from '../../ui/page';

export function ReaderScreen() {
  return (
    <Page title="ReaderScreen">
      <p>Being built.</p>
    </Page>
  );
}
