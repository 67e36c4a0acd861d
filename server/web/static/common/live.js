// Live updates, one strategy for every screen: connect to Socket.IO and on every (re)connect
// subscribe again (a room with a snapshot sends it at once), correct the clock, and let the
// screen fetch whatever else it shows (`resync`). Whatever happened while the line was down
// is then on the screen; nothing needs a timer that polls.
(function () {
  "use strict";

  // live(subscriptions, {event: handler}, {onStatus(connected), resync()}) -> socket.
  // `socket.resync()` asks again without a reconnect (e.g. a display at a new service day).
  function live(subscriptions, handlers, { onStatus = null, resync = null } = {}) {
    const socket = window.io({ transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });
    const catchUp = () => {
      for (const subscription of subscriptions) socket.emit("subscribe", subscription);
      Antrean.clock.sync().catch(() => {}); // the boot data's clock stays until the next try
      if (resync) resync();
    };
    socket.on("connect", () => {
      if (onStatus) onStatus(true);
      catchUp();
    });
    socket.on("disconnect", () => onStatus && onStatus(false));
    socket.on("connect_error", () => onStatus && onStatus(false));
    for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);
    // The server may have lost news on the way (its message queue was down): catch up as after a reconnect.
    socket.on("resync", catchUp);
    socket.resync = () => socket.connected && catchUp();
    return socket;
  }

  Antrean.live = live;
})();
