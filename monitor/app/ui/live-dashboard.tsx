'use client';

// The one component that owns live data: it polls the gateway (one GET /monitor per interval,
// campaigns with it, the Kafka view at most every 5 s), pauses while the tab is hidden, and hands
// plain data down to the widgets.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  getCampaigns,
  getConfig,
  getKafkaOverview,
  getKafkaRecords,
  getMonitor,
  resolveGatewayBase,
} from '../lib/api';
import { perSecondSeries } from '../lib/format';
import { Poller, resolveRefreshSeconds, withRefreshParam, type PollerState } from '../lib/refresh';
import type { Campaign, GatewayConfig, KafkaOverview, KafkaRecords, MonitorSnapshot } from '../lib/types';
import { CampaignForm } from './campaign-form';
import { CampaignPanel } from './campaign-panel';
import { FailureRateChart, LatencyPanel, ThroughputChart, type LatencyPoint } from './charts';
import { FunnelPanel } from './funnel-panel';
import { GatewayBanner, type Unreachable } from './gateway-banner';
import { Header, type Connection } from './header';
import { KafkaPanel } from './kafka-panel';
import { SenderTable } from './sender-table';
import { SmscPanel } from './smsc-panel';
import { StatCards } from './stat-cards';

const KAFKA_MIN_INTERVAL_MS = 5000;
const RECORDS_LIMIT = 10;
const LATENCY_POINTS = 300;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const ms = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 100000) / 100);

