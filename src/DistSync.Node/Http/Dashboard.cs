namespace DistSync.Node.Http;

/// <summary>The dashboard page served at <c>/</c>: polls <c>/status</c> and shows the members, their phi and their Raft part.</summary>
public static class Dashboard
{
    public const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>DistSync</title>
        <style>
          body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
          table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}
          .up{color:#187a3a}.unreachable{color:#b3261e}.joining{color:#8a6d00}
        </style></head>
        <body>
        <h1>DistSync node <span id="node">…</span></h1>
        <p id="summary">loading /status …</p>
        <table><thead><tr><th>node</th><th>address</th><th>status</th><th>phi</th><th>raft</th></tr></thead><tbody id="members"></tbody></table>
        <p><a href="/metrics">/metrics</a> · <a href="/status">/status</a> · <a href="/raft/status">/raft/status</a> · <a href="/health">/health</a></p>
        <script>
        async function refresh() {
          try {
            const s = await (await fetch('/status')).json();
            document.getElementById('node').textContent = s.nodeId;
            document.getElementById('summary').textContent =
              `role ${s.role} · term ${s.term} · leader ${s.leader ?? 'none'} · commit ${s.commitIndex} · applied ${s.lastApplied}`;
            const rows = s.members.map(m => {
              const tr = document.createElement('tr');
              for (const v of [m.nodeId ?? '?', m.address, m.status, m.phi.toFixed(2), m.raft ?? '']) {
                const td = document.createElement('td'); td.textContent = v; tr.appendChild(td);
              }
              tr.children[2].className = m.status;
              return tr;
            });
            document.getElementById('members').replaceChildren(...rows);
          } catch (e) {
            document.getElementById('summary').textContent = 'cannot read /status: ' + e;
          }
        }
        refresh(); setInterval(refresh, 1000);
        </script>
        </body></html>
        """;
}
