"""Socket.IO's message queue over Redis, for a site run as several processes (server.message_queue).

Each process hands the messages it emits to Redis, and Redis to every other process, which
sends them to its own clients. python-socketio's own Redis manager waits for Redis inside
the request that emits (a stopped Redis hung every kiosk and counter), waits up to a minute
before listening again, and never says what it could not deliver, so screens stayed wrong
after Redis came back. This one, built on python-socketio's extension points for a queue
(PubSubManager's `_publish` and `_listen`):

- never makes a request wait for Redis: messages go to a bounded outbox that one background
  task sends, each with a short timeout;
- when it cannot send, drops what it holds (it would arrive late and out of date) and, once
  Redis answers again, emits `resync` to every client: "you may have missed news: subscribe
  again and fetch what you show". The pages do exactly what they do after a reconnect
  (server/web/static/common/live.js);
- listens again within a second of Redis coming back, and then emits `resync` to its own
  clients, who may have missed what the other processes sent meanwhile. A Redis that stops
  answering without closing the connection is noticed by a ping after a few silent seconds.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Iterator
from typing import Any

import redis
from socketio import PubSubManager

log = logging.getLogger("antrean.message_queue")

RETRY_SECONDS = 1.0
SILENT_SECONDS = 5.0  # a listener that heard nothing for this long pings; twice as long, it reconnects
OUTBOX = 10_000
CONNECTION = {"socket_connect_timeout": 2.0, "socket_timeout": 2.0, "socket_keepalive": True}


class RedisQueue(PubSubManager):
    name = "antrean-redis"

    def __init__(self, url: str, channel: str = "flask-socketio") -> None:
        super().__init__(channel=channel)
        self.url = url
        redis.Redis.from_url(url)  # a URL Redis cannot use fails at start, not at the first message
        self._outbox: queue.Queue[Any] = queue.Queue(OUTBOX)
        self._sender: Any = None

    def _client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, **CONNECTION)

    def _publish(self, data: Any) -> None:
        """Called by every emit: queue it for the sender, never wait."""
        if self._sender is None:
            self._sender = self.server.start_background_task(self._send_forever)
        try:
            self._outbox.put_nowait(data)
        except queue.Full:  # the sender is stuck on Redis; it drops the lot and asks for a resync
            pass

    def _send_forever(self) -> None:
        client = self._client()
        while True:
            data = self._outbox.get()
            try:
                client.publish(self.channel, self.json.dumps(data))
                continue
            except (redis.RedisError, OSError) as exc:
                log.warning("Redis cannot be reached (%s): the other servers' screens miss this server's "
                            "news until it is back", exc)
            while True:  # until Redis answers: what waits would be out of date by then
                time.sleep(RETRY_SECONDS)
                while not self._outbox.empty():
                    self._outbox.get_nowait()
                try:
                    client.ping()
                    break
                except (redis.RedisError, OSError):
                    continue
            log.info("Redis is back: every screen fetches its state again")
            self.emit("resync", {}, namespace="/")

    def _listen(self) -> Iterator[Any]:
        channel = self.channel.encode("utf-8")
        first, failed = True, False
        while True:
            pubsub = None
            try:
                pubsub = self._client().pubsub()
                pubsub.subscribe(self.channel)
                heard, pinged = time.monotonic(), False
                while True:
                    message = pubsub.get_message(timeout=RETRY_SECONDS)
                    silent = time.monotonic() - heard
                    if message is None:
                        if silent > 2 * SILENT_SECONDS:
                            raise redis.TimeoutError(f"no answer for {silent:.0f} s")
                        if silent > SILENT_SECONDS and not pinged:
                            pubsub.ping()
                            pinged = True
                        continue
                    heard, pinged = time.monotonic(), False
                    if message["type"] == "subscribe":
                        # Every subscription but a first one that followed no failure comes after a
                        # lost connection (ours, or one redis-py made again by itself).
                        if failed or not first:
                            log.info("listening to Redis again: this server's screens fetch their state again")
                            self.emit("resync", {}, namespace="/", ignore_queue=True)
                        first, failed = False, False
                    elif message["type"] == "message" and message["channel"] == channel:
                        yield message["data"]
            except (redis.RedisError, OSError) as exc:
                if not failed:
                    log.warning("cannot listen to Redis (%s); trying again every %.0f s", exc, RETRY_SECONDS)
                failed = True
            finally:
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except (redis.RedisError, OSError):
                        pass
            time.sleep(RETRY_SECONDS)
