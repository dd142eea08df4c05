// Starts the rasa-webchat widget with the settings rendered into #chat-config.
(function () {
  var config = JSON.parse(document.getElementById("chat-config").textContent);

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
      connect_error: showRefusal,
      connect: function () { refused.hidden = true; }
    }
  }, null);

  // Keyboard and screen-reader labels the widget does not set itself.
  function label() {
    var launcher = document.querySelector(".rw-launcher");
    if (launcher && !launcher.getAttribute("aria-label")) {
      launcher.setAttribute("aria-label", "Open the chat about massage for back pain");
    }
    var input = document.querySelector(".rw-new-message");
    if (input && !input.getAttribute("aria-label")) {
      input.setAttribute("aria-label", "Your question");
    }
    var send = document.querySelector(".rw-send");
    if (send && !send.getAttribute("aria-label")) {
      send.setAttribute("aria-label", "Send");
    }
  }
  new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
  label();
})();
