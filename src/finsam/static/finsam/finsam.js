/* A table or chart wider than the screen scrolls inside its box (.table-wrap). While it does, the box must
   be reachable with the keyboard (WCAG 2.1.1) and say what it holds: it becomes a focusable region named
   by the table's caption or the chart's title, shows shadows on the edges where more is hidden, and a line
   at its top (the page's data-scroll-hint, written by CSS) says that it scrolls. Boxes that do not scroll stay out of the tab
   order. The check runs again whenever
   a box or its table changes size (window resized, fonts or images loaded, content swapped by htmx). */
(function () {
  "use strict";
  var captions = 0;

  function update(wrap) {
    var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    wrap.classList.toggle("table-wrap--scrolls", scrolls);
    if (scrolls && !wrap.dataset.scrollHint && document.body.dataset.scrollHint) {
      wrap.dataset.scrollHint = document.body.dataset.scrollHint;
    }
    if (scrolls) {
      var caption = wrap.querySelector("caption") || wrap.querySelector("svg > title");
      if (caption) {
        if (!caption.id) {
          captions += 1;
          caption.id = "table-caption-" + captions;
        }
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-labelledby", caption.id);
      }
      wrap.setAttribute("tabindex", "0");
    } else {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-labelledby");
    }
  }

  var observer = "ResizeObserver" in window ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var wrap = entry.target.closest(".table-wrap");
      if (wrap) {
        update(wrap);
      }
    });
  }) : null;

  function watch(root) {
    root.querySelectorAll(".table-wrap").forEach(function (wrap) {
      update(wrap);
      if (observer) {
        observer.observe(wrap);
        if (wrap.firstElementChild) {
          observer.observe(wrap.firstElementChild);
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { watch(document); });
  document.addEventListener("htmx:afterSettle", function (event) { watch(event.target); });
  window.addEventListener("resize", function () { watch(document); });
})();

/* A form whose work takes a few seconds in the request (data-busy="ID") reveals what the live region ID
   holds (an indeterminate progress bar and a sentence) when it is sent, so that the user sees, or hears,
   that it is at work. The buttons stay enabled: a disabled submitter would drop its value from the form. */
document.addEventListener("submit", function (event) {
  "use strict";
  var form = event.target;
  var busy = form.dataset ? form.dataset.busy : null;
  var status = busy ? document.getElementById(busy) : null;
  if (status) {
    status.querySelectorAll("[hidden]").forEach(function (element) { element.hidden = false; });
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
  }
});
