"""Interop: Python's smpplib (an SMPP stack nobody here wrote) against `smsim smsc`.

smpplib binds as a transceiver, sends a 3-part GSM-7 message split by its own make_parts (UDH,
IEI 0x00, data_coding 0, unpacked septets, '@' as 0x00) and a UCS-2 message (data_coding 8), and
must get a submit_sm_resp with a message id for each part and a delivery receipt for each part
(esm_class 0x04, receipted_message_id and message_state TLVs, the conventional text naming the
part's id, and the first 20 characters of the part as the SMSC decoded them). Then it unbinds.

Run by smpplib_interop.sh (which provides the venv). Environment: SMSIM_BINARY. Prints PASS/FAIL
lines and "N passed, M failed"; exits non-zero on any failure.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import smpplib.client
import smpplib.consts
import smpplib.gsm

SMSIM = os.environ.get("SMSIM_BINARY", os.path.join(os.path.dirname(__file__), "..", "..", "build", "smsim"))
GSM = smpplib.gsm.GSM_CHARACTER_TABLE

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}: {name}{'' if ok else ' -- ' + str(detail)}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gsm_decode(octets):
    """Unpacked GSM 03.38 septets to text (the receipts come as data_coding 0)."""
    out, escape = [], False
    for b in octets:
        if escape:
            out.append(GSM[0x80 + b])
            escape = False
        elif b == 0x1B:
            escape = True
        else:
            out.append(GSM[b])
    return "".join(out)


def metrics(port, *wanted, timeout=5.0):
    """The SMSC's /metrics once every wanted line is in it (or the last text read after `timeout`)."""
    deadline = time.time() + timeout
    while True:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            text = r.read().decode()
        if all(w in text for w in wanted) or time.time() > deadline:
            return text
        time.sleep(0.1)


