import { Page } from '../../ui/page';

export function OperationsScreen() {
  return (
    <Page title="OperationsScreen">
      <p>Being built.</p>
    </Page>
  );
}
