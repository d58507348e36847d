import Foundation

/// The script the preview server adds to every HTML page it serves.
///
/// The page on disk never has it: a report stays a self-contained page with
/// no script. Served, the page listens to `/_labrun/events`:
/// - `running` and `progress` show a small fixed banner with the run's
///   progress;
/// - `reload` for this page (or any page, on the index) saves `scrollY` in
///   sessionStorage and reloads; after the reload the position is restored.
public enum LiveReloadScript {
  /// The path of the server-sent events stream.
  public static let eventsPath = "/_labrun/events"

  /// `html` with the script inserted before its last `</body>` (or at the
  /// end when there is none).
  public static func inject(into html: String) -> String {
    let tag = "<script>\n" + source + "</script>\n"
    guard let range = html.range(of: "</body>", options: [.backwards, .caseInsensitive])
    else { return html + tag }
    return html.replacingCharacters(in: range.lowerBound..<range.lowerBound, with: tag)
  }

  /// The script's text (no `</script>` inside).
  public static let source = """
    // labrun live preview (added by the server, not in the file on disk)
    (function () {
      var here = decodeURIComponent(location.pathname.split('/').pop() || '');
      var key = 'labrun-scroll:' + location.pathname;
      var saved = sessionStorage.getItem(key);
      if (saved !== null) {
        sessionStorage.removeItem(key);
        var y = Number(saved);
        if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
        window.scrollTo(0, y);
        window.addEventListener('load', function () { window.scrollTo(0, y); });
      }
      var banner = document.createElement('div');
      banner.id = 'labrun-live';
      banner.setAttribute('role', 'status');
      banner.style.cssText = 'position:fixed;right:12px;bottom:12px;' +
        'z-index:2147483647;padding:6px 10px;border-radius:6px;' +
        'font:13px/1.3 system-ui,sans-serif;background:#222;color:#fff;' +
        'opacity:.9;box-shadow:0 1px 4px rgba(0,0,0,.3);display:none';
      document.body.appendChild(banner);
      function mine(d) { return !here || here === 'index.html' || d.page === here; }
      function show(text) { banner.textContent = text; banner.style.display = 'block'; }
      var events = new EventSource('\(eventsPath)');
      events.addEventListener('running', function (e) {
        var d = JSON.parse(e.data);
        if (mine(d)) show('Running ' + d.notebook + '…');
      });
      events.addEventListener('progress', function (e) {
        var d = JSON.parse(e.data);
        if (mine(d)) show(d.notebook + ': ' + d.label + ' ' +
          Math.round(d.fraction * 100) + '%');
      });
      events.addEventListener('abandoned', function (e) {
        if (mine(JSON.parse(e.data))) banner.style.display = 'none';
      });
      events.addEventListener('reload', function (e) {
        if (!mine(JSON.parse(e.data))) return;
        sessionStorage.setItem(key, String(window.scrollY));
        location.reload();
      });
    })();

    """
}
