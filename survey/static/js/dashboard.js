// Refresh the response-rate table (every 30 seconds by default) without reloading the page.
// Without JavaScript the page works the same; the Refresh link reloads it.
(function () {
  "use strict";
  var table = document.getElementById("dashboard");
  var status = document.getElementById("dashboard-status");
  if (!table || !status || !window.fetch) {
    return;
  }
  var REFRESH_MS = Number(table.dataset.interval) || 30000;
  var GROUPS = ["child", "staff"];
  var FIELDS = ["invited", "started", "completed"];

  function update(data) {
    var changed = false;
    data.sites.forEach(function (site) {
      var row = table.querySelector('tr[data-site="' + site.site_id + '"]');
      if (!row) {
        return;
      }
      GROUPS.forEach(function (group) {
        FIELDS.forEach(function (field) {
          var cell = row.querySelector('[data-field="' + group + "." + field + '"]');
          var value = String(site[group][field]);
          if (cell && cell.textContent !== value) {
            cell.textContent = value;
            changed = true;
          }
        });
      });
    });
    if (changed) {
      var time = new Date().toLocaleTimeString(document.documentElement.lang, {hour: "2-digit", minute: "2-digit"});
      status.textContent = status.dataset.updated.replace("{time}", time);
    }
  }

  function refresh() {
    fetch(table.dataset.source, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(update)
      .catch(function () {
        status.textContent = status.dataset.failed;
      });
  }

  window.setInterval(refresh, REFRESH_MS);
})();