def main():
    port, metrics_port = free_port(), free_port()
    log = tempfile.NamedTemporaryFile(prefix="smsim-smsc-", suffix=".log", delete=False)
    smsc = subprocess.Popen(
        [SMSIM, "smsc", "--port", str(port), "--metrics-port", str(metrics_port), "--account", "interop:secret",
         "--mean", "5ms", "--stddev", "0s", "--distribution", "constant", "--receipt-delay", "100ms",
         "--delivered", "1", "--undelivered", "0", "--expired", "0", "--rejected", "0"],
        stdout=log, stderr=subprocess.STDOUT)
    client = None
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        client = smpplib.client.Client("127.0.0.1", port, timeout=10, allow_unknown_opt_params=True)
        answers, receipts = [], []
        client.set_message_sent_handler(lambda pdu: answers.append(pdu))
        client.set_message_received_handler(lambda pdu: receipts.append(pdu))
        client.connect()
        bound = client.bind_transceiver(system_id="interop", password="secret")
        check("bind_transceiver is accepted", bound.status == 0, bound.status)
        check("bind_transceiver_resp carries sc_interface_version 0x34", bound.sc_interface_version == 0x34,
              bound.sc_interface_version)

        # A 3-part GSM-7 message, '@' (septet 0x00) and an extension character included.
        long_text = "@ smsim interop: " + ("The quick brown fox jumps over the lazy dog. " * 9) + "[end]"
        parts, coding, esm_class = smpplib.gsm.make_parts(long_text)
        check("smpplib splits the GSM-7 text into 3 UDH parts", len(parts) == 3 and coding == 0 and esm_class == 0x40,
              (len(parts), coding, esm_class))
        # And a UCS-2 one: ç and – are not GSM-7.
        unicode_text = "Grüße aus Köln – ça va? 😀"
        ucs2_parts, ucs2_coding, ucs2_esm = smpplib.gsm.make_parts(unicode_text)
        check("smpplib sends the second as one UCS-2 part", len(ucs2_parts) == 1 and ucs2_coding == 8,
              (len(ucs2_parts), ucs2_coding))

        sent = []  # (sequence, expected text of the part)
        gsm_texts = []
        for p in parts:
            gsm_texts.append(gsm_decode(p[6:]))
        for p, text in [(p, t) for p, t in zip(parts, gsm_texts)] + [(ucs2_parts[0], unicode_text)]:
            is_ucs2 = p is ucs2_parts[0]
            pdu = client.send_message(
                source_addr_ton=smpplib.consts.SMPP_TON_ALNUM, source_addr="interop",
                dest_addr_ton=smpplib.consts.SMPP_TON_INTL, dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                destination_addr="4915112345678", short_message=p,
                data_coding=ucs2_coding if is_ucs2 else coding, esm_class=ucs2_esm if is_ucs2 else esm_class,
                registered_delivery=True)
            sent.append((pdu.sequence, text))

        deadline = time.time() + 20
        while (len(answers) < 4 or len(receipts) < 4) and time.time() < deadline:
            client.read_once()

        check("a submit_sm_resp for each of the 4 parts", len(answers) == 4, len(answers))
        ids = {}
        for a in answers:
            ids[a.sequence] = a.message_id.decode() if isinstance(a.message_id, bytes) else a.message_id
        check("each submit_sm_resp is ESME_ROK with its own message id",
              all(a.status == 0 for a in answers) and len(set(ids.values())) == 4 and all(ids.values()),
              [(a.status, a.message_id) for a in answers])

        check("a delivery receipt for each part", len(receipts) == 4, len(receipts))
        by_id = {}
        for r in receipts:
            rid = r.receipted_message_id.decode() if isinstance(r.receipted_message_id, bytes) else r.receipted_message_id
            by_id[rid] = r
        check("receipts name the parts' ids in receipted_message_id", set(by_id) == set(ids.values()),
              (sorted(by_id), sorted(ids.values())))
        check("receipts have esm_class 0x04 and message_state DELIVERED (2)",
              all(r.esm_class == 0x04 and r.message_state == 2 for r in receipts),
              [(r.esm_class, r.message_state) for r in receipts])
        shape = re.compile(r"^id:(\S+) sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:(.*)$")
        for sequence, expected in sent:
            message_id = ids.get(sequence)
            r = by_id.get(message_id)
            text = gsm_decode(r.short_message) if r is not None else ""
            match = shape.match(text)
            check(f"receipt text of part seq {sequence} has the conventional shape and its id",
                  match is not None and match.group(1) == message_id, text)
            # What the SMSC read: the part's first 20 characters (GSM-7 lacks some of the UCS-2 ones).
            want = "".join(c if c in GSM and c != "`" else "?" for c in expected[:20])
            check(f"the SMSC decoded part seq {sequence} right", match is not None and match.group(2) == want,
                  (match.group(2) if match else None, want))

        counted = ('smsc_parts_total{kind="udh8"} 3', 'smsc_parts_total{kind="single"} 1',
                   "smsc_concatenated_messages_total 1")
        m = metrics(metrics_port, *counted)
        check("the SMSC counted 3 UDH parts, 1 single part and 1 complete concatenated message",
              all(c in m for c in counted), m)
        acknowledged = 'smsc_receipts_total{event="acknowledged"} 4'
        check("every receipt was acknowledged (smpplib answers deliver_sm)",
              acknowledged in metrics(metrics_port, acknowledged), m)

        unbound = client.unbind()
        check("unbind is answered", unbound.status == 0, unbound.status)
    except Exception as e:  # noqa: BLE001 - any failure is reported as one, with the SMSC's log
        check("the interop run raised no error", False, repr(e))
    finally:
        if client is not None:
            try:
                client.disconnect()
            except Exception:  # noqa: BLE001
                pass
        smsc.terminate()
        try:
            smsc.wait(10)
        except subprocess.TimeoutExpired:
            smsc.kill()
        if not all(results):
            log.seek(0)
            print(open(log.name).read()[-3000:])
        os.unlink(log.name)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
