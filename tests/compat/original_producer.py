#!/usr/bin/python3
"""Publishes messages in the original exercise's record shape: value {"content", "number"}, no key.

Used by original_producer_service.py (POST /produce-messages) and on its own:
    /usr/bin/python3 original_producer.py --bootstrap-servers 127.0.0.1:9092 -n 1000
"""
import argparse
import json
import random
import string

from confluent_kafka import Producer


def random_message(rng):
    content = "".join(rng.choice(string.ascii_letters + string.digits + " ") for _ in range(rng.randint(1, 100)))
    number = "+1" + "".join(rng.choice(string.digits) for _ in range(10))
    return {"content": content, "number": number}


def produce_messages(producer, topic, num_messages, rng=random):
    for _ in range(num_messages):
        producer.produce(topic, value=json.dumps(random_message(rng)))
        producer.poll(0)
    producer.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", default="localhost:9092")
    parser.add_argument("--topic", default="sms-messages")
    parser.add_argument("-n", "--num-messages", type=int, default=1000)
    args = parser.parse_args()
    produce_messages(Producer({"bootstrap.servers": args.bootstrap_servers}), args.topic, args.num_messages)
    print(f"produced {args.num_messages} message(s) to {args.topic}")


if __name__ == "__main__":
    main()
