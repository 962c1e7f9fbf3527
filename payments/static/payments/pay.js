/* The payment pages' only script (no inline scripts: the pages' Content-Security-Policy).
   - a form marked data-autopost (hand-over to the card gateway, back to the receipt page) is
     posted at once; without JavaScript its button does it;
   - while a mobile money prompt waits (#waiting), the order's status is polled and the page
     reloads when the payment ends, showing the outcome the server renders. */
(function () {
  "use strict";

  var autopost = document.querySelector("form[data-autopost]");
  if (autopost) {
    // Not when the buyer came back to this page (Back, reload): they would be sent forward again.
    var navigation = window.performance && performance.getEntriesByType
      ? performance.getEntriesByType("navigation")[0] : null;
    if (!navigation || navigation.type === "navigate") {
      autopost.submit();
    }
    return;
  }

  var waiting = document.getElementById("waiting");
  if (!waiting || !window.fetch) {
    return;
  }
  var statusUrl = waiting.getAttribute("data-status-url");
  var attemptId = waiting.getAttribute("data-attempt");
  var note = document.getElementById("waiting-note");
  var intervalMs = 3000;
  var giveUpAt = Date.now() + 10 * 60 * 1000;

  function ended(data) {
    if (data.state !== "open") {
      return true;
    }
    for (var i = 0; i < data.payments.length; i += 1) {
      if (data.payments[i].id === attemptId) {
        return data.payments[i].status !== "STARTING" && data.payments[i].status !== "PENDING";
      }
    }
    return false;
  }

  function schedule() {
    if (Date.now() < giveUpAt) {
      window.setTimeout(poll, intervalMs);
    } else if (note) {
      note.textContent = "Still waiting for the payment: reload this page to check again.";
    }
  }

  function poll() {
    window.fetch(statusUrl, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (ended(data)) {
          window.location.reload();
        } else {
          schedule();
        }
      })
      .catch(schedule);
  }

  schedule();
}());
