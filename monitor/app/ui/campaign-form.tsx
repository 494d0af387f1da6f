'use client';

import { useState, type FormEvent } from 'react';
import { fieldValue, startCampaign } from '../lib/api';
import { formatCount } from '../lib/format';
import type { Campaign } from '../lib/types';
import { Panel } from './panel';

interface Failure {
  error: string;
  field: string | null;
}

/**
 * Starts a campaign with POST /produce-messages. The gateway validates; its error is shown next to
 * the field it names (num_messages, max_length), or under the form when it names none.
 */
export function CampaignForm(props: { gateway: string; onStarted: (campaign: Campaign) => void }) {
  const [count, setCount] = useState('1000');
  const [maxLength, setMaxLength] = useState('100');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [started, setStarted] = useState<Campaign | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setStarted(null);
    const body: { num_messages: unknown; max_length?: unknown } = { num_messages: fieldValue(count) };
    if (maxLength.trim() !== '') body.max_length = fieldValue(maxLength);
    const result = await startCampaign(props.gateway, body as { num_messages: unknown; max_length: unknown });
    setBusy(false);
    if (result.ok) {
      setStarted(result.campaign);
      props.onStarted(result.campaign);
    } else {
      setFailure({ error: result.error, field: result.field });
    }
  }

  const countError = failure?.field === 'num_messages' ? failure.error : null;
  const lengthError = failure?.field === 'max_length' ? failure.error : null;
  const formError = failure && !countError && !lengthError ? failure.error : null;

  return (
    <Panel id="start" title="Start a campaign">
      <form className="campaign-form" data-testid="campaign-form" noValidate onSubmit={submit}>
        <div className="form-row">
          <div className="field">
            <label htmlFor="campaign-count">Messages</label>
            <input
              id="campaign-count"
              data-testid="campaign-count"
              inputMode="numeric"
              autoComplete="off"
              value={count}
              onChange={(e) => setCount(e.target.value)}
              aria-invalid={countError ? true : undefined}
              aria-describedby={countError ? 'campaign-count-error' : 'campaign-count-help'}
            />
            {countError ? (
              <p id="campaign-count-error" className="field-error" data-testid="campaign-error">
                {countError}
              </p>
            ) : (
              <span id="campaign-count-help" className="help">
                random phone numbers, one SMS each
              </span>
            )}
          </div>
          <div className="field">
            <label htmlFor="campaign-max-length">Max length</label>
            <input
              id="campaign-max-length"
              data-testid="campaign-max-length"
              inputMode="numeric"
              autoComplete="off"
              value={maxLength}
              placeholder="100"
              onChange={(e) => setMaxLength(e.target.value)}
              aria-invalid={lengthError ? true : undefined}
              aria-describedby={lengthError ? 'campaign-max-length-error' : 'campaign-max-length-help'}
            />
            {lengthError ? (
              <p id="campaign-max-length-error" className="field-error" data-testid="campaign-error">
                {lengthError}
              </p>
            ) : (
              <span id="campaign-max-length-help" className="help">
                characters per text, at most
              </span>
            )}
          </div>
        </div>
        <div>
          <button type="submit" className="primary" data-testid="campaign-submit" disabled={busy}>
            {busy ? 'Starting…' : 'Start campaign'}
          </button>
        </div>
        <div role="status" aria-live="polite">
          {formError ? (
            <p className="form-error" data-testid="campaign-error">
              {formError}
            </p>
          ) : null}
          {started ? (
            <p className="form-ok" data-testid="campaign-started">
              Campaign <span className="mono">{started.campaign_id}</span> accepted: {formatCount(started.num_messages)}{' '}
              messages.
            </p>
          ) : null}
          {countError || lengthError ? <span className="visually-hidden">{failure?.error}</span> : null}
        </div>
      </form>
    </Panel>
  );
}
