/* Carnet: receive notifications on this device (preferences page, #push-device).
   Registers /sw.js, asks permission, subscribes with the server's VAPID key (data-key) and posts the
   subscription to the form's action with the CSRF token; the answer is the new list of devices.
   Every sentence shown comes from the page's data-* attributes (translated by the server). */
(function () {
  "use strict";
  var box = document.getElementById("push-device");
  if (!box || !box.dataset.key) return;
  var button = box.querySelector("[data-push-enable]");
  var status = box.querySelector("[data-push-status]");
  var form = box.querySelector("form[data-push-form]");

  function say(message, level) {
    status.className = "alert alert-" + level;
    status.textContent = box.dataset[message];
  }

  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window && window.isSecureContext)) {
    return say("unsupported", "warning");
  }
  if (Notification.permission === "denied") return say("denied", "warning");

  var registration = navigator.serviceWorker.register(box.dataset.worker, { scope: "/" });

  function bytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    return Uint8Array.from(text, function (c) { return c.charCodeAt(0); });
  }

  function sameKey(subscription, key) {
    var current = subscription.options && subscription.options.applicationServerKey;
    if (!current) return true;
    current = new Uint8Array(current);
    return current.length === key.length && current.every(function (b, i) { return b === key[i]; });
  }

  async function current() {
    return (await registration).pushManager.getSubscription();
  }

  /* Marks this browser in the list; offers the button only when it does not receive yet. */
  async function refresh() {
    var subscription = await current();
    var known = false;
    document.querySelectorAll("#push-devices [data-endpoint]").forEach(function (item) {
      var mine = !!subscription && item.getAttribute("data-endpoint") === subscription.endpoint;
      item.querySelector("[data-this-device]").hidden = !mine;
      known = known || mine;
    });
    button.hidden = known;
    say(known ? "active" : "ready", known ? "success" : "info");
  }

  button.addEventListener("click", async function () {
    button.disabled = true;
    try {
      var permission = await Notification.requestPermission();
      if (permission !== "granted") return say(permission === "denied" ? "denied" : "dismissed", "warning");
      var ready = await navigator.serviceWorker.ready;
      var key = bytes(box.dataset.key);
      var subscription = await ready.pushManager.getSubscription();
      if (subscription && !sameKey(subscription, key)) {
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription = subscription || await ready.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      var response = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
        body: JSON.stringify(subscription)
      });
      var answer = await response.text();
      if (!response.ok || response.redirected) {
        var plain = (response.headers.get("Content-Type") || "").indexOf("text/plain") === 0;
        status.className = "alert alert-error";
        status.textContent = plain && !response.redirected ? answer : box.dataset.failed;
        return;
      }
      document.getElementById("push-devices").outerHTML = answer;
      if (window.htmx) window.htmx.process(document.getElementById("push-devices"));
      await refresh();
    } catch (error) {
      say("failed", "error");
    } finally {
      button.disabled = false;
    }
  });

  /* Removing this very browser also ends its subscription at the push service. */
  document.addEventListener("submit", async function (event) {
    var item = event.target.closest("#push-devices [data-endpoint]");
    var subscription = item && await current();
    if (subscription && subscription.endpoint === item.getAttribute("data-endpoint")) await subscription.unsubscribe();
  });
  document.body.addEventListener("htmx:afterSettle", function () { refresh(); });

  refresh().catch(function () { say("failed", "error"); });
})();
