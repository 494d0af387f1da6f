#!/usr/bin/python3
"""A sender that behaves exactly as the original exercise's sender program (the test's stand-in).

N threads, each a Kafka consumer in the group `sms-sender-group` on `sms-messages`. No heartbeats.
For every message: sleep a random duration, succeed or fail at random, then publish the cumulative
counters keyed by sender_id to `sender-status-updates`:

    {"sender_id", "success_count", "failed_count", "total_processing_time"}

where the counts are cumulative and total_processing_time is the LAST message's duration times the
count (as the original computed it). Offsets are auto-committed (librdkafka's defaults).

Needs Debian's python3-confluent-kafka: run it with /usr/bin/python3. Stops on SIGTERM/SIGINT.
"""
import argparse
import json
import random
import signal
import sys
import threading
import time

from confluent_kafka import Consumer, Producer


def sender_thread(sender_id, args, stop):
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
    })
    producer = Producer({"bootstrap.servers": args.bootstrap_servers})
    consumer.subscribe([args.topic])
    success_count = 0
    failed_count = 0
    total_processing_time = 0.0
    try:
        while not stop.is_set():
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                print(f"{sender_id}: consumer error: {msg.error()}", file=sys.stderr)
                continue
            message = json.loads(msg.value())
            duration = random.uniform(args.min_time, args.max_time)
            time.sleep(duration)
            if random.random() < args.failure_rate:
                failed_count += 1
            else:
                success_count += 1
            total_processing_time = duration * (success_count + failed_count)
            status = {
                "sender_id": sender_id,
                "success_count": success_count,
                "failed_count": failed_count,
                "total_processing_time": total_processing_time,
            }
            producer.produce(args.status_topic, key=sender_id, value=json.dumps(status))
            producer.flush()
            if args.verbose:
                print(f"{sender_id}: sent to {message['number']}: {status}")
    finally:
        consumer.close()
        producer.flush()
        print(f"{sender_id}: stopped after {success_count} sent, {failed_count} failed", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", default="localhost:9092")
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--topic", default="sms-messages")
    parser.add_argument("--status-topic", default="sender-status-updates")
    parser.add_argument("--group", default="sms-sender-group")
    parser.add_argument("--min-time", type=float, default=0.001, help="shortest send time, seconds")
    parser.add_argument("--max-time", type=float, default=0.004, help="longest send time, seconds")
    parser.add_argument("--failure-rate", type=float, default=0.1)
    parser.add_argument("--id-prefix", default="sender", help="sender ids are <prefix>-<n>")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threads = [threading.Thread(target=sender_thread, args=(f"{args.id_prefix}-{i + 1}", args, stop))
               for i in range(args.senders)]
    for t in threads:
        t.start()
    print(f"{args.senders} sender(s) started in group {args.group}", flush=True)
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
