#!/usr/bin/python3
"""The naive pipeline: the straightforward implementation of the original exercise, as a baseline.

This is what the exercise's own design does, written the obvious way with Python confluent-kafka
(Debian's python3-confluent-kafka, run by /usr/bin/python3), in the original's process layout:

  producer service  a loop writing N records {"content", "number"} (no key) to the messages topic,
                    and a daemon thread consuming the status topic, keeping the latest cumulative
                    record of each sender and summing them (the original's /monitor figures)
  sender program    T threads, each a consumer in one group; after every message a status record
                    {"sender_id", "success_count", "failed_count", "total_processing_time"}
                    (cumulative, the original's shape), with zero processing time and no failures

The figure is the time from the first record produced to the moment the status consumer has
counted all N, and the rate N / time; the clock starts once every sender thread and the status
consumer own their partitions (a group still forming would be measured otherwise).

It is the best *straightforward* version, not a straw man: the producers have the same linger as
smsim's, so batching on the wire is not what separates the two; consumers read in batches
(`consume`, --batch 500) rather than one `poll` per message, which is what a competent first version
does at 0 ms and saves the Python side calls (--batch 1 gives the one-at-a-time loop, which measured
no faster);
delivery callbacks are not asked for, so no per-message `poll`/`flush` is needed. Each message still
gets its own status record, as the exercise says. scripts/bench.py runs this in the same run as
smsim, on the same broker.

  naive_pipeline.py --bootstrap-servers HOST:PORT --messages N [--senders T] [--batch B] [--prefix P]
prints one JSON object: {"messages", "senders", "batch", "prefix", "seconds", "msgs_per_s", "counted"}.
"""
import argparse
import json
import multiprocessing
import random
import string
import sys
import threading
import time

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

ALPHABET = string.ascii_letters + string.digits + " "


def create_topics(bootstrap, topics):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(name, num_partitions=parts, replication_factor=1)
                                   for name, parts in topics])
    for name, future in futures.items():
        try:
            future.result(30)
        except KafkaException as e:
            if "TOPIC_ALREADY_EXISTS" not in str(e):
                raise


def sender_program(bootstrap, messages_topic, status_topic, group, threads, batch, ready, stop):
    """The original's sender program: one consumer per thread, a status record after each message."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})

    def sender(n):
        sender_id = f"naive-{n}"
        consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest"})
        consumer.subscribe([messages_topic])
        success = 0
        total_time = 0.0
        announced = False
        while not stop.is_set():
            messages = consumer.consume(batch, 0.1)
            if not announced and consumer.assignment():
                ready.release()
                announced = True
            for msg in messages:
                if msg.error():
                    continue
                record = json.loads(msg.value())
                _ = (record["number"], record["content"])  # "send" it: zero processing time, no failure
                success += 1
                producer.produce(status_topic, key=sender_id, value=json.dumps(
                    {"sender_id": sender_id, "success_count": success, "failed_count": 0,
                     "total_processing_time": total_time}))
            producer.poll(0)
        consumer.close()

    workers = [threading.Thread(target=sender, args=(n,), daemon=True) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    producer.flush(30)


def status_counter(bootstrap, status_topic, group, batch, latest, ready, done, target):
    """The producer service's daemon thread: latest cumulative record per sender, summed."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest"})
    consumer.subscribe([status_topic])
    while not done.is_set():
        messages = consumer.consume(batch, 0.1)
        if not ready.is_set() and consumer.assignment():
            ready.set()
        for msg in messages:
            if msg.error():
                continue
            record = json.loads(msg.value())
            latest[record["sender_id"]] = record["success_count"] + record["failed_count"]
        if messages and sum(latest.values()) >= target:
            done.set()
    consumer.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bootstrap-servers", required=True)
    ap.add_argument("--messages", type=int, default=90_000)
    ap.add_argument("--senders", type=int, default=2, help="sender threads (and partitions)")
    ap.add_argument("--batch", type=int, default=500, help="messages per consume() call (1: one poll per message)")
    ap.add_argument("--prefix", default=f"naive{random.randrange(1 << 30)}")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    if args.messages < 1 or args.senders < 1 or args.batch < 1:
        sys.exit("naive_pipeline: --messages, --senders and --batch must be at least 1")

    messages_topic, status_topic = f"{args.prefix}-messages", f"{args.prefix}-status"
    create_topics(args.bootstrap_servers, [(messages_topic, args.senders), (status_topic, 1)])

    # The sender program is a process of its own, as in the original (and so not sharing our GIL).
    ctx = multiprocessing.get_context("spawn")
    ready, stop = ctx.Semaphore(0), ctx.Event()
    senders = ctx.Process(target=sender_program, args=(args.bootstrap_servers, messages_topic, status_topic,
                                                       f"{args.prefix}-senders", args.senders, args.batch, ready,
                                                       stop))
    senders.start()
    try:
        for _ in range(args.senders):  # every sender thread owns its partition before the clock starts
            if not ready.acquire(timeout=60):
                sys.exit("naive_pipeline: the sender group did not settle within 60 s")

        latest, counter_ready, done = {}, threading.Event(), threading.Event()
        counter = threading.Thread(target=status_counter, daemon=True,
                                   args=(args.bootstrap_servers, status_topic, f"{args.prefix}-service", args.batch,
                                         latest, counter_ready, done, args.messages))
        counter.start()
        if not counter_ready.wait(60):
            sys.exit("naive_pipeline: the status consumer got no partition within 60 s")
        producer = Producer({"bootstrap.servers": args.bootstrap_servers, "linger.ms": 5})
        rng = random.Random(1)
        started = time.time()
        for i in range(args.messages):
            record = {"content": "".join(rng.choices(ALPHABET, k=rng.randint(1, 100))),
                      "number": "+" + "".join(rng.choices(string.digits, k=11))}
            while True:
                try:
                    producer.produce(messages_topic, value=json.dumps(record))
                    break
                except BufferError:  # local queue full: let it drain, as the docs advise
                    producer.poll(0.05)
            if i % 1000 == 0:
                producer.poll(0)  # serves librdkafka's events; there are no delivery callbacks to run
        producer.flush(60)
        finished = done.wait(args.timeout)
        seconds = time.time() - started
        counted = sum(latest.values())
    finally:
        stop.set()
        senders.join(30)
        if senders.is_alive():
            senders.kill()
    if not finished:
        sys.exit(f"naive_pipeline: counted {counted} of {args.messages} within {args.timeout} s")
    print(json.dumps({"messages": args.messages, "senders": args.senders, "batch": args.batch, "prefix": args.prefix,
                      "seconds": seconds, "msgs_per_s": args.messages / seconds, "counted": counted}))


if __name__ == "__main__":
    main()
