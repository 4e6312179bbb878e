/* "Leave this site quickly": replace this page with a neutral one, so Back does not return here.
   Without JavaScript the button is a plain link; with it, the page goes with location.replace,
   and the Esc key does the same from anywhere on the page. Nothing is fetched from the neutral
   site before the button or the key is used. */
(function () {
  "use strict";
  const button = document.querySelector("a.quick-exit");
  if (!button) return;
  const leave = (event) => {
    if (event) event.preventDefault();
    document.body.hidden = true; // nothing of this page stays on screen while the other loads
    window.location.replace(button.href);
  };
  button.addEventListener("click", leave);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented) leave(event);
  });
})();
