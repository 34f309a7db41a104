/* Carnet's service worker: shows web push notifications and opens their link when touched.
   Served at /sw.js by carnet.notifications.web.push.service_worker, which sets self.CARNET_ICONS
   (the icon URLs) above this code. Each push carries the JSON {title, body, url}. It caches nothing. */
"use strict";

var ICONS = self.CARNET_ICONS || {};

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", function (event) {
  var message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "Carnet", {
      body: message.body || "",
      icon: ICONS.icon,
      badge: ICONS.badge,
      data: { url: message.url || "/" }
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === target && "focus" in windows[i]) return windows[i].focus();
      }
      return self.clients.openWindow(target);
    })
  );
});
