// jpod dashboard: small enhancements over server-rendered pages. Every page works without this
// script; with it, pages follow the engine's events, confirm destructive buttons, stream logs
// and show upload, pull and push progress and the live log of builds.
(function () {
  'use strict';

  // ---- confirmations: forms marked data-confirm ask first, in a native, keyboard-friendly dialog
  function confirmFirst(form, event) {
    var dialog = document.getElementById('confirm-dialog');
    if (!dialog || typeof dialog.showModal !== 'function' || form.dataset.confirmed === 'yes') {
      return;
    }
    event.preventDefault();
    document.getElementById('confirm-text').textContent = form.dataset.confirm;
    dialog.returnValue = '';
    dialog.showModal();
    dialog.querySelector('#confirm-ok').focus();
    dialog.addEventListener('close', function onClose() {
      dialog.removeEventListener('close', onClose);
      if (dialog.returnValue === 'ok') {
        form.dataset.confirmed = 'yes';
        form.submit();
      }
    });
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm) {
      confirmFirst(form, e);
    }
  });

  // ---- table filters: an input with data-filter-table hides rows that do not match as you type
  function applyFilters() {
    document.querySelectorAll('input[data-filter-table]').forEach(function (input) {
      var table = document.getElementById(input.dataset.filterTable);
      if (!table) { return; }
      var term = input.value.trim().toLowerCase();
      table.querySelectorAll('tbody tr').forEach(function (row) {
        row.hidden = term !== '' && row.textContent.toLowerCase().indexOf(term) < 0;
      });
    });
  }
  document.addEventListener('input', function (e) {
    if (e.target.matches && e.target.matches('input[data-filter-table]')) { applyFilters(); }
  });

  // ---- live regions: [data-live] parts of the page are fetched again when the engine changes
  var liveState = document.getElementById('live-state');
  function say(text) { if (liveState) { liveState.textContent = text; } }

  var refreshing = false, again = false, timer = null;
  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(window.location.href, { headers: { 'X-Requested-With': 'jpod-live' }, cache: 'no-store' })
      .then(function (res) {
        return res.text().then(function (html) { return { status: res.status, html: html }; });
      })
      .then(function (r) {
        if (r.status === 404) {
          say('This object no longer exists.');
          return;
        }
        var doc = new DOMParser().parseFromString(r.html, 'text/html');
        document.querySelectorAll('[data-live][id]').forEach(function (region) {
          var fresh = doc.getElementById(region.id);
          // a region the user is working in is left alone until the next change
          if (fresh && !region.contains(document.activeElement)) {
            region.innerHTML = fresh.innerHTML;
          }
        });
        applyFilters();
        applyUsage();
      })
      .catch(function () { say('Could not reach jpod.'); })
      .then(function () {
        refreshing = false;
        if (again) { again = false; refresh(); }
      });
  }
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  }

  // A browser allows only a few connections to one host: streams are closed when the page is left
  // (also into the back/forward cache) and opened again if it comes back.
  var streams = [];
  function closeStreams() { streams.forEach(function (s) { s.close(); }); streams = []; }
  window.addEventListener('pagehide', closeStreams);

  function followEngine() {
    var events = new EventSource('/ui/events');
    streams.push(events);
    events.addEventListener('ready', function () { say('Live'); document.body.dataset.live = 'ready'; });
    events.addEventListener('engine', soon);
    events.onerror = function () { say('Reconnecting…'); };
  }
  if (document.querySelector('[data-live]') && window.EventSource) {
    followEngine();
    window.addEventListener('pageshow', function (e) { if (e.persisted) { followEngine(); refresh(); } });
    // uptimes ("Up 5 seconds") age without events
    setInterval(function () { if (!document.hidden) { refresh(); } }, 10000);
  }

  // ---- logs: streamed as server-sent events; Follow keeps the stream open while the container runs
  var logs = document.getElementById('logs');
  if (logs && logs.dataset.src && window.EventSource) {
    var follow = document.getElementById('follow');
    var source = null;
    var open = function () {
      if (source) { source.close(); }
      logs.textContent = '';
      source = new EventSource(logs.dataset.src + '?tail=500&follow=' + (follow && follow.checked));
      streams.push(source);
      source.addEventListener('line', function (e) {
        var line = JSON.parse(e.data);
        var span = document.createElement('span');
        if (line.stream === 'stderr') { span.className = 'stderr'; }
        span.textContent = line.text + '\n';
        var atEnd = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
        logs.appendChild(span);
        if (atEnd) { logs.scrollTop = logs.scrollHeight; }
      });
      source.addEventListener('end', function () {
        source.close();
        logs.dataset.ended = 'yes';
      });
      source.onerror = function () { source.close(); };
    };
    if (follow) {
      follow.addEventListener('change', function () {
        if (follow.checked) { open(); } else if (source) { source.close(); }
      });
    }
    open();
    window.addEventListener('pageshow', function (e) { if (e.persisted && follow && follow.checked) { open(); } });
  }

  // ---- uploads: sent by XHR to show progress, then the list refreshes
  document.querySelectorAll('form[data-upload]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var bar = form.querySelector('progress');
      var status = form.querySelector('[role=status]');
      var button = form.querySelector('button[type=submit]');
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('X-Requested-With', 'jpod-upload');
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) {
          bar.hidden = false;
          bar.value = Math.round(ev.loaded * 100 / ev.total);
          status.textContent = 'Uploading… ' + bar.value + '%';
        }
      };
      xhr.upload.onload = function () { status.textContent = 'Uploaded; storing the image…'; };
      xhr.onload = function () {
        button.disabled = false;
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (ignored) { body = { message: xhr.statusText }; }
        if (xhr.status >= 200 && xhr.status < 300) {
          status.textContent = body.notice;
          status.className = 'notice';
          form.reset();
          bar.hidden = true;
          refresh();
        } else {
          status.textContent = body.message || ('upload failed (' + xhr.status + ')');
          status.className = 'error';
        }
      };
      xhr.onerror = function () {
        button.disabled = false;
        status.textContent = 'The upload failed: jpod could not be reached.';
        status.className = 'error';
      };
      button.disabled = true;
      status.className = '';
      status.textContent = 'Uploading…';
      xhr.send(new FormData(form));
    });
  });

  // ---- pulls and pushes: the form starts a job in the daemon and its progress streams into the
  // form's panel, one row per layer; Cancel stops it. The password field is emptied as it is sent.

  function layerRow(body, l) {
    var row = Array.prototype.find.call(body.rows, function (r) { return r.dataset.layer === l.id; });
    if (!row) {
      row = body.insertRow();
      row.dataset.layer = l.id;
      var code = document.createElement('code');
      code.textContent = l.id;
      row.insertCell().appendChild(code);
      row.insertCell().className = 'layer-status';
      var bar = document.createElement('progress');
      bar.max = 100;
      bar.setAttribute('aria-label', 'Layer ' + l.id);
      row.insertCell().appendChild(bar);
      row.insertCell().className = 'layer-bytes';
    }
    return row;
  }

  function part(panel, css, text) {
    var el = panel.querySelector(css);
    el.hidden = !text;
    return el;
  }

  function renderTransfer(panel, s) {
    panel.hidden = false;
    panel.dataset.state = s.state;
    panel.querySelector('.transfer-state').textContent = s.label || '';
    var body = panel.querySelector('tbody');
    s.layers.forEach(function (l) {
      var row = layerRow(body, l);
      row.cells[1].textContent = l.status;
      var bar = row.querySelector('progress');
      if (l.percent < 0) { bar.removeAttribute('value'); } else { bar.value = l.percent; }
      row.cells[3].textContent = l.bytes;
    });
    var list = panel.querySelector('.transfer-messages');
    list.textContent = '';
    s.messages.forEach(function (m) {
      var li = document.createElement('li');
      li.textContent = m;
      list.appendChild(li);
    });
    part(panel, '.transfer-result', s.notice).textContent = s.notice || '';
    part(panel, '.transfer-error', s.error).textContent = s.error || '';
    part(panel, '.transfer-digest-line', s.digest);
    panel.querySelector('.transfer-digest').textContent = s.digest || '';
    var link = part(panel, '.transfer-link', s.kind === 'pull' && s.shortId);
    if (s.shortId) { link.querySelector('a').href = '/ui/images?highlight=' + encodeURIComponent(s.shortId); }
    var cancel = panel.querySelector('.transfer-cancel');
    if (s.id) { cancel.action = '/ui/transfers/' + s.id + '/cancel'; }
    cancel.hidden = s.done || !s.id;
  }

  function transferEnded(panel, s) {
    var form = document.querySelector('form[data-transfer="' + panel.id + '"]');
    if (form) { form.querySelector('button[type=submit]').disabled = false; }
    if (s && s.state === 'SUCCEEDED' && s.kind === 'pull' && document.getElementById('images')) {
      // the list comes back with the pulled image marked, and stays so as it refreshes
      history.replaceState(null, '', '/ui/images?highlight=' + encodeURIComponent(s.shortId));
    }
    if (s && s.state === 'SUCCEEDED') {
      refresh();
      if (s.kind === 'pull') { showHighlighted(20); }
    }
  }

  // the refreshed list arrives a moment later: bring the marked row into view once it is there
  function showHighlighted(tries) {
    var row = document.querySelector('#images tr.highlight');
    if (row) {
      row.scrollIntoView({ block: 'center' });
    } else if (tries > 0) {
      setTimeout(function () { showHighlighted(tries - 1); }, 250);
    }
  }

  function followTransfer(panel, src) {
    var last = null;
    var source = new EventSource(src);
    streams.push(source);
    source.addEventListener('state', function (e) {
      last = JSON.parse(e.data);
      renderTransfer(panel, last);
    });
    source.addEventListener('end', function () {
      source.close();
      transferEnded(panel, last);
    });
    source.onerror = function () {
      source.close();
      if (!last || !last.done) {
        part(panel, '.transfer-error', 'x').textContent = 'Lost the progress stream: jpod could not be reached.';
        transferEnded(panel, last);
      }
    };
  }

  document.querySelectorAll('form[data-transfer]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var panel = document.getElementById(form.dataset.transfer);
      var button = form.querySelector('button[type=submit]');
      var body = new URLSearchParams(new FormData(form));
      var password = form.querySelector('input[type=password]');
      if (password) { password.value = ''; }
      panel.querySelector('tbody').textContent = '';
      renderTransfer(panel, { id: '', kind: '', state: 'QUEUED', label: 'Starting…', done: false, layers: [],
        messages: [] });
      button.disabled = true;
      fetch(form.action, { method: 'POST', body: body, cache: 'no-store',
        headers: { 'X-Requested-With': 'jpod-transfer' } })
        .then(function (res) {
          return res.json().catch(function () { return { message: res.statusText }; })
            .then(function (json) { return { ok: res.ok, status: res.status, body: json }; });
        })
        .then(function (r) {
          if (!r.ok) {
            renderTransfer(panel, { id: '', kind: '', state: 'FAILED', label: 'Failed', done: true, layers: [],
              messages: [], error: r.body.message || ('failed (' + r.status + ')') });
            button.disabled = false;
            return;
          }
          var cancel = panel.querySelector('.transfer-cancel');
          cancel.action = r.body.cancel;
          cancel.hidden = false;
          followTransfer(panel, r.body.events);
        })
        .catch(function () {
          renderTransfer(panel, { id: '', kind: '', state: 'FAILED', label: 'Failed', done: true, layers: [],
            messages: [], error: 'jpod could not be reached.' });
          button.disabled = false;
        });
    });
  });

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.matches || !form.matches('form.transfer-cancel, form.build-cancel')) { return; }
    e.preventDefault();
    form.querySelector('button').disabled = true;
    fetch(form.action, { method: 'POST', headers: { 'X-Requested-With': 'jpod-transfer' } })
      .catch(function () { /* the stream says how it ends */ })
      .then(function () { form.querySelector('button').disabled = false; });
  });

  // a job's own page follows it too
  document.querySelectorAll('[data-transfer-panel][data-transfer-src]').forEach(function (panel) {
    followTransfer(panel, panel.dataset.transferSrc);
  });

  // ---- builds: the form's files go up with a progress bar, the build runs as a job in the daemon
  // and its log streams into the panel under the form, kept scrolled to its end; Cancel stops it.

  function renderBuild(panel, s) {
    panel.hidden = false;
    panel.dataset.state = s.state;
    panel.querySelector('.transfer-state').textContent = s.label || '';
    var log = panel.querySelector('.build-log');
    if (s.lines && s.lines.length) {
      var atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      if (s.from > 0 && !log.textContent) {
        log.appendChild(document.createTextNode('… (' + s.from + ' earlier lines are not kept)\n'));
      }
      log.appendChild(document.createTextNode(s.lines.join('\n') + '\n'));
      if (atEnd) { log.scrollTop = log.scrollHeight; }
    }
    part(panel, '.build-result', s.notice).textContent = s.notice || '';
    var image = part(panel, '.build-image-line', s.imageId);
    if (s.imageId) {
      image.querySelector('a').href = '/ui/images/' + encodeURIComponent(s.imageId);
      image.querySelector('code').textContent = s.shortId;
    }
    part(panel, '.build-error', s.error).textContent = s.error || '';
    var exit = part(panel, '.build-exit-line', s.exitCode !== null && s.exitCode !== undefined);
    exit.querySelector('code').textContent = s.exitCode === null || s.exitCode === undefined ? '' : s.exitCode;
    var cancel = panel.querySelector('.build-cancel');
    if (s.id) { cancel.action = '/ui/builds/' + s.id + '/cancel'; }
    cancel.hidden = s.done || !s.id;
  }

  function buildEnded(panel, s) {
    var form = document.querySelector('form[data-build="' + panel.id + '"]');
    if (form) { form.querySelector('button[type=submit]').disabled = false; }
    if (s && s.state === 'SUCCEEDED') { refresh(); }
  }

  function followBuild(panel, src) {
    var last = null;
    panel.querySelector('.build-log').textContent = ''; // the stream sends the whole log kept so far first
    var source = new EventSource(src);
    streams.push(source);
    source.addEventListener('state', function (e) {
      last = JSON.parse(e.data);
      renderBuild(panel, last);
    });
    source.addEventListener('end', function () {
      source.close();
      buildEnded(panel, last);
    });
    source.onerror = function () {
      source.close();
      if (!last || !last.done) {
        part(panel, '.build-error', 'x').textContent = 'Lost the build log stream: jpod could not be reached.';
        buildEnded(panel, last);
      }
    };
  }

  function buildRefused(panel, message) {
    renderBuild(panel, { id: '', state: 'FAILED', label: 'Failed', done: true, lines: [], error: message });
  }

  document.querySelectorAll('form[data-build]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var panel = document.getElementById(form.dataset.build);
      var button = form.querySelector('button[type=submit]');
      var bar = form.querySelector('progress');
      panel.querySelector('.build-log').textContent = '';
      renderBuild(panel, { id: '', state: 'QUEUED', label: 'Sending the build context…', done: false, lines: [] });
      panel.scrollIntoView({ block: 'nearest' }); // the log grows under a long form
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('X-Requested-With', 'jpod-build');
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable && ev.total > 0) {
          bar.hidden = false;
          bar.value = Math.round(ev.loaded * 100 / ev.total);
        }
      };
      xhr.onload = function () {
        bar.hidden = true;
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (ignored) { body = { message: xhr.statusText }; }
        if (xhr.status >= 200 && xhr.status < 300) {
          renderBuild(panel, { id: body.id, state: 'QUEUED', label: 'Waiting to start…', done: false, lines: [] });
          followBuild(panel, body.events);
        } else {
          buildRefused(panel, body.message || ('the build was refused (' + xhr.status + ')'));
          button.disabled = false;
        }
      };
      xhr.onerror = function () {
        bar.hidden = true;
        buildRefused(panel, 'The upload failed: jpod could not be reached.');
        button.disabled = false;
      };
      button.disabled = true;
      xhr.send(new FormData(form));
    });
  });

  document.querySelectorAll('[data-build-panel][data-build-src]').forEach(function (panel) {
    followBuild(panel, panel.dataset.buildSrc);
  });

  // ---- usage: live figures and charts from the daemon's stats streams (one sampler for every page;
  // nothing is read while no page is open). Charts use uPlot, served by the daemon under /webjars/.
  var WINDOW = 120; // points kept: two minutes of a container, four of the totals

  function human(bytes) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var v = Math.max(0, bytes), u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return (u === 0 ? v.toFixed(0) : v < 10 ? v.toFixed(1) : v.toFixed(0)) + ' ' + units[u];
  }
  function pct(v) { return v.toFixed(1) + '%'; }
  function setText(id, text) { var el = document.getElementById(id); if (el) { el.textContent = text; } }

  // one chart: x is time in seconds, then one series per label; fmt writes the y axis' values, whose
  // scale reaches at least floor (a quiet container's line stays at the bottom of a readable axis)
  function chart(id, labels, colors, fmt, floor) {
    var el = document.getElementById(id);
    var data = [[]];
    labels.forEach(function () { data.push([]); });
    var plot = null;
    if (el && window.uPlot) {
      var series = [{}];
      labels.forEach(function (l, i) {
        series.push({ label: l, stroke: colors[i], width: 2, value: function (u, v) { return v == null ? '-' : fmt(v); } });
      });
      plot = new window.uPlot({
        width: Math.max(el.clientWidth, 200), height: 160, series: series,
        scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max * 1.1, floor || 1)]; } } },
        axes: [{}, { size: 70, values: function (u, vals) { return vals.map(fmt); } }]
      }, data, el);
      window.addEventListener('resize', function () { plot.setSize({ width: Math.max(el.clientWidth, 200), height: 160 }); });
    }
    return {
      add: function (t, values) {
        data[0].push(t);
        values.forEach(function (v, i) { data[i + 1].push(v); });
        if (data[0].length > WINDOW) { data.forEach(function (d) { d.shift(); }); }
        if (plot) { plot.setData(data); }
        if (el) { el.dataset.points = String(data[0].length); }
      }
    };
  }

  function followUsage(src, onUsage) {
    var source = new EventSource(src);
    streams.push(source);
    source.addEventListener('usage', function (e) { onUsage(JSON.parse(e.data)); });
    source.onerror = function () { say('Reconnecting…'); };
  }

  var containerUsage = document.querySelector('[data-stats-src]');
  if (containerUsage && window.EventSource) {
    var cpuChart = chart('chart-cpu', ['CPU'], ['#2a6fdb'], pct, 10);
    var memChart = chart('chart-memory', ['Memory'], ['#8a3ffc'], human, 1024 * 1024);
    var netChart = chart('chart-network', ['In', 'Out'], ['#198038', '#b28600'],
      function (v) { return human(v) + '/s'; }, 1024);
    var last = null;
    followUsage(containerUsage.dataset.statsSrc, function (u) {
      var t = u.time / 1000;
      if (!u.running) {
        setText('usage-cpu', 'not running');
        last = null;
        return;
      }
      if (u.measured) {
        setText('usage-cpu', pct(u.cpu));
        cpuChart.add(t, [u.cpu]);
      }
      setText('usage-memory', human(u.memory) + ' / ' + human(u.memoryLimit));
      setText('usage-network', human(u.rx) + ' in, ' + human(u.tx) + ' out');
      var meter = document.getElementById('usage-memory-meter');
      if (meter) { meter.value = u.memoryPercent; }
      memChart.add(t, [u.memory]);
      if (last && t > last.t) {
        netChart.add(t, [Math.max(0, (u.rx - last.rx) / (t - last.t)), Math.max(0, (u.tx - last.tx) / (t - last.t))]);
      }
      last = { t: t, rx: u.rx, tx: u.tx };
    });
  }

  // the containers table's usage column and the overview's totals share the all-containers stream
  var lastUsage = {};
  function applyUsage() {
    document.querySelectorAll('[data-usage-id]').forEach(function (cell) {
      var u = lastUsage[cell.dataset.usageId];
      cell.textContent = u ? (u.measured ? pct(u.cpu) : '-') + ' CPU, ' + human(u.memory) + ' / ' + human(u.memoryLimit) : '';
    });
  }
  var hostUsage = document.querySelector('[data-stats-all]');
  if ((hostUsage || document.querySelector('[data-usage-id]') || document.getElementById('containers'))
      && window.EventSource) {
    var totalCpu = hostUsage ? chart('chart-total-cpu', ['CPU'], ['#2a6fdb'], pct, 10) : null;
    var totalMem = hostUsage ? chart('chart-total-memory', ['Memory'], ['#8a3ffc'], human, 1024 * 1024) : null;
    followUsage('/ui/stats', function (all) {
      lastUsage = {};
      all.containers.forEach(function (u) { lastUsage[u.id] = u; });
      applyUsage();
      var t = all.totals;
      if (hostUsage) {
        setText('total-running', String(t.running));
        if (t.measured) {
          setText('total-cpu', pct(t.cpu) + ' of ' + t.cpus + ' CPUs (' + Math.round(t.cpu / Math.max(t.cpus, 1)) + '%)');
          totalCpu.add(t.time / 1000, [t.cpu]);
        }
        setText('total-memory', human(t.memory) + ' of ' + human(t.hostMemory));
        var meter = document.getElementById('total-memory-meter');
        if (meter) { meter.max = t.hostMemory; meter.value = t.memory; }
        totalMem.add(t.time / 1000, [t.memory]);
      }
    });
  }

  applyFilters();
})();
