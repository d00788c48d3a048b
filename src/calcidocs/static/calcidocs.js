/* calcidocs: a keyboard scrolls a wide table or code block.
 *
 * A table too wide for the screen scrolls sideways in its box, and a code
 * block in its pre; both are in the tab order. With navigation_with_keys,
 * Sphinx's doctools.js sends the left and right arrow keys to the previous
 * and next page, so a reader who focused such a box to scroll it left the
 * page instead. While the focus is in a box that can scroll sideways, the
 * arrow keys scroll it (the browser's own behaviour) and turn no page.
 */
(function () {
  "use strict";
  var SCROLLERS = ".table-wrapper, .highlight > pre";
  window.addEventListener(
    "keydown",
    function (event) {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      var focus = document.activeElement;
      var box = focus && focus.closest ? focus.closest(SCROLLERS) : null;
      if (box && box.scrollWidth > box.clientWidth) event.stopPropagation();
    },
    true
  );
})();
