import { Page } from '../../ui/page';

export function WorklistScreen() {
  return (
    <Page title="WorklistScreen">
      <p>Being built.</p>
    </Page>
  );
}