export function LiveDashboard() {
  const [gateway, setGateway] = useState<string | null>(null);
  const [config, setConfig] = useState<GatewayConfig | null>(null);
  const [seconds, setSeconds] = useState<number | null>(null);
  const [pollerState, setPollerState] = useState<PollerState | null>(null);
  const [monitor, setMonitor] = useState<MonitorSnapshot | null>(null);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [problem, setProblem] = useState<Unreachable | null>(null);
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  const [campaignsError, setCampaignsError] = useState<string | null>(null);
  const [kafka, setKafka] = useState<KafkaOverview | null>(null);
  const [kafkaError, setKafkaError] = useState<string | null>(null);
  const [topic, setTopic] = useState('sms-messages');
  const [records, setRecords] = useState<KafkaRecords | null>(null);
  const [recordsError, setRecordsError] = useState<string | null>(null);
  const [latency, setLatency] = useState<LatencyPoint[]>([]);

  const poller = useRef<Poller | null>(null);
  // What the polling task reads; refs, because the task outlives any one render.
  const live = useRef({ seconds: 3, topic: 'sms-messages', kafkaAt: -Infinity, chosen: null as number | null, url: null as string | null, config: null as GatewayConfig | null });

  const loadRecords = useCallback(async (base: string, name: string, timeoutMs: number) => {
    try {
      const r = await getKafkaRecords(base, name, RECORDS_LIMIT, { timeoutMs });
      if (live.current.topic === r.topic) setRecords(r);
      setRecordsError(null);
    } catch (error) {
      setRecordsError(message(error));
    }
  }, []);

  const tick = useCallback(
    async (base: string) => {
      const l = live.current;
      const timeoutMs = Math.min(10_000, Math.max(2_000, l.seconds * 1000));
      const started = Date.now();
      const kafkaDue = started - l.kafkaAt >= Math.max(l.seconds * 1000, KAFKA_MIN_INTERVAL_MS) - 250;
      if (kafkaDue) l.kafkaAt = started;
      const [m, c, k, cfg] = await Promise.allSettled([
        getMonitor(base, { timeoutMs }),
        getCampaigns(base, { timeoutMs }),
        kafkaDue ? getKafkaOverview(base, { timeoutMs }) : Promise.resolve(null),
        l.config ? Promise.resolve(l.config) : getConfig(base, { timeoutMs }),
        kafkaDue ? loadRecords(base, l.topic, timeoutMs) : Promise.resolve(),
      ]);
      if (m.status === 'rejected') {
        const why = message(m.reason);
        setProblem((prev) => ({ message: why, since: prev?.since ?? started }));
        l.kafkaAt = -Infinity; // fetch the Kafka view again as soon as the gateway is back
        return;
      }
      const snapshot = m.value;
      setMonitor(snapshot);
      setUpdatedAt(Date.now());
      setProblem(null);
      const e2e = snapshot.latency?.end_to_end;
      if (e2e) {
        setLatency((prev) => {
          const t = snapshot.time_ms / 1000;
          if (prev.length && prev[prev.length - 1].t >= t) return prev;
          return [...prev, { t, p50: ms(e2e.p50), p90: ms(e2e.p90), p99: ms(e2e.p99) }].slice(-LATENCY_POINTS);
        });
      }
      if (c.status === 'fulfilled') {
        setCampaigns(c.value.campaigns);
        setCampaignsError(null);
      } else setCampaignsError(message(c.reason));
      if (k.status === 'fulfilled') {
        if (k.value) {
          setKafka(k.value);
          setKafkaError(null);
        }
      } else setKafkaError(message(k.reason));
      if (cfg.status === 'fulfilled' && !l.config) {
        l.config = cfg.value;
        setConfig(cfg.value);
        // The gateway's default applies once it is known, unless the URL or the user chose.
        const s = resolveRefreshSeconds({ chosen: l.chosen, url: l.url, gateway: cfg.value.refresh_interval_s });
        if (s !== l.seconds) {
          l.seconds = s;
          setSeconds(s);
          poller.current?.setIntervalMs(s * 1000);
        }
      }
    },
    [loadRecords],
  );

  useEffect(() => {
    const base = resolveGatewayBase(
      window.location.search,
      process.env.NEXT_PUBLIC_GATEWAY_URL,
      process.env.NODE_ENV === 'development',
    );
    const l = live.current;
    l.url = new URLSearchParams(window.location.search).get('refresh');
    setGateway(base);
    let cancelled = false;
    (async () => {
      try {
        l.config = await getConfig(base, { timeoutMs: 3000 });
        setConfig(l.config);
      } catch {
        // unreachable: the first poll shows the banner, and a later one loads the config
      }
      if (cancelled) return;
      l.seconds = resolveRefreshSeconds({ url: l.url, gateway: l.config?.refresh_interval_s });
      setSeconds(l.seconds);
      const p = new Poller({ intervalMs: l.seconds * 1000, task: () => tick(base), onChange: setPollerState });
      poller.current = p;
      p.start();
      if (document.hidden) p.pause();
    })();
    const onVisibility = () => (document.hidden ? poller.current?.pause() : poller.current?.resume());
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      cancelled = true;
      document.removeEventListener('visibilitychange', onVisibility);
      poller.current?.stop();
      poller.current = null;
    };
  }, [tick]);

  const changeSeconds = useCallback((s: number) => {
    live.current.chosen = s;
    live.current.seconds = s;
    setSeconds(s);
    poller.current?.setIntervalMs(s * 1000);
    window.history.replaceState(window.history.state, '', withRefreshParam(window.location.href, s));
  }, []);

  const changeTopic = useCallback(
    (name: string) => {
      live.current.topic = name;
      setTopic(name);
      setRecords(null);
      if (gateway !== null) void loadRecords(gateway, name, 5000);
    },
    [gateway, loadRecords],
  );

  const refreshNow = useCallback(() => {
    live.current.kafkaAt = -Infinity;
    poller.current?.refreshNow();
  }, []);

  const series = useMemo(
    () => perSecondSeries(monitor?.per_second ?? [], 5, 300, monitor ? Math.floor(monitor.time_ms / 1000) : Infinity),
    [monitor],
  );
  const connection: Connection = problem ? 'unreachable' : monitor ? 'connected' : 'connecting';
  const gatewayLabel = gateway === null ? '…' : gateway || (typeof window === 'undefined' ? '' : window.location.host);

  return (
    <main id="main" className="page">
      <Header
        gatewayLabel={gatewayLabel}
        version={config?.version ?? null}
        connection={connection}
        seconds={seconds}
        onSeconds={changeSeconds}
        poller={pollerState}
        updatedAt={updatedAt}
        onRefreshNow={refreshNow}
      />
      <GatewayBanner problem={problem} gateway={gatewayLabel} retrySeconds={seconds ?? 3} lastSuccess={updatedAt} />
      <StatCards monitor={monitor} />
      <div className="grid campaign-row">
        <CampaignPanel campaigns={campaigns} error={campaignsError} />
        <FunnelPanel funnel={monitor?.funnel} />
        <CampaignForm gateway={gateway ?? ''} onStarted={refreshNow} />
      </div>
      <div className="grid three">
        <ThroughputChart series={series} />
        <FailureRateChart series={series} />
        <LatencyPanel monitor={monitor} history={latency} />
      </div>
      <SenderTable senders={monitor?.senders ?? null} />
      <SmscPanel senders={monitor?.senders ?? null} />
      <KafkaPanel
        overview={kafka}
        error={kafkaError}
        topic={topic}
        onTopic={changeTopic}
        records={records}
        recordsError={recordsError}
      />
      <footer className="footer">
        smsim monitor · polls <code>/monitor</code> every {seconds ?? '…'} s while this tab is visible · the figures
        are the gateway&apos;s, counted once per message
      </footer>
    </main>
  );
}
