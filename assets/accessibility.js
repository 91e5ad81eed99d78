/* Screen-reader fixes for Dash's own components, applied as they are drawn (their inner
   elements take no attributes from the layout).
   Dropdowns (dcc.Dropdown):
   - Dash puts a hidden input before each dropdown to take Tab focus and hand it to the dropdown's
     button (Safari skips buttons when tabbing). The input is focusable yet aria-hidden, so a
     screen reader would land on nothing: it is un-hidden and named by the field's label.
   - The dropdown's button is named only by its value; the field's label is put first, so it is
     read as "Agency, Adopt London South" rather than the value alone.
   - The clear cross is an <a> without href inside the button: not focusable (Backspace and
     Delete clear the choice), so it is hidden from screen readers instead of a stray label.
   File uploads (dcc.Upload): the file input is see-through over its drop zone and has no name,
   so it is named by the drop zone's words ("Drag and drop the file here, or choose a file"). */
(function () {
  "use strict";

  function labelFor(button) {
    if (!button.id) return null;
    var label = document.querySelector('label[for="' + CSS.escape(button.id) + '"]');
    if (label && !label.id) label.id = button.id + "--label";
    return label;
  }

  function fix(wrapper) {
    var button = wrapper.querySelector("button.dash-dropdown");
    var label = button && labelFor(button);
    var proxy = wrapper.querySelector(".dash-dropdown-focus-target");
    if (proxy && proxy.hasAttribute("aria-hidden")) {
      proxy.removeAttribute("aria-hidden");
      if (label) proxy.setAttribute("aria-labelledby", label.id);
    }
    if (button && label) {
      var names = (button.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      if (names[0] !== label.id) button.setAttribute("aria-labelledby", [label.id].concat(names).join(" "));
    }
    wrapper.querySelectorAll(".dash-dropdown-clear[aria-label]").forEach(function (cross) {
      cross.removeAttribute("aria-label");
      cross.setAttribute("aria-hidden", "true");
    });
  }

  function nameUpload(input) {
    var zone = input.parentElement;
    var words = zone ? zone.textContent.replace(/\s+/g, " ").trim() : "";
    if (words && !input.hasAttribute("aria-label")) input.setAttribute("aria-label", words);
  }

  function fixAll() {
    document.querySelectorAll(".dash-dropdown-wrapper").forEach(fix);
    document.querySelectorAll('input[type="file"]:not([aria-label])').forEach(nameUpload);
  }

  new MutationObserver(fixAll).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["aria-labelledby", "aria-hidden"],
  });
  fixAll();
})();
