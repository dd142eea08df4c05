// Starts the rasa-webchat widget with the settings rendered into #chat-config.
(function () {
  var config = JSON.parse(document.getElementById("chat-config").textContent);
  window.WebChat.default({
    socketUrl: config.socketUrl,
    socketPath: "/socket.io/",
    initPayload: "/greet",
    customData: { language: "en" },
    title: config.title,
    subtitle: "Questions about massage for back pain",
    inputTextFieldHint: "Type your question...",
    params: { storage: "local" },
    showMessageDate: false
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
