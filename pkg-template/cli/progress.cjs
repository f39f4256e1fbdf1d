'use strict';
// Progress of a batch run on stderr: a bar on a terminal, else a line every 2 s.

const { BIN } = require('./arguments.cjs');

function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

function makeProgress(stream, total, alreadyDone, enabled) {
  const tty = !!stream.isTTY;
  const start = Date.now();
  const state = { done: 0, errors: 0 };
  let timer = null;
  const describeNow = () => {
    const elapsed = (Date.now() - start) / 1000;
    const all = alreadyDone + state.done;
    const rate = elapsed > 0.5 ? state.done / elapsed : NaN;
    const eta = rate > 0 ? (total - all) / rate : NaN;
    const pct = total > 0 ? Math.floor((all / total) * 100) : 100;
    return { all, rate, eta, pct, elapsed };
  };
  const draw = (final) => {
    const { all, rate, eta, pct } = describeNow();
    const rateText = Number.isFinite(rate) ? `${rate.toFixed(rate < 10 ? 1 : 0)}/s` : '–/s';
    if (tty) {
      const width = 24;
      const fill = total > 0 ? Math.round((all / total) * width) : width;
      const bar = `${'█'.repeat(fill)}${'░'.repeat(width - fill)}`;
      stream.write(`\r\x1b[K${bar} ${all}/${total} ${pct}% ${rateText} ETA ${formatDuration(eta)} errors ${state.errors}${final ? '\n' : ''}`);
    } else {
      stream.write(`${BIN}: ${all}/${total} rows (${pct}%), ${rateText}, ETA ${formatDuration(eta)}, ${state.errors} error${state.errors === 1 ? '' : 's'}\n`);
    }
  };
  return {
    start() {
      if (!enabled) return;
      if (tty) draw(false);
      timer = setInterval(() => draw(false), tty ? 100 : 2000);
      if (timer.unref) timer.unref();
    },
    update(done, errors) {
      state.done = done;
      state.errors = errors;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (enabled) draw(true);
    },
    elapsed: () => (Date.now() - start) / 1000,
  };
}

module.exports = { makeProgress };
