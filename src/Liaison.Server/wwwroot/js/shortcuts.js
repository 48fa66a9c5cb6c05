// Keyboard shortcuts and small browser helpers for the owner UI (Blazor JS interop).
(function () {
  "use strict";
  let noteTarget = null;
  let queueTarget = null;
  const queueKeys = new Set(["j", "k", "ArrowDown", "ArrowUp", "Enter", "o", "r", "p", "d", "s", "h"]);

  function isTyping(el) {
    if (!el) return false;
    const tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  // The queue: J/K move, R reply, P write on the preferred channel, O/Enter open, D no answer needed, S snooze, H hand over.
  document.addEventListener("keydown", function (e) {
    if (!queueTarget || e.ctrlKey || e.metaKey || e.altKey || isTyping(document.activeElement)) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (!queueKeys.has(key)) return;
    // Enter on a link or button keeps its own meaning.
    if (key === "Enter" && document.activeElement && /^(A|BUTTON)$/.test(document.activeElement.tagName)) return;
    e.preventDefault();
    queueTarget.invokeMethodAsync("OnQueueKey", key);
  });

  document.addEventListener("keydown", function (e) {
    if (!noteTarget) return;
    const box = document.querySelector("[data-note-box]");
    if (box) {
      if (e.key === "Escape") {
        e.preventDefault();
        noteTarget.invokeMethodAsync("CloseNoteBox");
        return;
      }
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && box.contains(document.activeElement)) {
        e.preventDefault();
        const form = box.querySelector("form");
        if (form) form.requestSubmit();
        return;
      }
    }
    if ((e.key === "n" || e.key === "N") && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(document.activeElement) && !box) {
      e.preventDefault();
      noteTarget.invokeMethodAsync("OpenNoteBox");
    }
  });

  window.liaison = {
    /** The browser's IANA time zone ("Europe/Warsaw") and its current offset in minutes east of UTC. */
    timeZone: function () {
      let zone = "";
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (_) { }
      return { zone: zone, offsetMinutes: -new Date().getTimezoneOffset() };
    },
    registerNoteShortcut: function (dotnetRef) { noteTarget = dotnetRef; },
    unregisterNoteShortcut: function () { noteTarget = null; },
    registerQueueShortcuts: function (dotnetRef) { queueTarget = dotnetRef; },
    unregisterQueueShortcuts: function () { queueTarget = null; },
    focusQueueItem: function (id) {
      const el = document.getElementById(id);
      if (el) { el.focus({ preventScroll: true }); el.scrollIntoView({ block: "nearest" }); }
    },
    copy: async function (text) {
      try { await navigator.clipboard.writeText(text); return true; }
      catch (_) {
        // Clipboard API needs a secure context; fall back to a hidden textarea.
        const area = document.createElement("textarea");
        area.value = text; area.style.position = "fixed"; area.style.opacity = "0";
        document.body.appendChild(area); area.select();
        let ok = false;
        try { ok = document.execCommand("copy"); } catch (_) { }
        area.remove();
        return ok;
      }
    },
    origin: function () { return window.location.origin; },
  };
})();
