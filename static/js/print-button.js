// Show the page's "Print" buttons and make them print; without JavaScript they stay hidden
// and the page's instruction (the browser's Print command) still works.
document.querySelectorAll("button[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
