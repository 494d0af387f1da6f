import { formatClock } from '../lib/format';

export interface Unreachable {
  message: string;
  since: number;
}

/** Shown while /monitor fails; it disappears by itself on the first answer after that. */
export function GatewayBanner(props: {
  problem: Unreachable | null;
  gateway: string;
  retrySeconds: number;
  lastSuccess: number | null;
}) {
  if (!props.problem) return null;
  return (
    <div className="banner" role="alert" data-testid="gateway-banner">
      <strong>Gateway unreachable.</strong>{' '}
      <span>
        {props.gateway} has not answered since {formatClock(props.problem.since)}; retrying every{' '}
        {props.retrySeconds} s.{' '}
        {props.lastSuccess === null
          ? 'No figures yet.'
          : `Figures below are from ${formatClock(props.lastSuccess)}.`}
      </span>{' '}
      <span className="mono" style={{ color: 'var(--muted)' }}>
        {props.problem.message}
      </span>
    </div>
  );
}
