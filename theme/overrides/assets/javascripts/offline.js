/* The handbook opened from disk (file://): make links and search work without a server.
   Loaded before Material's bundle; does nothing on a published (http/https) site.
   - Links: published pages live at folder URLs (programs/x/); on disk a folder URL shows a file
     listing, so links to a folder go to its index.html instead (also search results, made later).
   - Search: browsers refuse `new Worker` on file:// pages, so the search worker runs in a hidden
     frame instead (the theme then loads its index as a script rather than fetching JSON:
     search/search_index.js for Material, search.js for Zensical; both written by the build). */
/* Search sized for the reader (published site): instead of the index of the whole library, the
   theme's search gets search/site.json (hand-written pages and one entry per programme) plus, on
   a programme's pages (<meta name="handbook:search-scope">), search/programs/<id>.json. The
   theme asks for search/search_index.json with an XMLHttpRequest; that one request is answered
   with the two files merged. Anything unexpected falls back to the whole index. */
(function () {
  "use strict";
  if (location.protocol === "file:" || !window.XMLHttpRequest || !window.fetch) return;
  var INDEX = /search\/search_index\.json$/;
  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;

  function scopedIndex(url) {
    var meta = document.querySelector('meta[name="handbook:search-scope"]');
    var scope = meta && /^[a-z0-9-]+$/.test(meta.content) ? meta.content : "";
    var urls = [url.replace(INDEX, "search/site.json")];
    if (scope) urls.push(url.replace(INDEX, "search/programs/" + scope + ".json"));
    return Promise.all(urls.map(function (u) {
      return fetch(u, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(u + ": " + r.status);
        return r.json();
      });
    })).then(function (parts) {
      var merged = { config: parts[0].config, docs: [] };
      parts.forEach(function (part) { merged.docs = merged.docs.concat(part.docs || []); });
      return JSON.stringify(merged);
    });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    this._hbIndex = method === "GET" && INDEX.test(String(url)) ? String(url) : null;
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (!request._hbIndex) return send.apply(request, args);
    scopedIndex(request._hbIndex).then(function (text) {
      Object.defineProperty(request, "status", { value: 200 });
      Object.defineProperty(request, "response", { value: new Blob([text], { type: "application/json" }) });
      request.dispatchEvent(new Event("load"));
    }, function () {
      send.apply(request, args);  // the whole index, as the theme asked
    });
  };
})();

(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  function onDisk(href) {
    var url = new URL(href, location.href);
    if (url.protocol !== "file:" || !/\/$/.test(url.pathname)) return null;
    url.pathname += "index.html";
    return url.href;
  }

  function fixLinks(root) {
    var links = (root || document).querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var target = onDisk(links[i].getAttribute("href"));
      if (target) links[i].setAttribute("href", target);
    }
  }

  /* the link clicked, also inside a shadow root (Zensical's search dialog keeps its results there) */
  function linkOf(event) {
    var path = event.composedPath ? event.composedPath() : [event.target];
    for (var i = 0; i < path.length; i++) {
      if (path[i].tagName === "A" && path[i].hasAttribute("href")) return path[i];
    }
    return null;
  }

  document.addEventListener("click", function (event) {
    var link = linkOf(event);
    if (!link || event.defaultPrevented || link.target === "_blank") return;
    var target = onDisk(link.href);
    if (target) {
      event.preventDefault();
      event.stopPropagation();  // a theme's own handler (Zensical's search results) would go to the folder
      location.href = target;
    }
  }, true);
  document.addEventListener("DOMContentLoaded", function () { fixLinks(document); });

  /* A stand-in for Worker on file:// pages: the worker's script runs in a hidden frame of this
     page; messages go both ways as with a real worker. Material's search worker knows this
     arrangement (it looks for `IFrameWorker` on its parent); Zensical's only uses `self.onmessage`
     and `self.postMessage`, which the frame provides. */
  function IFrameWorker(url) {
    var worker = this, started = false, queue = [];
    var frame = document.createElement("iframe");
    frame.hidden = true;
    frame.tabIndex = -1;
    frame.setAttribute("aria-hidden", "true");
    frame.title = "search";
    (document.body || document.documentElement).appendChild(frame);
    var inner = frame.contentWindow, doc = inner.document;
    this._listeners = { message: [], error: [] };
    this._frame = frame;

    function load(src) {
      return new Promise(function (resolve, reject) {
        var script = doc.createElement("script");
        script.src = new URL(src, location.href).href;
        script.onload = resolve;
        script.onerror = function () { reject(new Error("cannot load " + src)); };
        (doc.head || doc.documentElement).appendChild(script);
      });
    }
    inner.importScripts = function () {
      var sources = Array.prototype.slice.call(arguments);
      return sources.reduce(function (done, src) { return done.then(function () { return load(src); }); },
                            Promise.resolve());
    };
    /* a copy of each message, as a real worker gets (Zensical's worker changes what it is sent) */
    function copy(data) { return typeof structuredClone === "function" ? structuredClone(data) : data; }
    inner.postMessage = function (data) {
      data = copy(data);
      setTimeout(function () { worker._emit("message", { data: data }); }, 0);
    };
    function deliver(data) { inner.dispatchEvent(new inner.MessageEvent("message", { data: copy(data) })); }
    this.postMessage = function (data) { if (started) deliver(data); else queue.push(data); };
    load(url).then(function () {
      started = true;
      queue.splice(0).forEach(deliver);
    }, function (error) { worker._emit("error", { message: String(error), error: error }); });
  }
  IFrameWorker.prototype._emit = function (type, event) {
    var handler = this["on" + type];
    if (typeof handler === "function") handler.call(this, event);
    this._listeners[type].slice().forEach(function (listener) { listener.call(this, event); }, this);
  };
  IFrameWorker.prototype.addEventListener = function (type, listener) {
    if (this._listeners[type]) this._listeners[type].push(listener);
  };
  IFrameWorker.prototype.removeEventListener = function (type, listener) {
    var list = this._listeners[type] || [], at = list.indexOf(listener);
    if (at >= 0) list.splice(at, 1);
  };
  IFrameWorker.prototype.terminate = function () { this._frame.remove(); };

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
