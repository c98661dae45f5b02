// The popup of a finding's marker, shared by the findings written into a map
// (geo_app/maps/markers.py) and those loaded by view (static/viewport_layers.js).
// Built with textContent: no text of a finding is ever parsed as HTML. Embedded in the
// map's header, so a saved map builds its popups too.
(function () {
  "use strict";
  if (typeof L === "undefined" || L.limitesFindingPopup) { return; }

  function line(body, label, value) {
    if (!value) { return; }
    var row = document.createElement("div");
    var name = document.createElement("span");
    name.className = "limites-popup-label";
    name.textContent = label + ":";
    row.appendChild(name);
    row.appendChild(document.createTextNode(" " + value));
    body.appendChild(row);
  }

  // A link the app made: a path on this site or an http(s) address, nothing else.
  function safeUrl(url) {
    if (typeof url !== "string" || /[\x00-\x20\x7f\\]/.test(url)) { return null; }
    if (/^\/(?!\/)/.test(url) || /^https?:\/\//i.test(url)) { return url; }
    return null;
  }

  /* finding: {title, description, group, url, photo}; labels: {description, group, link,
   * photo}, the popup's Spanish words. */
  L.limitesFindingPopup = function (finding, labels) {
    var body = document.createElement("div");
    body.className = "limites-popup-body";
    var title = document.createElement("strong");
    title.className = "limites-popup-title";
    title.textContent = finding.title;
    body.appendChild(title);
    line(body, labels.description, finding.description);
    line(body, labels.group, finding.group);
    var url = safeUrl(finding.url);
    if (url) {
      var link = document.createElement("div");
      link.className = "limites-popup-link";
      var a = document.createElement("a");
      a.href = url;
      a.target = "_top";
      a.textContent = labels.link;
      link.appendChild(a);
      body.appendChild(link);
    }
    var photo = finding.photo && /^\/(?!\/)/.test(finding.photo) ? safeUrl(finding.photo) : null;
    if (photo) {
      var img = document.createElement("img");
      img.className = "limites-popup-photo";
      img.src = photo;
      img.alt = labels.photo;
      img.width = 240;
      img.loading = "lazy";
      body.appendChild(img);
    }
    return body;
  };
  L.limitesSafeUrl = safeUrl;
}());
