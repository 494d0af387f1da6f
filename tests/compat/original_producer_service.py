#!/usr/bin/python3
"""A faithful stand-in for the original exercise's producer service (Flask there; stdlib here).

- POST /produce-messages {"num_messages": N} (default 1000): N records in the original shape
  ({"content", "number"}, no key) to sms-messages (original_producer.py).
- A daemon thread consumes sender-status-updates and keeps the LATEST record of every sender_id,
  as the original did (`sender_stats[data["sender_id"]] = data`).
- GET /monitor sums success_count, failed_count and total_processing_time over those records:
  {"messages_sent", "messages_failed", "average_time_per_message"} (-1 before anything finished).
  Like the original, a record without one of those fields makes /monitor fail with HTTP 500.

    /usr/bin/python3 original_producer_service.py --port 5000 --bootstrap-servers localhost:9092
"""
import argparse
import json
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from confluent_kafka import Consumer, Producer

from original_producer import produce_messages

sender_stats = {}
stats_lock = threading.Lock()
records_read = 0


def consume_status(args):
    global records_read
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": args.status_group,
        "auto.offset.reset": "earliest",
    })
    consumer.subscribe([args.status_topic])
    while True:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        data = json.loads(msg.value())
        print(f"status update: {data}", file=sys.stderr) if args.verbose else None
        with stats_lock:
            sender_stats[data["sender_id"]] = data
            records_read += 1


def monitor():
    with stats_lock:
        stats = list(sender_stats.values())
    sent = sum(s["success_count"] for s in stats)
    failed = sum(s["failed_count"] for s in stats)
    total_time = sum(s["total_processing_time"] for s in stats)
    average = total_time / (sent + failed) if sent + failed > 0 else -1
    return {"messages_sent": sent, "messages_failed": failed, "average_time_per_message": average}


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/monitor":
            try:
                self.reply(200, monitor())
            except Exception as e:  # Flask answers 500 to an exception in a view
                self.reply(500, {"error": f"{type(e).__name__}: {e}"})
        elif self.path == "/debug/records-read":
            with stats_lock:
                self.reply(200, {"records_read": records_read, "senders": len(sender_stats)})
        else:
            self.reply(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/produce-messages":
            return self.reply(404, {"error": "not found"})
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        num = body.get("num_messages", 1000)
        produce_messages(self.server.producer, self.server.topic, num)
        self.reply(200, {"status": f"{num} messages produced"})

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", default="localhost:9092")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--topic", default="sms-messages")
    parser.add_argument("--status-topic", default="sender-status-updates")
    parser.add_argument("--status-group", default=f"producer-service-{uuid.uuid4().hex[:8]}")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    threading.Thread(target=consume_status, args=(args,), daemon=True).start()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.producer = Producer({"bootstrap.servers": args.bootstrap_servers})
    server.topic = args.topic
    print(f"producer service on http://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
