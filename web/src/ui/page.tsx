import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { type ApiError, needsStepUp } from '../api/client';
import { StepUpPrompt } from '../auth/step-up';

/** A screen: its heading is the document title too, so a bookmark and the tab name it. */
export function Page(props: { title: string; lead?: ComponentChildren; children: ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.title} · Second opinions`;
  }, [props.title]);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{props.title}</h1>
      {props.lead && <p class="lead">{props.lead}</p>}
      {props.children}
    </section>
  );
}

/** The engine's problem, as it said it: status, title and detail. */
export function ProblemMessage(props: { error: ApiError | undefined; context?: string }) {
  if (!props.error) return null;
  const { status, problem } = props.error;
  return (
    <div role="alert" class="problem">
      <strong>
        {props.context ? `${props.context}: ` : ''}
        {problem.title ?? 'The request failed'}
        {status > 0 ? ` (${status})` : ''}
      </strong>
      {problem.detail && <p>{problem.detail}</p>}
      {problem.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((item) => (
            <li key={`${item.field}:${item.message}`}>
              {item.field ? <code>{item.field}</code> : null} {item.message}
            </li>
          ))}
        </ul>
      )}
      {needsStepUp(props.error) && <StepUpPrompt />}
    </div>
  );
}

export function Loading(props: { what?: string }) {
  return (
    <p role="status" class="loading">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}
