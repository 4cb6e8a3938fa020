/* A table wider than the screen scrolls inside its box (.table-wrap). While it does, the box must be
   reachable with the keyboard (WCAG 2.1.1) and say what it holds: it becomes a focusable region named by
   the table's caption. Boxes that do not scroll stay out of the tab order. The check runs again whenever
   a box or its table changes size (window resized, fonts or images loaded, content swapped by htmx). */
(function () {
  "use strict";
  var captions = 0;

  function update(wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      var caption = wrap.querySelector("caption");
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
