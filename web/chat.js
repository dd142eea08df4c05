// Starts the rasa-webchat widget with the settings rendered into #chat-config, and adds
// what the widget lacks for keyboard and screen-reader users, and forgetting a deleted
// conversation.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var STORAGE_KEY = "chat_session"; // where rasa-webchat keeps the session and its messages
  var FORGET_FLAG = "forgetSession"; // sent with the "conversation deleted" reply (backcare/privacy.py)
  var OPEN_LABEL = "Open the chat about massage for back pain";
  var CLOSE_LABEL = "Close the chat";

  // A public deployment refuses a chat socket over its per-address limit with HTTP 429
  // and a message for the patient (deploy/nginx/backcare.conf.template). The widget
  // itself would only retry, silently: show the message until a connection succeeds.
  // The widget's error carries only the status, so ask again for the message: while this
  // address is over the limit the answer is the same 429, which any page may read.
  var refused = document.createElement("p");
  refused.className = "chat-refused";
  refused.setAttribute("role", "alert");
  refused.hidden = true;
  document.body.appendChild(refused);
  function showRefusal(error) {
    if (!error || error.description !== 429) return;
    fetch(config.socketUrl + "/socket.io/").then(function (response) {
      return response.status === 429 ? response.json() : null;
    }).then(function (body) {
      if (body && body.error) {
        refused.textContent = body.error;
        refused.hidden = false;
      }
    }).catch(function () {});
  }

  window.WebChat.default({
    socketUrl: config.socketUrl,
    socketPath: "/socket.io/",
    initPayload: "/greet",
    customData: { language: "en" },
    title: config.title,
    subtitle: "Questions about massage for back pain",
    inputTextFieldHint: "Type your question...",
    params: { storage: "local" },
    showMessageDate: false,
    onSocketEvent: {
      bot_uttered: onBotMessage,
      connect_error: showRefusal,
      connect: function () { refused.hidden = true; watchSocket(this); }
    }
  }, null);

  // A message whose answer was cut off by a lost connection (issue 17). The server sends a
  // turn's answer only once the turn is stored, then "turn_end" with the message's id. A
  // message without its turn_end when the connection drops is sent again once the
  // connection is back (after the session is confirmed), with the same message_id and
  // resend: the server answers it then, or sends the stored answer again, and never
  // stores it twice. A message typed while the connection is down waits for it too, in
  // order. Meanwhile the page says so. If half an answer came before the drop, the whole
  // answer comes again.
  var CUT_OFF_NOTICE = "The connection dropped before the answer came. Your message will be sent " +
    "again when the connection is back. In an emergency call " + config.emergencyNumber +
    " or your local emergency number.";
  var cutOff = document.createElement("p");
  cutOff.className = "chat-cut-off";
  cutOff.setAttribute("role", "status");
  cutOff.hidden = true;
  document.body.appendChild(cutOff);
  var socket = null;
  var sendNow = null; // the socket's own emit
  var unanswered = []; // [{payload, sent, waiting}]: sent (or to send) without turn_end yet
  // A server without turn_end (one not yet updated, during an upgrade): a reply then ends
  // what was sent before it, so nothing it answered is sent again.
  var serverEndsTurns = false;

  function newMessageId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function watchSocket(connected) {
    if (!connected || socket === connected) return;
    socket = connected;
    connected.on("disconnect", onDisconnect);
    connected.on("session_confirm", sendWaiting);
    connected.on("turn_end", onTurnEnd);
    sendNow = connected.emit;
    connected.emit = function (event, data) {
      if (event !== "user_uttered" || !data || typeof data !== "object" || data.message_id) {
        return sendNow.apply(this, arguments);
      }
      var turn = { payload: Object.assign({}, data, { message_id: newMessageId() }), sent: false, waiting: true };
      unanswered.push(turn);
      if (!connected.connected) {
        showCutOff();
        return connected;
      }
      turn.waiting = false;
      turn.sent = true;
      return sendNow.call(connected, event, turn.payload);
    };
  }

  function showCutOff() {
    cutOff.textContent = CUT_OFF_NOTICE;
    cutOff.hidden = false;
  }

  function onDisconnect() {
    if (!unanswered.length) return;
    unanswered.forEach(function (turn) { turn.waiting = true; });
    showCutOff();
  }

  function sendWaiting() {
    if (!socket || !socket.connected) return;
    unanswered.forEach(function (turn) {
      if (!turn.waiting) return;
      sendNow.call(socket, "user_uttered", turn.sent ? Object.assign({}, turn.payload, { resend: true }) : turn.payload);
      turn.waiting = false;
      turn.sent = true;
    });
  }

  function onTurnEnd(end) {
    serverEndsTurns = true;
    var id = end && end.message_id;
    unanswered = unanswered.filter(function (turn) { return turn.payload.message_id !== id; });
    if (!unanswered.length) cutOff.hidden = true;
  }

  function $(selector) { return document.querySelector(selector); }
  function chatOpen() { return !!$(".rw-conversation-container"); }

  // Screen readers: new bot replies are copied into a polite live region, once each.
  var announcer = document.createElement("div");
  announcer.id = "chat-announcer";
  announcer.className = "visually-hidden";
  announcer.setAttribute("role", "log");
  announcer.setAttribute("aria-live", "polite");
  announcer.setAttribute("aria-label", "New messages from the assistant");
  document.body.appendChild(announcer);
  var seenReplies = null; // bot messages on screen when the chat was first shown are not new

  function announceNewReplies() {
    if (!chatOpen()) return;
    var replies = document.querySelectorAll(".rw-conversation-container .rw-response");
    if (seenReplies === null || replies.length < seenReplies) seenReplies = replies.length;
    // A reply's element can appear before its text: it is announced once the text is there.
    while (seenReplies < replies.length) {
      var text = replies[seenReplies].textContent.trim();
      if (!text) break;
      var line = document.createElement("p");
      line.textContent = "Assistant: " + text;
      announcer.appendChild(line);
      seenReplies++;
    }
    while (announcer.childNodes.length > 3) announcer.removeChild(announcer.firstChild);
  }

  // Names and keyboard access the widget does not give.
  function label() {
    var launcher = $(".rw-launcher");
    if (launcher) {
      var name = chatOpen() ? CLOSE_LABEL : OPEN_LABEL;
      if (launcher.getAttribute("aria-label") !== name) launcher.setAttribute("aria-label", name);
    }
    setOnce($(".rw-close-button"), "aria-label", CLOSE_LABEL);
    setOnce($(".rw-new-message"), "aria-label", "Your question");
    setOnce($(".rw-send"), "aria-label", "Send");
    var container = $(".rw-messages-container");
    setOnce(container, "aria-label", "Conversation with the assistant");
    setOnce(container, "role", "region");
    // Quick replies are plain <div>s: make them buttons a keyboard can reach and press.
    var replies = document.querySelectorAll(".rw-reply:not(a)");
    for (var i = 0; i < replies.length; i++) {
      setOnce(replies[i], "role", "button");
      setOnce(replies[i], "tabindex", "0");
    }
  }

  function setOnce(element, name, value) {
    if (element && element.getAttribute(name) !== value) element.setAttribute(name, value);
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target.classList && target.classList.contains("rw-reply")
        && target.tagName !== "A") {
      event.preventDefault();
      target.click();
    } else if (event.key === "Escape" && chatOpen()) {
      event.preventDefault();
      var close = $(".rw-close-button") || $(".rw-launcher");
      if (close) close.click();
      focusLauncher();
    }
  });
  // Closing with the header's close button also returns focus to the launcher.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".rw-close-button")) focusLauncher();
  });

  function focusLauncher() {
    var tries = 0;
    (function attempt() {
      var launcher = $(".rw-launcher");
      if (launcher && !chatOpen() && launcher.offsetParent !== null) {
        launcher.focus();
      } else if (tries++ < 20) {
        setTimeout(attempt, 50);
      }
    })();
  }

  // A deleted conversation: the server has deleted it; the widget keeps only the
  // confirmation and what follows in its stored copy (localStorage), from now on.
  var keepFromText = null;
  function onBotMessage(message) {
    if (!serverEndsTurns) {
      unanswered = [];
      cutOff.hidden = true;
    }
    if (message && message.metadata && message.metadata[FORGET_FLAG]) {
      keepFromText = String(message.text);
      filterStoredConversation();
      waitForText(keepFromText, filterStoredConversation);
    }
  }

  function waitForText(text, then) {
    var tries = 0;
    (function check() {
      var replies = document.querySelectorAll(".rw-response");
      var last = replies.length ? replies[replies.length - 1].textContent : "";
      if (last.indexOf(text.slice(0, 40)) !== -1 || tries++ > 100) then();
      else setTimeout(check, 100);
    })();
  }

  function withoutForgotten(value) {
    try {
      var session = JSON.parse(value);
      var messages = session.conversation || [];
      var from = -1;
      for (var i = messages.length - 1; i >= 0; i--) {
        if (messages[i].sender === "response" && messages[i].text === keepFromText) { from = i; break; }
      }
      session.conversation = from === -1 ? [] : messages.slice(from);
      return JSON.stringify(session);
    } catch (error) {
      return null;
    }
  }

  function filterStoredConversation() {
    var stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored !== null) {
      var kept = withoutForgotten(stored);
      if (kept === null) window.localStorage.removeItem(STORAGE_KEY);
      else writeStorage.call(window.localStorage, STORAGE_KEY, kept);
    }
  }

  // The widget rewrites its whole stored conversation on every change: after a deletion,
  // what it writes is filtered the same way.
  var writeStorage = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    if (keepFromText !== null && key === STORAGE_KEY && this === window.localStorage) {
      var kept = withoutForgotten(String(value));
      if (kept === null) return undefined;
      value = kept;
    }
    return writeStorage.call(this, key, value);
  };

  function update() {
    label();
    announceNewReplies();
  }
  new MutationObserver(update).observe(document.body, { childList: true, subtree: true, characterData: true });
  update();
})();
