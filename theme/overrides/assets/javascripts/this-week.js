/* "This week": marks every dated meeting (<time class="hb-day" datetime="YYYY-MM-DD">) that falls in
   the current week, Monday to Sunday, by the reader's own clock. No network. A hidden line
   (class hb-week) around such a date is shown instead of marked. */
(function () {
  "use strict";
  function iso(day) {
    return day.getFullYear() + "-" + String(day.getMonth() + 1).padStart(2, "0") + "-" + String(day.getDate()).padStart(2, "0");
  }
  function mark() {
    var today = new Date();
    var monday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (today.getDay() + 6) % 7);
    var sunday = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 6);
    var from = iso(monday), to = iso(sunday);
    var dates = document.querySelectorAll("time.hb-day[datetime]");
    for (var i = 0; i < dates.length; i++) {
      var date = dates[i], day = date.getAttribute("datetime").slice(0, 10);
      if (day < from || day > to) continue;
      var line = date.closest(".hb-week");
      if (line) {
        line.hidden = false;
        continue;
      }
      var holder = date.closest("tr, li, p") || date;
      holder.classList.add("hb-now");
      if (!date.nextElementSibling || !date.nextElementSibling.classList.contains("hb-now-badge")) {
        var badge = document.createElement("strong");
        badge.className = "hb-now-badge";
        badge.textContent = date.getAttribute("data-hb-now");
        date.insertAdjacentElement("afterend", badge);
      }
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
})();
