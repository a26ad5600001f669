// The nomination edit page (issue 15.2): never lose what was typed when the session ends.
//
// An htmx request without a session answers 401 (core.middleware.htmx_unauthenticated);
// htmx swaps nothing, so the page keeps its inputs. This script then says so in the
// status line, shows the sign-in link (a new tab), and retries the refused request when
// the clerk comes back to this tab, clicks the retry button, or every 15 seconds. The
// login rotates the CSRF token, so the retry first copies the new one from the cookie.
// Evidence uploads run in the background (hx-post, multipart); their progress is drawn
// from htmx:xhr:progress. Every text shown comes from the template (gettext).
(function () {
  "use strict";

  var form = document.getElementById("nomination-form");
  var expired = document.getElementById("session-expired");
  var status = document.getElementById("autosave-status");
  if (!form || !expired || !status) {
    return;
  }
  var loginLink = document.getElementById("session-login-link");
  var retryButton = document.getElementById("session-retry");
  var refused = null;
  var timer = null;

  function csrfCookie() {
    var name = form.getAttribute("data-csrf-cookie") + "=";
    var parts = document.cookie.split(";");
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].trim();
      if (part.indexOf(name) === 0) {
        return decodeURIComponent(part.substring(name.length));
      }
    }
    return "";
  }

  function refreshCsrf() {
    var token = csrfCookie();
    if (!token) {
      return;
    }
    document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
      input.value = token;
    });
  }

  function retry() {
    if (!refused) {
      return;
    }
    var elt = refused;
    refused = null;
    refreshCsrf();
    htmx.trigger(elt, elt === form ? "change" : "submit");
  }

  function showExpired(elt, xhr) {
    var answer = {};
    try {
      answer = JSON.parse(xhr.responseText);
    } catch (e) {
      answer = {};
    }
    refused = elt;
    if (answer.login_url && loginLink) {
      loginLink.href = answer.login_url;
    }
    if (answer.detail) {
      var line = document.createElement("span");
      line.className = "unsaved";
      line.textContent = answer.detail;
      status.replaceChildren(line);
    }
    expired.hidden = false;
    if (timer === null) {
      timer = window.setInterval(retry, 15000);
    }
  }

  function hideExpired() {
    expired.hidden = true;
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  }

  document.body.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr.status === 401) {
      showExpired(event.detail.elt, event.detail.xhr);
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && !refused) {
      hideExpired();
    }
  });

  document.body.addEventListener("htmx:xhr:progress", function (event) {
    var elt = event.detail.elt || event.target;
    var bar = elt && elt.querySelector ? elt.querySelector(".upload-progress") : null;
    if (bar && event.detail.lengthComputable && event.detail.total > 0) {
      bar.hidden = false;
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });

  if (retryButton) {
    retryButton.addEventListener("click", retry);
  }
  window.addEventListener("focus", retry);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      retry();
    }
  });
})();
