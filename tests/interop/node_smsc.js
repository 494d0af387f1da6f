// A small SMSC built on node's `smpp` package (0.5.x), an SMPP stack nobody here wrote, for the
// interop test of `smsim sender --smsc` (npm_smsc_interop_test.cpp). It binds one account, answers
// enquire_link and unbind, answers each submit_sm with a decimal message id (every 50th with
// ESME_RSUBMITFAIL, so failures are part of the run), and sends a delivery receipt for each accepted
// part that asked for one: esm_class 0x04, the conventional text (the package picks its data_coding),
// receipted_message_id and message_state. It counts what it saw and serves the counts as JSON on
// GET /stats.
//
//   node node_smsc.js --port 2775 --stats-port 2776 [--system-id smsim] [--password secret]
//                     [--receipt-delay-ms 50] [--fail-every 50]
'use strict';
const http = require('http');
const smpp = require('smpp');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const port = Number(args.port);
const statsPort = Number(args['stats-port']);
const systemId = args['system-id'] || 'smsim';
const password = args.password || 'secret';
const receiptDelayMs = Number(args['receipt-delay-ms'] || 50);
const failEvery = Number(args['fail-every'] || 50);

const stats = {
  binds: 0,
  bind_refused: 0,
  sessions_open: 0,
  submit_sm: 0,
  accepted: 0,
  rejected: 0,
  submit_before_bind: 0,
  parts_single: 0,
  parts_udh: 0,
  udh_inconsistent: 0,  // a concatenation IE whose sequence is outside 1..total
  gsm_parts: 0,
  ucs2_parts: 0,
  receipts_sent: 0,
  receipts_acknowledged: 0,
  receipts_refused: 0,
  enquire_link: 0,
  unbind: 0,
  errors: [],
};

let nextId = 1000000000;

function yymmddhhmm(d) {
  const p = (n) => String(n).padStart(2, '0');
  return p(d.getUTCFullYear() % 100) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes());
}

const server = smpp.createServer((session) => {
  let bound = false;
  stats.sessions_open += 1;
  session.on('close', () => { stats.sessions_open -= 1; });
  session.on('error', (e) => { stats.errors.push(String(e)); });

  const onBind = (pdu) => {
    if (pdu.system_id !== systemId || pdu.password !== password) {
      stats.bind_refused += 1;
      session.send(pdu.response({ command_status: smpp.ESME_RINVPASWD }));
      return;
    }
    bound = true;
    stats.binds += 1;
    session.send(pdu.response({ system_id: 'node-smsc' }));
  };
  session.on('bind_transceiver', onBind);
  session.on('bind_transmitter', onBind);
  session.on('enquire_link', (pdu) => {
    stats.enquire_link += 1;
    session.send(pdu.response());
  });
  session.on('unbind', (pdu) => {
    stats.unbind += 1;
    session.send(pdu.response());
    session.close();
  });

  session.on('submit_sm', (pdu) => {
    stats.submit_sm += 1;
    if (!bound) {
      stats.submit_before_bind += 1;
      session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
      return;
    }
    const sm = pdu.short_message || {};
    const udh = (sm.udh || []).find((ie) => ie[0] === 0x00 && ie[1] === 3);
    if (udh) {
      stats.parts_udh += 1;
      if (udh[4] < 1 || udh[4] > udh[3]) stats.udh_inconsistent += 1;
    } else {
      stats.parts_single += 1;
    }
    if ((pdu.data_coding & 0x0f) === 8) stats.ucs2_parts += 1; else stats.gsm_parts += 1;
    if (stats.submit_sm % failEvery === 0) {
      stats.rejected += 1;
      session.send(pdu.response({ command_status: smpp.ESME_RSUBMITFAIL }));
      return;
    }
    const messageId = String(nextId++);
    stats.accepted += 1;
    session.send(pdu.response({ message_id: messageId }));
    if (!(pdu.registered_delivery & 1)) return;
    const submitted = new Date();
    const text = typeof sm.message === 'string' ? sm.message.slice(0, 20) : '';
    setTimeout(() => {
      if (session.socket.destroyed) return;  // lost with the session; this simple SMSC keeps none
      const done = yymmddhhmm(new Date());
      stats.receipts_sent += 1;
      session.deliver_sm({
        source_addr: pdu.destination_addr,
        destination_addr: pdu.source_addr,
        esm_class: 0x04,
        short_message: `id:${messageId} sub:001 dlvrd:001 submit date:${yymmddhhmm(submitted)} done date:${done} stat:DELIVRD err:000 text:${text}`,
        receipted_message_id: messageId,
        message_state: 2,
      }, (resp) => {
        if (resp.command_status === 0) stats.receipts_acknowledged += 1; else stats.receipts_refused += 1;
      });
    }, receiptDelayMs);
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`node smsc listening on 127.0.0.1:${port}, stats on http://127.0.0.1:${statsPort}/stats`);
});

http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(stats));
}).listen(statsPort, '127.0.0.1');

process.on('SIGTERM', () => process.exit(0));
